"""The window in Japanese and in English: the language chosen, every visible text translated, the .ts and .qm current."""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTableView,
    QTabWidget,
    QWidget,
)

from k49desk import models
from k49desk.classes import CHARS, CLASSES
from k49desk.gui import app, i18n

ROOT = Path(__file__).resolve().parents[1]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
# Names that stay as they are in Japanese text: products, formats, file names, keys, presets, romaji.
KEPT = {
    "k49desk", "K49", "Kuzushiji", "Kuzushiji-49", "TensorFlow", "GPU", "CPU", "CSV", "PNG", "SVG", "JPEG", "TFLite", "ONNX",
    "SavedModel", "Ctrl", "Esc", "Enter", "Del", "ms", "OK", "F1", "P", "IPAex", "KMNIST", "CODH", "NIJL", "doi",
    "CC", "BY-SA", "English", "KanjiVG", "Adam", "SGD", "mixup", "alpha", "top-1", "top-5", "float32", "bfloat16", "float16", "fu", "nu", "MB", "KB", "GB", "bytes", "x", "px",
    "Keras", "CNN", "ResNet", "PreActResNet-18",  # the names of models and of the library
    "MirroredStrategy", "keras-team", "NVIDIA", "H200", "Compute", "Capability", "Tensor", "amx_bf16", "avx512_bf16",
}
KEPT |= {c.romaji for c in CLASSES} | set(models.ARCHITECTURES)


@pytest.fixture
def language(request):
    """Install the translators of the language the test is parametrised with; English again afterwards."""
    translators = i18n.install_translators(request.param)
    yield request.param
    i18n.remove_translators(translators)


@pytest.fixture
def translated_window(qtbot, tmp_path, language):
    w = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(w)
    w.resize(1280, 860)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.state.cancel_all_and_wait(10)


def _keep(found: list, where: str, text) -> None:
    """Add `text` as a person reads it: without HTML tags; nothing for an empty text."""
    text = re.sub(r"<[^>]+>", " ", text or "").replace("&nbsp;", " ").strip()
    if text:
        found.append((where, text))


def visible_texts(window) -> list[tuple[str, str]]:
    """(where, text) of everything a person reads in the window: tab titles, menus, labels, buttons, group boxes,
    table headers, combo box items, placeholders and tooltips, tab by tab as each is shown."""
    found = []
    for menu in window.menuBar().findChildren(QMenu):
        _keep(found, "menu", menu.title())
        for action in menu.actions():
            _keep(found, f"action {action.objectName()}", action.text())
    for tabs in (window.tabs, *window.findChildren(QTabWidget)):
        for i in range(tabs.count()):
            _keep(found, f"tab of {tabs.objectName()}", tabs.tabText(i))
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        found += widget_texts(window)
    for label in (window.data_label, window.loading_label):
        _keep(found, label.objectName(), label.text())
    return found


def widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of the visible widgets under `root` (a window or a dialog), and its title."""
    found = []
    _keep(found, f"title of {root.objectName()}", root.windowTitle())
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        where = f"{type(widget).__name__} {widget.objectName()}"
        _keep(found, f"tooltip of {where}", widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            _keep(found, where, widget.text())
        elif isinstance(widget, QGroupBox):
            _keep(found, where, widget.title())
        elif isinstance(widget, QLineEdit):
            _keep(found, f"placeholder of {where}", widget.placeholderText())
        elif isinstance(widget, QComboBox):
            for k in range(widget.count()):
                _keep(found, f"item of {where}", widget.itemText(k))
                _keep(found, f"tooltip of item of {where}", widget.itemData(k, Qt.ItemDataRole.ToolTipRole))
        elif isinstance(widget, QTableView):
            model = widget.model()
            for column in range(model.columnCount(QModelIndex())):
                _keep(found, f"header of {where}", model.headerData(column, Qt.Orientation.Horizontal))
    return found


def dialog_texts(qtbot, window) -> list[tuple[str, str]]:
    """The texts of the dialogs the window opens itself: Export model, My samples."""
    from k49desk.gui.export_dialog import ExportDialog

    window.export_model()
    export = window.findChild(ExportDialog)
    qtbot.waitExposed(export)
    found = widget_texts(export)
    export.reject()
    window.show_tab(window.draw_tab)
    window.draw_tab.teach.show_samples()
    samples = window.draw_tab.teach.samples_dialog
    qtbot.waitExposed(samples)
    found += widget_texts(samples)
    samples.close()
    return found


def untranslated_words(text: str) -> list[str]:
    """Latin words in a Japanese text that are not names kept as they are (paths and numbers aside)."""
    text = re.sub(r"\S*/\S*", " ", text)  # paths and URLs
    text = re.sub(r"[\w.-]*\.[a-z]{2,6}\b|\w+\[\w+\]", " ", text)  # file names (.npz, .tflite) and pip extras
    text = re.sub(r"\(&\w\)|&", "", text)  # menu mnemonics, written (&F) after a Japanese name
    # One letter is a key (Ctrl+Z) or a symbol (F値), not an English word.
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]*", text) if len(w) > 1 and w not in KEPT]


@pytest.mark.parametrize("language", ["ja"], indirect=True)
def test_every_visible_text_is_japanese(qtbot, translated_window):
    texts = visible_texts(translated_window) + dialog_texts(qtbot, translated_window)
    assert len(texts) > 150  # every tab was walked, not an empty window
    wrong = [(where, text) for where, text in texts if untranslated_words(text)]
    assert not wrong, "\n".join(f"{where}: {text!r}" for where, text in wrong)
    tabs = translated_window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["データ", "学習", "評価", "誤分類", "手書き", "写真"]
    assert translated_window.findChild(QGroupBox, "trainSettingsBox").title() == "設定"
    assert "くずし字" in translated_window.windowTitle()
    assert translated_window.language_actions["ja"].isChecked()


@pytest.mark.parametrize("language", ["en"], indirect=True)
def test_every_visible_text_is_english(qtbot, translated_window):
    hiragana = set(CHARS) | {"→"}
    wrong = [(where, text) for where, text in visible_texts(translated_window) + dialog_texts(qtbot, translated_window)
             if JAPANESE.search("".join(ch for ch in text if ch not in hiragana)) and text != "日本語"]
    assert not wrong, "\n".join(f"{where}: {text!r}" for where, text in wrong)
    tabs = translated_window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Data", "Train", "Evaluate", "Confusions", "Draw",
                                                              "Photo"]


@pytest.mark.parametrize("language", ["ja"], indirect=True)
def test_plots_speak_japanese(qtbot, language):
    """Titles, axis labels and legends of the Evaluate tab's plots and the training curves."""
    from k49desk import evaluation
    from k49desk.gui.evaluation_plots import ConfusionMatrixPlot, PerClassPlot, PrecisionRecallPlot
    from k49desk.gui.train_tab import TrainingPlots

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(49), 3)
    probs = rng.dirichlet(np.ones(49), size=len(y))
    ev = evaluation.from_probabilities(y, probs, data_name="K49", practice=False, model_name="seed-cnn")
    texts = []
    for plot in (ConfusionMatrixPlot(), PerClassPlot(), PrecisionRecallPlot()):
        qtbot.addWidget(plot)
        plot.set_evaluation(ev)
        for ax in plot.canvas.figure.axes:
            texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
            if ax.get_legend():
                texts += [t.get_text() for t in ax.get_legend().get_texts()]
    holder = QWidget()
    qtbot.addWidget(holder)
    curves = TrainingPlots(holder)
    for ax in curves.axes.values():
        texts += [ax.get_title(), ax.get_xlabel()] + [t.get_text() for t in ax.get_legend().get_texts()]
    texts = [t for t in texts if t]
    assert len(texts) >= 15
    assert [t for t in texts if not JAPANESE.search(t) or untranslated_words(t)] == []
    assert "混同行列" in texts[0] and "適合率" in texts and "再現率" in texts and "エポック" in texts


def test_language_from_settings_then_environment_then_system(isolated_settings, monkeypatch):
    settings = app.app_settings()
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    env = {"LC_ALL": "", "LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}
    assert i18n.chosen_language(settings, env) == "ja"  # LC_MESSAGES before LANG; an empty LC_ALL does not count
    assert i18n.system_language({"LC_ALL": "en_GB.UTF-8", "LANG": "ja_JP.UTF-8"}) == "en"
    assert i18n.system_language({"LANG": "ja_JP.eucJP"}) == "ja"
    assert i18n.system_language({"LANG": "de_DE.UTF-8"}) == "en"  # other languages fall back to English
    assert i18n.system_language({"LANG": "C.UTF-8"}) == "en"
    i18n.save_language(settings, "en")
    assert i18n.chosen_language(app.app_settings(), env) == "en"  # the menu's choice wins over the locale
    settings.setValue(i18n.LANGUAGE_KEY, "klingon")  # an edited file: ignored, not a crash
    assert i18n.chosen_language(app.app_settings(), env) == "ja"


def test_language_menu_keeps_the_choice_for_the_next_start(qtbot, window):
    assert window.language_actions["en"].isChecked()
    window.language_actions["ja"].trigger()
    assert i18n.saved_language(app.app_settings()) == "ja"
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "languageMessage") is not None)
    box = window.findChild(QMessageBox, "languageMessage")
    assert "日本語" in box.text() and "next time" in box.text()
    box.accept()


def _update_module():
    spec = importlib.util.spec_from_file_location("i18n_update", ROOT / "resources" / "i18n" / "update.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> translation (None while unfinished)."""
    found = {}
    for context in ET.parse(ts).getroot():
        name = context.findtext("name")
        for message in context.findall("message"):
            translation = message.find("translation")
            text = translation.findtext("numerusform") if message.get("numerus") == "yes" else translation.text
            found[(name, message.findtext("source"))] = None if translation.get("type") else text
    return found


def test_ts_holds_every_string_of_the_code_translated_and_the_qm_is_current(tmp_path):
    update = _update_module()
    committed = update.ts_path("ja")
    scanned = tmp_path / committed.name
    shutil.copy(committed, scanned)
    update.lupdate(scanned)  # what the code holds now, with the committed translations kept
    now, before = _messages(scanned), _messages(committed)
    assert set(now) - set(before) == set(), "strings in the code missing from the .ts: run resources/i18n/update.py"
    assert set(before) - set(now) == set(), "strings in the .ts no longer in the code: run resources/i18n/update.py"
    untranslated = [key for key, text in now.items() if not text]
    assert not untranslated, f"untranslated: {untranslated}"
    compiled = tmp_path / "k49desk_ja.qm"
    update.lrelease(committed, compiled)
    assert compiled.read_bytes() == update.qm_path("ja").read_bytes(), "stale .qm: run resources/i18n/update.py"


def test_translations_keep_every_placeholder():
    """A translation that drops or renames {name} would raise KeyError or lose a value when formatted."""
    for (context, source), text in _messages(_update_module().ts_path("ja")).items():
        placeholders = set(re.findall(r"\{\w*\}|%n", source))
        if source == "{char} ({romaji})":  # Japanese names the character alone: the kana is its own reading
            placeholders = {"{char}"}
        assert set(re.findall(r"\{\w*\}|%n", text)) == placeholders, (context, source, text)


def test_the_windows_recipe_text_is_the_command_lines_in_english():
    """train_tab.recipe_text translates models.Recipe.describe(); in English the two read the same for every preset."""
    from k49desk.gui.train_tab import recipe_text

    for spec in models.ARCHITECTURES.values():
        assert recipe_text(spec.recipe) == spec.recipe.describe()


@pytest.mark.parametrize("language", ["ja"], indirect=True)
def test_the_starter_models_description_is_japanese(language):
    from k49desk.gui.model_banner import describe, starter_summary
    from k49desk.gui.state import ActiveModel
    from k49desk.paths import starter_model_path

    title, details, tooltip = describe(ActiveModel("starter", starter_model_path()))
    for text in (title, details, tooltip, starter_summary()):
        assert JAPANESE.search(text) and not untranslated_words(text), text


@pytest.mark.parametrize("language", ["ja"], indirect=True)
@pytest.mark.parametrize("names", [("CPU:0",), ("GPU:0 (NVIDIA H200)", "GPU:1 (NVIDIA H200)")])
def test_where_and_how_precisely_training_runs_is_said_in_japanese(translated_window, names):
    """The Train tab's machine line and precision note are worded by the window, not copied from the core's English."""
    from k49desk import training

    tab = translated_window.train_tab
    choices = [training.PrecisionChoice("bfloat16", "mixed_bfloat16", "(the CLI's words)", "cpu_bfloat16",
                                        ("amx_bf16", "avx512_bf16")),
               training.PrecisionChoice("float16", "mixed_float16", "(the CLI's words)", "gpu_tensor_cores", ("8.0",)),
               training.PrecisionChoice("float32", "float32", "(the CLI's words)", "cpu_no_bfloat16")]
    for choice in choices:
        tab._show_machine((choice, training.Devices(names, 2)))
        for text in (tab.precision_note.text(), tab.device_label.text()):
            assert "CLI" not in text and not untranslated_words(text), text
    assert "amx_bf16" in tab.precision_note.text() or "float32" in tab.precision_note.text()
