#!/usr/bin/env bash
# Rebuilds resources/models/starter.keras from nothing but Debian fonts and k49desk's own code (see PROVENANCE.md).
# Run from the repository root with k49desk installed (python -m pip install .). Takes ~12 minutes on 2 CPU cores.
set -euo pipefail
work=${1:-$(mktemp -d)}

# The Japanese fonts the practice set is rendered from (brush, handwriting, mincho and gothic styles).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq fonts-kouzan-mouhitsu fonts-aoyagi-soseki fonts-aoyagi-kouzan-t fonts-kiloji fonts-klee \
    fonts-ipaexfont fonts-ipafont-gothic fonts-ipafont-mincho fonts-vlgothic fonts-horai-umefont fonts-umeplus \
    fonts-hanazono fonts-motoya-l-cedar fonts-motoya-l-maruberi fonts-mplus fonts-droid-fallback >/dev/null
fi

k49desk synth "$work/data" --train-per-class 1000 --test-per-class 150 --seed 49
k49desk train --data-dir "$work/data" --arch resnet-small --epochs 8 --validation-split 0.1 --seed 49 --out "$work/run"
k49desk evaluate "$work/run" --data-dir "$work/data" --out "$work/eval"
# The shipped file holds the weights only: the optimizer state would triple its size and the app never trains it further.
python - "$work/run/model.keras" resources/models/starter.keras <<'PY'
import sys

import keras

keras.saving.load_model(sys.argv[1], compile=False).save(sys.argv[2])
PY
echo "starter model written to resources/models/starter.keras (run and evaluation in $work)"
