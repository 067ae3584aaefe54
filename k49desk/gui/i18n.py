"""The window's language (English or Japanese) and Qt's translators for it; numbers, sizes and dates in its locale.

The language is the one saved in the settings (the Language menu), else the system's: LC_ALL, LC_MESSAGES, LANG
(the first one set, as POSIX reads them), else QLocale.system(). Japanese for ja*, English for anything else.
The translations are resources/i18n/k49desk_ja.ts, compiled to k49desk_ja.qm by resources/i18n/update.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from k49desk.paths import resources_dir

log = logging.getLogger(__name__)

ENGLISH, JAPANESE = "en", "ja"
# Each language under its own name: the menu reads the same whichever language the window speaks.
LANGUAGES = {ENGLISH: "English", JAPANESE: "日本語"}
LANGUAGE_KEY = "ui/language"
_current = ENGLISH  # the language whose translators are installed: the window's texts are in it
_LOCALES = {ENGLISH: QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
            JAPANESE: QLocale(QLocale.Language.Japanese, QLocale.Country.Japan)}


def translations_dir() -> Path:
    return resources_dir() / "i18n"


def language_of(locale_name: str) -> str:
    """'ja' for a Japanese locale name (ja, ja_JP.UTF-8, ja-JP), 'en' for any other."""
    return JAPANESE if locale_name.strip().lower().startswith("ja") else ENGLISH


def system_language(environ: Mapping[str, str] = os.environ) -> str:
    """The language the system asks for: the first of LC_ALL, LC_MESSAGES, LANG that is set, else Qt's system locale."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return language_of(value)
    return language_of(QLocale.system().name())


def saved_language(settings: QSettings) -> str | None:
    value = settings.value(LANGUAGE_KEY)
    return value if value in LANGUAGES else None


def chosen_language(settings: QSettings, environ: Mapping[str, str] = os.environ) -> str:
    """The language chosen in the Language menu, else the system's."""
    return saved_language(settings) or system_language(environ)


def save_language(settings: QSettings, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    settings.setValue(LANGUAGE_KEY, language)
    settings.sync()


def current_language() -> str:
    """The language the application speaks now (install_translators made it so)."""
    return _current


def install_translators(language: str) -> list[QTranslator]:
    """Make `language` the application's: its translators installed (k49desk's own, then Qt's for its standard
    dialogs and buttons) and its locale the default for numbers and dates. Returns the translators installed, for
    remove_translators. English needs none: the sources are English."""
    app = QCoreApplication.instance()
    global _current
    _current = language
    system = QLocale.system()
    # The system's own variant where it speaks that language (en_GB dates stay British), else the language's.
    QLocale.setDefault(system if system.language() == _LOCALES[language].language() else _LOCALES[language])
    if language == ENGLISH:
        return []
    installed = []
    qt_translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in ((f"k49desk_{language}", str(translations_dir())), (f"qtbase_{language}", qt_translations)):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            # The window then speaks English: better than not opening.
            log.warning("no translation %s in %s", name, folder)
    return installed


def remove_translators(translators: list[QTranslator]) -> None:
    """Undo install_translators: English again."""
    global _current
    _current = ENGLISH
    app = QCoreApplication.instance()
    for translator in translators:
        app.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


# Numbers as the user's locale writes them ---------------------------------------------------------------------

def locale() -> QLocale:
    """The default locale; English (US) in place of the POSIX "C" locale, which writes 1234567 without separators."""
    default = QLocale()
    return _LOCALES[ENGLISH] if default.language() == QLocale.Language.C else default


def number(value: float, decimals: int = 0) -> str:
    """1234567 -> '1,234,567'; with decimals, a fixed number of them."""
    if decimals == 0:
        return locale().toString(int(round(value)))
    return locale().toString(float(value), "f", decimals)


def percent(fraction: float, decimals: int = 1) -> str:
    """0.9123 -> '91.2%'."""
    return locale().toString(100.0 * float(fraction), "f", decimals) + locale().percent()


def file_size(n: float) -> str:
    """Byte counts in decimal (SI) units, as the locale writes them: '66.1 MB'."""
    return locale().formattedDataSize(int(n), 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def date_time(value: datetime) -> str:
    """A date in the locale's short format and the time to the second ('2026/12/06 13:05:09' in Japanese): runs
    made a few seconds apart stay apart."""
    return f"{locale().toString(value.date(), QLocale.FormatType.ShortFormat)} {value:%H:%M:%S}"


def duration(seconds: float) -> str:
    """'4.2 s', '42 s', '3 min 5 s', '1 h 2 min'."""
    if seconds < 10:
        return QCoreApplication.translate("i18n", "{s} s").format(s=number(seconds, 1))
    s = int(round(seconds))
    if s >= 3600:
        return QCoreApplication.translate("i18n", "{h} h {min} min").format(h=s // 3600, min=s % 3600 // 60)
    if s >= 60:
        return QCoreApplication.translate("i18n", "{min} min {s} s").format(min=s // 60, s=s % 60)
    return QCoreApplication.translate("i18n", "{s} s").format(s=s)


def time_left(seconds: float | None) -> str:
    """'3 min 5 s left'; while it cannot be estimated yet, a note saying so."""
    if seconds is None:
        return QCoreApplication.translate("i18n", "estimating time left")
    return QCoreApplication.translate("i18n", "{duration} left").format(duration=duration(seconds))


def char_label(cls) -> str:
    """A character as the window names it: 'ぬ (nu)' in English; in Japanese the character itself (its own reading),
    and the iteration mark with its name."""
    if cls.romaji == "iteration mark":
        return QCoreApplication.translate("i18n", "{char} (iteration mark)").format(char=cls.char)
    return QCoreApplication.translate("i18n", "{char} ({romaji})").format(char=cls.char, romaji=cls.romaji)


def data_name(name: str) -> str:
    """A data set's name as the core gives it ('K49' or 'practice set'; dataset.K49Data.name), for the window."""
    return QCoreApplication.translate("i18n", "practice set") if name == "practice set" else name


def model_name(name: str) -> str:
    """A model's name as the window shows it: the starter's (model_choices.STARTER_NAME) translated, a run's as is."""
    return QCoreApplication.translate("i18n", "starter model") if name == "starter model" else name
