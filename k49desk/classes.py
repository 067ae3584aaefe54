"""The 49 K49 classes: index, codepoint, character and romaji; reading and checking a classmap file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from k49desk.errors import DataError

ITERATION_MARK = "\u309d"


@dataclass(frozen=True)
class Hiragana:
    index: int
    codepoint: str  # "U+3042"
    char: str  # "あ"
    romaji: str  # "a"; "iteration mark" for ゝ

    @property
    def label(self) -> str:
        """'あ (a)': the character with its reading, for axes, lists and reports."""
        return f"{self.char} ({self.romaji})"


_TABLE = (
    ("\u3042", "a"), ("\u3044", "i"), ("\u3046", "u"), ("\u3048", "e"), ("\u304a", "o"),
    ("\u304b", "ka"), ("\u304d", "ki"), ("\u304f", "ku"), ("\u3051", "ke"), ("\u3053", "ko"),
    ("\u3055", "sa"), ("\u3057", "shi"), ("\u3059", "su"), ("\u305b", "se"), ("\u305d", "so"),
    ("\u305f", "ta"), ("\u3061", "chi"), ("\u3064", "tsu"), ("\u3066", "te"), ("\u3068", "to"),
    ("\u306a", "na"), ("\u306b", "ni"), ("\u306c", "nu"), ("\u306d", "ne"), ("\u306e", "no"),
    ("\u306f", "ha"), ("\u3072", "hi"), ("\u3075", "fu"), ("\u3078", "he"), ("\u307b", "ho"),
    ("\u307e", "ma"), ("\u307f", "mi"), ("\u3080", "mu"), ("\u3081", "me"), ("\u3082", "mo"),
    ("\u3084", "ya"), ("\u3086", "yu"), ("\u3088", "yo"),
    ("\u3089", "ra"), ("\u308a", "ri"), ("\u308b", "ru"), ("\u308c", "re"), ("\u308d", "ro"),
    ("\u308f", "wa"), ("\u3090", "wi"), ("\u3091", "we"), ("\u3092", "wo"), ("\u3093", "n"),
    (ITERATION_MARK, "iteration mark"),
)

CLASSES: tuple[Hiragana, ...] = tuple(
    Hiragana(i, f"U+{ord(ch):04X}", ch, romaji) for i, (ch, romaji) in enumerate(_TABLE)
)
NUM_CLASSES = len(CLASSES)  # 49
CHARS: tuple[str, ...] = tuple(c.char for c in CLASSES)


def by_char(char: str) -> Hiragana:
    """The class whose character is `char`; KeyError naming it otherwise."""
    for c in CLASSES:
        if c.char == char:
            return c
    raise KeyError(f"{char!r} is not one of the 49 K49 classes")


def by_name(name: str) -> Hiragana:
    """The class named by its character or its romaji ("ぬ", "nu", "NU", "iteration mark", "iteration-mark");
    KeyError naming it otherwise."""
    text = name.strip()
    wanted = text.lower().replace("_", " ").replace("-", " ")
    for c in CLASSES:
        if text == c.char or wanted == c.romaji:
            return c
    raise KeyError(f"{name!r} is neither one of the 49 characters nor its romaji")


def load_classmap(path: str | Path) -> tuple[Hiragana, ...]:
    """Read an official-format classmap (index,codepoint,char) and check it against the 49 K49 classes."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    except FileNotFoundError:
        raise DataError(f"{path}: class map not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read class map ({e})") from None
    if not rows or [h.strip() for h in rows[0]] != ["index", "codepoint", "char"]:
        raise DataError(f"{path}: first line must be 'index,codepoint,char'")
    body = [r for r in rows[1:] if r]
    if len(body) != NUM_CLASSES:
        raise DataError(f"{path}: expected {NUM_CLASSES} classes, found {len(body)}")
    for line, row in enumerate(body, start=2):
        if len(row) != 3:
            raise DataError(f"{path}, line {line}: expected 3 fields, found {len(row)}")
        index, codepoint, char = (field.strip() for field in row)
        expected = CLASSES[line - 2]
        if index != str(expected.index):
            raise DataError(f"{path}, line {line}: index {index!r}, expected {expected.index}")
        if len(char) != 1 or codepoint.upper() != f"U+{ord(char):04X}":
            raise DataError(f"{path}, line {line}: codepoint {codepoint} does not match character {char!r}")
        if char != expected.char:
            raise DataError(
                f"{path}, line {line}: class {index} is {char!r}, K49 has {expected.char!r} ({expected.codepoint})"
            )
    return CLASSES


def classmap_csv() -> str:
    """The official classmap's text, as written by the practice-set generator."""
    return "index,codepoint,char\n" + "".join(f"{c.index},{c.codepoint},{c.char}\n" for c in CLASSES)
