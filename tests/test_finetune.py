"""Fine-tuning on the user's samples: the split, the mix, and the command line's import -> samples -> finetune."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from k49desk import cli, runs
from k49desk.classes import by_char
from k49desk.errors import DataError
from k49desk.finetune import LEARNING_RATE_SHARE, USER_SHARE, finetune_settings, mixed_data, split_samples
from k49desk.models import ARCHITECTURES
from k49desk.samples import SampleStore
from photos import PhotoStyle, character_on_paper
from strokes import STROKES


def test_split_holds_out_a_quarter_of_each_character_with_two_or_more():
    labels = np.array([3] * 8 + [5] * 4 + [7])
    train, held = split_samples(labels, seed=1)
    assert sorted(labels[held].tolist()) == [3, 3, 5]
    assert len(np.intersect1d(train, held)) == 0 and len(train) + len(held) == len(labels)
    assert 7 in labels[train]
    _, held_single = split_samples(np.arange(8), seed=0)  # one sample per character: a random quarter
    assert len(held_single) == 2
    with pytest.raises(DataError, match="too few samples to hold some out for measuring: 3 kept, at least 4"):
        split_samples(np.array([1, 1, 2]))


def test_the_users_samples_make_up_their_share_of_the_mix(practice_dir):
    from k49desk import dataset
    from k49desk.samples import Samples

    general = dataset.load(practice_dir)
    mine = Samples(np.full((6, 28, 28), 7, np.uint8), np.full(6, 22, np.uint8), [None] * 6)
    mixed = mixed_data(general, mine, np.arange(4))
    user_rows = (mixed.x_train == 7).all(axis=(1, 2)).sum()
    assert abs(user_rows / len(mixed.y_train) - USER_SHARE) < 0.05
    assert np.array_equal(mixed.x_test, general.x_test)
    assert mixed.practice_info["fine_tuning"]["user_samples"] == 4


def write_pictures(folder, chars, per_char: int) -> None:
    for char in chars:
        (folder / char).mkdir(parents=True)
        for i in range(per_char):
            Image.fromarray(character_on_paper(STROKES[char], PhotoStyle(noise=3.0), seed=i)).save(
                folder / char / f"{i}.png")


@pytest.mark.slow
def test_cli_import_samples_finetune_round_trip(tmp_path, capsys, trained_run, practice_dir):
    pictures, store = tmp_path / "pictures", tmp_path / "mine"
    write_pictures(pictures, ["ぬ", "ふ", "の"], 4)
    assert cli.main(["samples", "import", str(pictures), "--samples", str(store)]) == 0
    assert cli.main(["samples", "--samples", str(store)]) == 0
    assert "12 samples in" in capsys.readouterr().out

    out = tmp_path / "runs" / "tuned"
    assert cli.main(["finetune", str(trained_run), "--samples", str(store), "--data-dir", str(practice_dir),
                     "--epochs", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "your held-out samples" in printed and "practice set test images" in printed
    run = runs.load_run(out)
    info = run.info
    assert info.fine_tuned_from == str(runs.load_run(trained_run).model_path)
    # The seed-cnn run's preset recipe, at a tenth of its learning rate.
    assert info.recipe["optimizer"] == "adam" and info.sizes["batch_per_device"] == 256
    assert run.settings["learning_rate"] == pytest.approx(ARCHITECTURES["seed-cnn"].recipe.learning_rate / 10)
    assert info.status == "completed" and info.epochs_done == 1
    result = json.loads((out / "finetune.json").read_text())
    assert result["held_out_samples"] == 3 and result["trained_samples"] == 9
    assert 0 <= result["after_mine"] <= 1 and 0 <= result["after_general"] <= 1


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_fine_tuning_follows_the_presets_recipe_at_a_smaller_learning_rate(arch):
    recipe = ARCHITECTURES[arch].recipe
    settings = finetune_settings(arch, epochs=2)
    assert (settings.arch, settings.epochs, settings.batch_size) == (arch, 2, recipe.batch_size)
    assert settings.learning_rate == pytest.approx(recipe.learning_rate * LEARNING_RATE_SHARE)
    assert finetune_settings(arch, learning_rate=0.02).learning_rate == 0.02


def test_cli_finetune_with_too_few_samples_says_so(tmp_path, capsys, trained_run):
    store = SampleStore(tmp_path / "mine")
    store.add(np.zeros((2, 28, 28), np.uint8), [by_char("ぬ").index] * 2)
    assert cli.main(["finetune", str(trained_run), "--samples", str(store.folder)]) == 2
    assert "too few samples to hold some out" in capsys.readouterr().err


def test_with_no_data_set_the_replay_comes_from_the_starters_own_sources(tmp_path):
    """Fonts, kuzushiji variant forms and pen-stroke drawings: what the starter learned, so that fine-tuning on a
    reader's kuzushiji keeps the modern forms and the drawings in place."""
    from k49desk.finetune import GENERAL_PER_SOURCE, practice_data

    data = practice_data(tmp_path / "general")
    info = data.practice_info
    train, test = GENERAL_PER_SOURCE
    assert info["strokes"]["train_per_class"] == train and info["strokes"]["test_per_class"] == test
    assert max(info["variants"]["train_per_class"]) == train and info["variants"]["glyphs"]["hentaigana"] > 0
    assert len(info["fonts"]) > 1  # the installed Japanese faces, not IPAexGothic alone
    counts = np.bincount(data.y_train, minlength=49)
    assert counts.min() >= 2 * train and counts.max() == 3 * train  # ゝ has no variant forms
