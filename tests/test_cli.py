"""The command line, in-process: every command, the real round trip, and one-line errors with status 2."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from PIL import Image

from k49desk import cli, dataset, runs


def run_cli(capsys, *argv):
    code = cli.main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err, *fragments):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("k49desk: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_help_and_archs(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0 and "download" in out and "predict" in out
    code, out, _ = run_cli(capsys, "train", "--help")
    assert code == 0 and "stratified" in out and "--validation-split" in out
    code, out, _ = run_cli(capsys, "archs")
    assert code == 0
    assert "seed-cnn" in out and "97,265 params" in out and "resnet-small" in out


def test_no_command_opens_the_gui(monkeypatch):
    import k49desk.gui.app

    monkeypatch.setattr(k49desk.gui.app, "main", lambda argv=None, smoke_test=False, picture=None: 7)
    assert cli.main([]) == 7


def test_round_trip_synth_train_evaluate_predict(capsys, tmp_path):
    data_dir = tmp_path / "practice"
    code, out, _ = run_cli(capsys, "synth", data_dir, "--train-per-class", 20, "--test-per-class", 4, "--seed", 1)
    assert code == 0 and "Practice set (not K49)" in out and "IPAexGothic" in out
    assert dataset.load(data_dir).practice

    run_dir = tmp_path / "runs" / "first"
    code, out, _ = run_cli(capsys, "train", "--data-dir", data_dir, "--epochs", 1, "--batch-size", 64, "--out", run_dir)
    assert code == 0, out
    assert "practice set" in out and "stratified split" in out
    assert "Epoch 1/1 - " in out and " - val_accuracy: " in out
    assert runs.load_run(run_dir).info.status == "completed"

    code, out, _ = run_cli(capsys, "evaluate", run_dir, "--data-dir", data_dir)
    assert code == 0
    assert "PRACTICE SET - not K49" in out and "balanced accuracy" in out and "Most confused pairs" in out
    for name in ("report.csv", "confusion.csv", "confusion_normalized.csv", "pairs.csv", "predictions.csv",
                 "label_issues.csv", "y_pred.npy"):
        assert (run_dir / "evaluation" / name).is_file()
    assert len(np.load(run_dir / "evaluation" / "y_pred.npy")) == 49 * 4

    images = dataset.load(data_dir).x_test
    png = tmp_path / "ink-on-paper.png"
    Image.fromarray(255 - images[0]).resize((112, 112)).save(png)  # black ink on white, as a scan would be
    npz = tmp_path / "two.npz"
    np.savez(npz, images[:2])
    code, out, _ = run_cli(capsys, "predict", run_dir / "model.keras", png, npz)
    assert code == 0
    assert out.count("  1. ") == 3 and "ink-on-paper.png:" in out and "two.npz[1]:" in out
    assert out.splitlines()[0] == ("Model first: trained on a PRACTICE SET (generated, not K49; run first): "
                                   "weak on real kuzushiji")
    assert out.splitlines()[1] == "ink-on-paper.png:" and "%" in out.splitlines()[2]


def test_ctrl_c_stops_training_and_keeps_the_run(capsys, tmp_path, practice_dir, monkeypatch):
    from k49desk import training

    real_run = training.Trainer.run

    def run_and_press_ctrl_c(self, *, progress=None, cancel=None):
        def relay(event):
            progress(event)
            if isinstance(event, training.EpochEnd):
                os.kill(os.getpid(), signal.SIGINT)

        return real_run(self, progress=relay, cancel=cancel)

    monkeypatch.setattr(training.Trainer, "run", run_and_press_ctrl_c)
    run_dir = tmp_path / "stopped"
    code, out, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 3, "--out", run_dir)
    assert code == 0 and "Stopping after the current batch" in err
    assert "Run stopped early: 1/3 epochs" in out
    assert runs.load_run(run_dir).info.status == "stopped"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_bad_input_gives_one_line_and_status_2(capsys, tmp_path, trained_run):
    code, _, err = run_cli(capsys, "train", "--data-dir", tmp_path / "nowhere", "--epochs", 1)
    one_line_error(code, err, "nowhere", "data folder not found")
    code, _, err = run_cli(capsys, "evaluate", tmp_path / "missing.keras", "--data-dir", tmp_path)
    one_line_error(code, err, "missing.keras: model file not found")
    code, _, err = run_cli(capsys, "evaluate", tmp_path, "--data-dir", tmp_path)
    one_line_error(code, err, "not a complete run folder")
    not_image = tmp_path / "notes.png"
    not_image.write_text("not a picture")
    code, _, err = run_cli(capsys, "predict", trained_run, not_image)
    one_line_error(code, err, "notes.png: not a readable image")
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    code, _, err = run_cli(capsys, "predict", trained_run, blank)
    one_line_error(code, err, "blank.png", "nothing to predict")
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, np.zeros((3, 32, 32), np.uint8))
    code, _, err = run_cli(capsys, "predict", trained_run, wrong)
    one_line_error(code, err, "wrong.npz: arr_0 has shape (3, 32, 32)")
    code, _, err = run_cli(capsys, "download", "--data-dir", tmp_path / "k49", "--base-url", "http://127.0.0.1:9/")
    one_line_error(code, err)


@pytest.mark.parametrize("argv", [["train", "--epochs", "0"], ["train", "--arch", "vgg99"],
                                  ["train", "--validation-split", "1.5"], ["predict", "model.keras"], ["frobnicate"]])
def test_usage_errors_exit_2(capsys, argv):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and "usage: k49desk" in err


def no_traceback_error(code, err, *fragments):
    assert "Traceback" not in err
    one_line_error(code, err, *fragments)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc, where nothing can be created")
def test_unwritable_outputs_fail_early_with_one_line(capsys, tmp_path, practice_dir, trained_run, monkeypatch):
    from k49desk import evaluation, synth

    def not_now(*args, **kwargs):
        pytest.fail("the expensive work ran before the output folder was checked")

    monkeypatch.setattr(synth, "_render_glyphs", not_now)
    code, _, err = run_cli(capsys, "synth", "/proc/nope/practice", "--train-per-class", 1, "--test-per-class", 1)
    no_traceback_error(code, err, "/proc/nope/practice", "cannot create it in /proc")
    monkeypatch.setattr(evaluation, "evaluate", not_now)
    code, _, err = run_cli(capsys, "evaluate", trained_run, "--data-dir", practice_dir, "--out", "/proc/nope/ev")
    no_traceback_error(code, err, "/proc/nope/ev", "cannot create it in /proc")


def test_outputs_onto_a_file_fail_with_one_line(capsys, tmp_path, practice_dir, trained_run, monkeypatch):
    from k49desk import evaluation

    blocker = tmp_path / "a-file"
    blocker.write_text("keep me")
    code, _, err = run_cli(capsys, "synth", blocker, "--train-per-class", 1, "--test-per-class", 1)
    no_traceback_error(code, err, str(blocker), "is a file, not a folder")
    code, _, err = run_cli(capsys, "synth", blocker / "sub", "--train-per-class", 1, "--test-per-class", 1)
    no_traceback_error(code, err, str(blocker / "sub"), "cannot be created")
    monkeypatch.setattr(evaluation, "evaluate", lambda *a, **k: pytest.fail("evaluated before checking --out"))
    code, _, err = run_cli(capsys, "evaluate", trained_run, "--data-dir", practice_dir, "--out", blocker)
    no_traceback_error(code, err, str(blocker), "is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"] and blocker.read_text() == "keep me"


def test_write_failure_after_the_work_is_one_line_and_leaves_nothing(capsys, tmp_path, monkeypatch):
    from pathlib import Path

    from k49desk import paths

    real_write_bytes = Path.write_bytes

    def disk_full(self, data):
        if self.name == dataset.FILE_NAMES[2]:
            raise OSError(28, "No space left on device")
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    out = tmp_path / "practice"
    code, _, err = run_cli(capsys, "synth", out, "--train-per-class", 1, "--test-per-class", 1,
                           "--fonts", paths.hiragana_font_path())
    no_traceback_error(code, err, f"no space left on {out}")
    assert list(tmp_path.iterdir()) == []


def test_synth_with_given_fonts_lists_used_and_skipped(capsys, tmp_path):
    import shutil

    from k49desk import evaluation

    from k49desk import paths

    font = paths.hiragana_font_path()
    twin = shutil.copyfile(font, tmp_path / "ipaexg-copy.ttf")
    code, out, _ = run_cli(capsys, "synth", tmp_path / "p", "--train-per-class", 1, "--test-per-class", 1,
                           "--fonts", font, twin)
    assert code == 0
    assert f"Fonts used (1, from the fonts given):\n  IPAexGothic Regular  ({font})\n" in out
    assert (f"Fonts skipped (1):\n  IPAexGothic Regular  ({twin}): another face of the family IPAexGothic; "
            f"IPAexGothic Regular is used") in out
    code, _, err = run_cli(capsys, "synth", tmp_path / "q", "--fonts", tmp_path / "missing.otf")
    no_traceback_error(code, err, "missing.otf: font file not found")


def test_predict_refuses_npz_that_are_not_k49_images(capsys, tmp_path, trained_run):
    floats = tmp_path / "floats.npz"
    np.savez(floats, np.random.default_rng(0).random((2, 28, 28)))
    code, _, err = run_cli(capsys, "predict", trained_run, floats)
    no_traceback_error(code, err, "floats.npz: arr_0 has shape (2, 28, 28) and dtype float64",
                       "expected N x 28 x 28 uint8", "scale float images to 0..255")
    one = tmp_path / "one.npz"
    np.savez(one, np.zeros((28, 28), np.int64))
    code, _, err = run_cli(capsys, "predict", trained_run, one)
    no_traceback_error(code, err, "one.npz: arr_0 has shape (28, 28) and dtype int64")


def test_predict_says_when_training_data_is_unknown(capsys, tmp_path, trained_run):
    import shutil

    from k49desk import evaluation

    bare = shutil.copyfile(trained_run / "model.keras", tmp_path / "bare.keras")
    image = tmp_path / "one.npz"
    np.savez(image, np.zeros((28, 28), np.uint8))
    code, out, _ = run_cli(capsys, "predict", bare, image)
    assert code == 0 and out.startswith("Model bare.keras: training data unknown")


def test_predict_refuses_truncated_and_empty_npz(capsys, tmp_path, trained_run):
    whole = tmp_path / "whole.npz"
    np.savez_compressed(whole, np.random.default_rng(0).integers(0, 256, (50, 28, 28), dtype=np.uint8))
    cut = tmp_path / "cut.npz"
    cut.write_bytes(whole.read_bytes()[:4000])
    code, out, err = run_cli(capsys, "predict", trained_run, cut)
    no_traceback_error(code, err, "cut.npz: truncated or damaged npz file (4,000 bytes; its zip directory is missing)")
    empty = tmp_path / "empty.npz"
    np.savez(empty, np.zeros((0, 28, 28), np.uint8))
    code, out, err = run_cli(capsys, "predict", trained_run, empty)
    no_traceback_error(code, err, "empty.npz: holds no images (arr_0 has shape (0, 28, 28)), nothing to predict")
    assert out == ""


def test_train_warns_once_when_labels_miss_classes(capsys, tmp_path, practice_dir, monkeypatch):
    import shutil

    from k49desk import evaluation

    from k49desk import training

    folder = shutil.copytree(practice_dir, tmp_path / "one-class")
    np.savez(folder / dataset.TRAIN_LABELS, np.zeros_like(dataset.load_labels(practice_dir / dataset.TRAIN_LABELS)))

    def stop(self, progress=None, cancel=None):
        raise KeyboardInterrupt  # the warning must come before any training

    monkeypatch.setattr(training.Trainer, "run", stop)
    code, _, err = run_cli(capsys, "train", "--data-dir", folder, "--epochs", 1, "--out", tmp_path / "run")
    assert code == 130
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"k49desk: warning: {folder}: the training labels cover 1 of 49 classes; "
                               "missing 48: い (i), う (u), ")
    assert "ゝ (iteration mark)" in lines[0] and "あ (a)" not in lines[0]
    assert sum("warning" in line for line in lines) == 1
    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 1, "--out", tmp_path / "run")
    assert "warning" not in err


def test_synth_with_pen_strokes_only(capsys, tmp_path):
    out_dir = tmp_path / "strokes"
    code, out, _ = run_cli(capsys, "synth", out_dir, "--train-per-class", 0, "--test-per-class", 0,
                           "--strokes-per-class", 2, "--test-strokes-per-class", 1, "--stroke-styles", "cursive")
    assert code == 0
    assert "98 training and 49 test images" in out
    assert "Pen strokes (cursive): 2 training and 1 test drawings per class, from KanjiVG 20260714 (CC BY-SA 3.0" in out
    assert "Fonts used" not in out
    assert dataset.load(out_dir).practice_info["strokes"]["styles"] == ["cursive"]
    code, _, err = run_cli(capsys, "synth", tmp_path / "q", "--strokes-per-class", 1, "--stroke-styles", "wobbly")
    one_line_error(code, err, "unknown stroke style 'wobbly'", "neat, sloppy, cursive")
    code, _, err = run_cli(capsys, "synth", tmp_path / "q", "--test-per-class", 0)
    one_line_error(code, err, "the test part would be empty")
    assert not (tmp_path / "q").exists()


@pytest.mark.parametrize("keep", ["one image", "one class"])
def test_evaluate_a_test_set_of_one_class_completes_and_says_why_no_labels_are_ranked(capsys, tmp_path, practice_dir,
                                                                                      trained_run, keep):
    import shutil

    from k49desk import evaluation

    data_dir = tmp_path / "small"
    shutil.copytree(practice_dir, data_dir)
    data = dataset.load(practice_dir)
    chosen = data.y_test == 5
    chosen &= np.arange(len(chosen)) == np.flatnonzero(chosen)[0] if keep == "one image" else chosen
    np.savez_compressed(data_dir / dataset.TEST_IMAGES, data.x_test[chosen])
    np.savez_compressed(data_dir / dataset.TEST_LABELS, data.y_test[chosen])
    out_dir = tmp_path / "ev"
    code, out, err = run_cli(capsys, "evaluate", trained_run, "--data-dir", data_dir, "--out", out_dir)
    assert code == 0, err
    assert "Traceback" not in err
    reason = "no suspicious labels can be ranked: " + ("its one image is" if keep == "one image" else
                                                        "all 8 images are")
    assert f"Suspicious labels: {reason} of one class (か)" in out
    assert f"k49desk: note: {reason}" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(evaluation.EVALUATION_FILES)
    assert (out_dir / "label_issues.csv").read_text(encoding="utf-8").count("\n") == 1  # the header
    assert reason in (out_dir / "summary.txt").read_text(encoding="utf-8")


def _subcommands(parser, prefix=()):
    """(command words, parser) for every command and sub-command."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*prefix, name), sub, helps.get(name)
                yield from _subcommands(sub, (*prefix, name))


def test_every_command_and_option_has_help():
    import argparse

    commands = list(_subcommands(cli.build_parser()))
    assert {" ".join(c) for c, _, _ in commands} >= {"download", "synth", "archs", "train", "evaluate", "predict",
                                                      "samples", "samples import", "finetune", "explain", "export"}
    missing = []
    for words, parser, summary in commands:
        if not (summary or "").strip():
            missing.append(f"{' '.join(words)}: no summary in the command list")
        if not (parser.description or "").strip():
            missing.append(f"{' '.join(words)}: no description in its --help")
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not (action.help or "").strip() or action.help == argparse.SUPPRESS:
                missing.append(f"{' '.join(words)} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, "\n".join(missing)


def test_starter_names_the_shipped_model_wherever_a_model_is_taken(capsys, tmp_path, practice_dir, monkeypatch):
    from k49desk import paths

    parser = cli.build_parser()
    for argv in (["predict", "starter", "x.png"], ["evaluate", "starter"], ["finetune", "starter"],
                 ["explain", "starter", "x.png", "--out", "h.png"], ["export", "starter", "--format", "tflite",
                                                                    "--out", "m.tflite"]):
        assert parser.parse_args(argv).model == paths.starter_model_path(), argv
    assert parser.parse_args(["predict", "./starter", "x.png"]).model.name == "starter"  # a file of that name

    picture = tmp_path / "shi.png"
    from photos import PhotoStyle, character_on_paper
    from strokes import STROKES

    Image.fromarray(character_on_paper(STROKES["し"], PhotoStyle(noise=3.0))).save(picture)
    code, out, err = run_cli(capsys, "predict", "starter", picture)
    assert code == 0, err
    assert out.startswith("Model starter") and "1. し (shi)" in out
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "evaluate", "starter", "--data-dir", practice_dir)
    assert code == 0, err
    assert (tmp_path / "starter-evaluation" / "summary.txt").is_file()
    assert not (paths.starter_model_path().parent / "starter-evaluation").exists()


def test_default_folders_that_cannot_be_used_say_how_to_choose_another(capsys, tmp_path, practice_dir, monkeypatch):
    from k49desk import training

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("K49DESK_DATA", str(blocker))
    for argv in (["train", "--epochs", 1], ["download"], ["evaluate", "starter"]):
        code, _, err = run_cli(capsys, *argv)
        no_traceback_error(code, err, f"{blocker}: is a file, not a folder; choose another data folder",
                           "--data-dir DIR or set K49DESK_DATA")
    monkeypatch.setenv("K49DESK_SAMPLES", str(blocker))
    code, _, err = run_cli(capsys, "samples")
    no_traceback_error(code, err, f"{blocker}: is a file, not a folder", "--samples DIR or set K49DESK_SAMPLES")

    monkeypatch.setattr(training.Trainer, "run", lambda *a, **k: pytest.fail("trained into an unusable runs folder"))
    for runs_dir, problem in ((blocker, "is a file, not a folder"), (blocker / "runs", "cannot be created")):
        monkeypatch.setenv("K49DESK_RUNS", str(runs_dir))
        code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 1)
        no_traceback_error(code, err, f"{runs_dir}: {problem}", "choose another runs folder (set K49DESK_RUNS, or give "
                                                                "--out RUN_DIR)")
    assert blocker.read_text() == "not a folder"


def test_a_folder_given_as_an_image_is_named_as_one(capsys, tmp_path):
    from k49desk import paths

    code, _, err = run_cli(capsys, "predict", paths.starter_model_path(), tmp_path)
    no_traceback_error(code, err, f"{tmp_path}: is a folder, not an image")
