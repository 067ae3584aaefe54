#!/usr/bin/env bash
# Rebuilds resources/models/starter.keras from Debian fonts, KanjiVG's strokes and k49desk's own code (PROVENANCE.md).
# Run from the repository root with k49desk and its strokes extra installed (python -m pip install '.[strokes]').
#
# It builds the shipped starter model (~110 minutes on 2 CPU cores): the font renders below, 2,000 training and
# 150 test pen-stroke drawings per class from KanjiVG (styles neat, sloppy and cursive, a third each; scrawl is kept
# out for validation) and 2,000 training and 150 test kuzushiji variant forms per class (Unicode hentaigana and the
# grass-script forms of each kana's source kanji, from the five faces below). Two resnet-small models learn that set:
# member A at a constant learning rate, 9 epochs then resumed to 13 (its validation accuracy still rose at epoch 9),
# member B from another start with a one-cycle schedule (1 warm-up epoch, cosine to 0) over 13 epochs. Their last
# epochs ship as one model that reads as both do together (k49desk.models.ensemble_of: the geometric mean of their
# probabilities): on real kuzushiji it read 4 points more than either alone (PROVENANCE.md).
# STARTER_OUT=FILE writes the model elsewhere (to compare before replacing). MEMBERS=1 ships member A alone (the
# commands of the previous starter). VARIANTS_PER_CLASS=0 TEST_VARIANTS_PER_CLASS=0 EPOCHS=10 FIRST_EPOCHS=10
# MEMBERS=1 runs the commands that built the one before (fonts and strokes; it shipped its best-validation epoch);
# STROKES_PER_CLASS=0 TEST_STROKES_PER_CLASS=0 as well and EPOCHS=8 FIRST_EPOCHS=8, the fonts-only one before it:
# without strokes or variants, synth writes the same bytes it always did.
set -euo pipefail
work=${1:-$(mktemp -d)}
strokes=${STROKES_PER_CLASS:-2000}
test_strokes=${TEST_STROKES_PER_CLASS:-150}
variants=${VARIANTS_PER_CLASS:-2000}
test_variants=${TEST_VARIANTS_PER_CLASS:-150}
first_epochs=${FIRST_EPOCHS:-9}  # the first training's epochs; then resumed to EPOCHS when that is more
epochs=${EPOCHS:-13}
members=${MEMBERS:-2}  # 2: members A and B as one model; 1: member A alone
dest=${STARTER_OUT:-resources/models/starter.keras}  # where the weights-only file goes
kanjivg=20260714

if [ "$strokes$test_strokes" != 00 ]; then
  installed=$(python -c 'from importlib import metadata; print(metadata.version("kanjivg"))' 2>/dev/null || true)
  if [ "$installed" != "$kanjivg" ]; then
    echo "KanjiVG $kanjivg is needed (found: ${installed:-none}): python -m pip install kanjivg==$kanjivg" >&2
    exit 2
  fi
fi

# The Japanese fonts the practice set is rendered from (brush, handwriting, mincho and gothic styles).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq fonts-kouzan-mouhitsu fonts-aoyagi-soseki fonts-aoyagi-kouzan-t fonts-kiloji fonts-klee \
    fonts-ipaexfont fonts-ipafont-gothic fonts-ipafont-mincho fonts-vlgothic fonts-horai-umefont fonts-umeplus \
    fonts-hanazono fonts-motoya-l-cedar fonts-motoya-l-maruberi fonts-mplus fonts-droid-fallback fonts-ipamj-mincho \
    >/dev/null
  # Held out of training whole, for bench/heldout_fonts.py only.
  apt-get install -y -qq fonts-seto fonts-yozvox-yozfont fonts-dejima-mincho fonts-oradano-mincho-gsrr \
    fonts-sawarabi-gothic fonts-sawarabi-mincho >/dev/null
fi

# Exactly the 31 faces the shipped model was rendered from, in the order used (PROVENANCE.md): on a machine with
# more Japanese fonts, picking the installed ones would change the practice set. IPAexGothic is the copy that
# matplotlib-fontja installs (byte-identical to Debian's fonts-ipaexfont-gothic).
ipaexg=$(python -c 'from k49desk.paths import hiragana_font_path; print(hiragana_font_path())')
d=/usr/share/fonts
fonts=(
  "$ipaexg"
  $d/opentype/ipaexfont-mincho/ipaexm.ttf
  $d/opentype/ipafont-gothic/ipag.ttf
  $d/opentype/ipafont-mincho/ipam.ttf
  $d/opentype/mplus/Mplus1-Regular.otf
  $d/opentype/mplus/Mplus1Code-Medium.otf
  $d/opentype/mplus/Mplus2-Regular.otf
  $d/truetype/aoyagi-kouzan-t/AoyagiKouzanT.ttf
  $d/truetype/aoyagi-soseki/aoyagi-soseki.ttf
  $d/truetype/droid/DroidSansFallbackFull.ttf
  $d/truetype/hanazono/HanaMinA.ttf
  $d/truetype/horai-umefont/ume-hgo4.ttf
  $d/truetype/horai-umefont/ume-hgo5.ttf
  $d/truetype/horai-umefont/ume-pgc4.ttf
  $d/truetype/horai-umefont/ume-pgc5.ttf
  $d/truetype/horai-umefont/ume-pgo4.ttf
  $d/truetype/horai-umefont/ume-pgo5.ttf
  $d/truetype/horai-umefont/ume-pmo3.ttf
  $d/truetype/horai-umefont/ume-tmo3.ttf
  $d/truetype/horai-umefont/ume-ugo4.ttf
  $d/truetype/horai-umefont/ume-ugo5.ttf
  $d/truetype/kiloji/kiloji.ttf
  $d/truetype/kiloji/kiloji_b.ttf
  $d/truetype/kiloji/kiloji_d.ttf
  $d/truetype/klee/KleeOne-Regular.ttf
  $d/truetype/kouzan-mouhitsu/kouzan-mouhitsu-gyosho.ttf
  $d/truetype/motoya-l-cedar/MTLc3m.ttf
  $d/truetype/motoya-l-maruberi/MTLmr3m.ttf
  $d/truetype/umeplus/umeplus-gothic.ttf
  $d/truetype/umeplus/umeplus-p-gothic.ttf
  $d/truetype/vlgothic/VL-Gothic-Regular.ttf
)
# The kuzushiji variant forms: hentaigana from IPAmj Mincho and HanaMinA, source kanji from the three brush faces
# that draw them in grass or running script (k49desk.variants).
variant_fonts=(
  $d/truetype/ipamj/ipamjm.ttf
  $d/truetype/hanazono/HanaMinA.ttf
  $d/truetype/kouzan-mouhitsu/KouzanBrushFontSousyo.ttf
  $d/truetype/kouzan-mouhitsu/kouzan-mouhitsu-gyosho.ttf
  $d/truetype/aoyagi-soseki/aoyagi-soseki.ttf
)
k49desk synth "$work/data" --train-per-class 1000 --test-per-class 150 --seed 49 --fonts "${fonts[@]}" \
  --strokes-per-class "$strokes" --test-strokes-per-class "$test_strokes" --stroke-styles neat sloppy cursive \
  --variants-per-class "$variants" --test-variants-per-class "$test_variants" --variant-fonts "${variant_fonts[@]}"
k49desk train --data-dir "$work/data" --arch resnet-small --epochs "$((first_epochs < epochs ? first_epochs : epochs))" \
  --validation-split 0.1 --seed 49 --out "$work/run"
if [ "$epochs" -gt "$first_epochs" ]; then
  k49desk train --resume "$work/run" --epochs "$epochs" --data-dir "$work/data"
fi
if [ "$members" -gt 1 ]; then
  k49desk train --data-dir "$work/data" --arch resnet-small --epochs "$epochs" --schedule cosine --warmup-epochs 1 \
    --validation-split 0.1 --seed 49 --out "$work/run-b"
fi
# The shipped weights are the last epoch's (last.keras), not the best-validation epoch's (model.keras): on the
# practice validation the two differed by 0.03 points (epoch 12 96.72%, epoch 13 96.69%), on real kuzushiji by 3.5
# points; the practice validation does not tell which reads kuzushiji better (PROVENANCE.md).
# The shipped file holds the weights only (the optimizer state would triple its size and the app never trains it
# further), computing in float32: training ran in mixed bfloat16, whose rounding costs ~0.35 ms per image on the
# Draw tab's canvas here; the weights are float32 either way. The checks below measure this file.
python - "$dest" "$work/run/last.keras" $([ "$members" -gt 1 ] && echo "$work/run-b/last.keras") <<'PY'
import sys

import keras

from k49desk.models import ensemble_of, float32_copy

members = [keras.saving.load_model(path, compile=False) for path in sys.argv[2:]]
starter = ensemble_of(members, name="resnet-small-pair") if len(members) > 1 else float32_copy(members[0])
starter.save(sys.argv[1])
PY
k49desk evaluate "$dest" --data-dir "$work/data" --out "$work/eval"
# Held-out checks, each reported on its own in PROVENANCE.md: generated drawings at a seed no practice set uses (scrawl
# never in training), the characters written out by hand in tests/strokes.py, and font families never in training
# (bench/heldout_fonts.py; its Debian packages are installed above when run as root).
python bench/sloppy_strokes.py --model "$dest" --per-class 100 | tee "$work/sloppy_strokes.txt"
python bench/starter_strokes.py --model "$dest" | tee "$work/starter_strokes.txt"
python bench/heldout_fonts.py --model "$dest" --per-class 50 | tee "$work/heldout_fonts.txt"
# Real kuzushiji (10 classes), where ../shared/kuzushiji-dev is present: measured, never trained on.
if [ -f ../shared/kuzushiji-dev/kuzushiji-dev-imgs.npz ]; then
  python bench/kuzushiji_dev.py --model "$dest" | tee "$work/kuzushiji_dev.txt"
fi
echo "starter model written to $dest (run and evaluation in $work)"
