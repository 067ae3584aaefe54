"""Kuzushiji variant forms for practice sets: what K49's classes hold and modern fonts do not.

K49's images are classical cursive hiragana, many of them *hentaigana*: letters written from other source kanji
than today's (は from 者 or 八, な from 奈, つ from 川 or 州, を from 遠). Two generated sources stand in for them:

- **hentaigana**: Unicode's Hentaigana block (U+1B002-U+1B11E, 285 letters); `unicodedata.name` gives each letter's
  reading ("HENTAIGANA LETTER HA-3"), which names its K49 class. Faces that draw the block: IPAmj Mincho (Debian
  fonts-ipamj-mincho, IPA Font License), HanaMinA (fonts-hanazono).
- **cursive source kanji**: each class's source kanji (字母: 安 for あ; 波 八 者 盤 … for は) drawn by brush faces in
  grass script (草書) or running script (行書), where a kanji's cursive form is the kana's ancestor.

Letters with two readings (A-WO, KA-KE, …) are left out: their class is not one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from k49desk import classes

HENTAIGANA_BLOCK = range(0x1B002, 0x1B11F)
# Unicode's hentaigana names use Kunrei romanisation; K49's class table uses Hepburn.
_KUNREI_TO_HEPBURN = {"si": "shi", "ti": "chi", "tu": "tsu", "hu": "fu"}

# The source kanji of each hiragana: today's first, then the common hentaigana sources (from Unicode's Hentaigana
# chart annotations and the standard 字母 tables). The iteration mark has none.
SOURCE_KANJI: dict[str, str] = {
    "a": "安阿愛", "i": "以伊意移", "u": "宇有雲憂", "e": "衣江盈要縁", "o": "於隠",
    "ka": "加可家嘉我賀歌閑香駕何", "ki": "幾起支喜貴期木記季祈紀", "ku": "久九供倶具求句", "ke": "計介遣希気祁",
    "ko": "己古故許胡", "sa": "左佐沙差散乍作", "shi": "之志新事四思斯師至", "su": "寸須春寿数受周主",
    "se": "世勢瀬施", "so": "曽楚蘇處所曾祖", "ta": "太多堂当田他", "chi": "知千地遅致池智",
    "tsu": "川州津都徒", "te": "天帝亭弖氐傳低", "to": "止登東等度砥", "na": "奈那南難名菜寧成",
    "ni": "仁二尓爾丹児耳貳邇", "nu": "奴努怒", "ne": "祢年念根音熱", "no": "乃農能濃野",
    "ha": "波八者盤半頗破婆葉羽", "hi": "比悲飛日非避火", "fu": "不婦布風府", "he": "部弊遍返変倍平",
    "ho": "保本奉寶報穂", "ma": "末万満麻間真摩萬", "mi": "美三微身見民未", "mu": "武無牟舞",
    "me": "女免面", "mo": "毛母茂裳聞文", "ya": "也屋耶夜", "yu": "由遊游湯", "yo": "与余代餘與",
    "ra": "良羅落蘭", "ri": "利里李理梨離", "ru": "留流類累瑠琉", "re": "礼連麗例禮",
    "ro": "呂路露楼婁魯侶", "wa": "和王倭輪", "wi": "為井居遺", "we": "恵衛惠慧", "wo": "遠乎越尾緒袁",
    "n": "无",
}

# Brush faces whose kanji are drawn in grass or running script; a kanji from any other face is a printed form,
# not a kana's ancestor, and is not used.
# Each variant image comes from a hentaigana letter with this chance, else from a cursive source kanji (when its class
# has both); within a kind, every glyph of the class is equally likely.
HENTAIGANA_SHARE = 0.5

# The stroke width the variant renders are augmented toward: the brush faces' strokes are thick and thin less than
# asked, so aiming at 2.3 px gives a measured 2.7-2.8 px, K49's 2.77 (tests/test_rasterize.py's measure), where
# aiming at K49's own width gives 3.2 px.
STROKE_WIDTH = 2.3

CURSIVE_FAMILIES = ("KouzanBrushFontSousyo", "KouzanBrushFontGyousyo", "AoyagiSosekiFont2")


@dataclass(frozen=True)
class VariantSource:
    """One glyph to render for a class: `char` from face `index` of `path`."""

    path: Path
    index: int
    char: str
    label: int  # K49 class index
    kind: str  # "hentaigana" or "cursive kanji"


@lru_cache(maxsize=1)
def hentaigana_by_class() -> dict[int, tuple[str, ...]]:
    """{K49 class index: its hentaigana letters}, from the letters' Unicode names; one-reading letters only."""
    by_romaji = {c.romaji: c.index for c in classes.CLASSES}
    out: dict[int, list[str]] = {}
    for code in HENTAIGANA_BLOCK:
        reading = unicodedata.name(chr(code)).removeprefix("HENTAIGANA LETTER ").rsplit("-", 1)
        if len(reading) != 2 or not reading[1].isdigit() or "-" in reading[0]:
            continue  # "KA-KE", "N-MU-MO-1": more than one reading
        romaji = _KUNREI_TO_HEPBURN.get(reading[0].lower(), reading[0].lower())
        out.setdefault(by_romaji[romaji], []).append(chr(code))
    return {label: tuple(chars) for label, chars in sorted(out.items())}


def kanji_by_class() -> dict[int, str]:
    """{K49 class index: its source kanji}."""
    return {c.index: SOURCE_KANJI[c.romaji] for c in classes.CLASSES if c.romaji in SOURCE_KANJI}


def sources(fonts) -> list[VariantSource]:
    """Every variant glyph the faces in `fonts` (paths; every face of a collection) draw with ink, in a fixed order:
    hentaigana from any face that has them, source kanji from the cursive brush faces only."""
    from fontTools.ttLib import TTFont
    from PIL import ImageFont

    from k49desk.font_discovery import _face_count, render_ink

    hentaigana, kanji = hentaigana_by_class(), kanji_by_class()
    out = []
    for path in map(Path, fonts):
        for index in range(max(1, _face_count(path))):
            cmap = TTFont(path, fontNumber=index, lazy=True).getBestCmap() or {}
            font = ImageFont.truetype(str(path), size=32, index=index)
            cursive = font.getname()[0] in CURSIVE_FAMILIES
            for label in range(classes.NUM_CLASSES):
                wanted = [(ch, "hentaigana") for ch in hentaigana.get(label, ())]
                wanted += [(ch, "cursive kanji") for ch in kanji.get(label, "") if cursive]
                # A face may map a letter to an empty glyph.
                out += [VariantSource(path, index, ch, label, kind) for ch, kind in wanted
                        if ord(ch) in cmap and render_ink(font, ch) is not None]
    return out


def installed_variant_fonts() -> list[Path]:
    """Installed font files that give variant glyphs: faces with the Hentaigana block, and the cursive brush faces."""
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    found = []
    for pattern in [f":charset={HENTAIGANA_BLOCK[0]:x}", *(f":family={f}" for f in CURSIVE_FAMILIES)]:
        out = subprocess.run([fc_list, "--format", "%{file}\\n", pattern], capture_output=True, text=True,
                             timeout=30, check=False).stdout
        found += sorted(Path(line) for line in out.splitlines() if line)
    return list(dict.fromkeys(found))


def pick(found: list[VariantSource], labels, rng):
    """For each label, the index into `found` of the glyph its image is rendered from (HENTAIGANA_SHARE, then uniform)."""
    import numpy as np

    labels = np.asarray(labels)
    out = np.empty(len(labels), np.int64)
    for label in np.unique(labels):
        at = np.flatnonzero(labels == label)
        kinds = [np.array([k for k, v in enumerate(found) if v.label == label and v.kind == kind], np.int64)
                 for kind in ("hentaigana", "cursive kanji")]
        if not len(kinds[0]) or not len(kinds[1]):
            only = kinds[0] if len(kinds[0]) else kinds[1]
            out[at] = only[rng.integers(len(only), size=len(at))]
            continue
        use_h = rng.random(len(at)) < HENTAIGANA_SHARE
        out[at] = np.where(use_h, kinds[0][rng.integers(len(kinds[0]), size=len(at))],
                           kinds[1][rng.integers(len(kinds[1]), size=len(at))])
    return out
