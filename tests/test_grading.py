"""Grading grids: real MNIST/Fashion-MNIST grids pass, broken ones fail for the right reason.

Grids are built from the real test sets (offline) with fixed seeds; cells are graded with the
shipped pretrained LeNets.
"""

import csv
import json

import numpy as np
import pytest
from PIL import Image

from gankit import data, grading
from gankit.grading import calibration, check_grid, grade_folder

ALL_CHECKS_UNCONDITIONAL = ["layout", "contrast", "diversity", "realism", "confidence",
                            "inception_score", "coverage"]


@pytest.fixture(scope="module")
def mnist():
    return data.load_arrays("mnist", "test")


@pytest.fixture(scope="module")
def fashion():
    return data.load_arrays("fashion_mnist", "test")


def _grid(tmp_path, arrays, kind, seed=0, name=None, **save_kwargs):
    images, classes = arrays
    cells, row_labels = calibration.make_cells(kind, images, classes, np.random.default_rng(seed))
    path = tmp_path / (name or f"{kind}_{seed}.png")
    if kind in ("real_conditional", "wrong_labels"):
        save_kwargs.setdefault("labels", row_labels)
    return grading.save_grid(cells, path, rows=10, cols=10, seed=seed, **save_kwargs)


def _verdicts(report):
    return {c.name: c.passed for c in report.checks}


@pytest.mark.parametrize("seed", [0, 1])
def test_real_mnist_grid_passes(tmp_path, mnist, seed):
    report = check_grid(_grid(tmp_path, mnist, "real", seed), expect={"dataset": "mnist",
                                                                        "rows": 10, "cols": 10})
    assert [c.name for c in report.checks] == ALL_CHECKS_UNCONDITIONAL
    assert report.passed, report.summary()
    assert report.summary().endswith(f"PASSED ({', '.join(ALL_CHECKS_UNCONDITIONAL)})")
    assert report["coverage"].value >= 9 and report["inception_score"].value > 7
    parsed = json.loads(report.to_json())
    assert parsed["passed"] is True and len(parsed["checks"]) == 7
    assert parsed["layout"]["rows"] == 10 and parsed["expect"]["dataset"] == "mnist"
    assert parsed["checks"][0] == report.checks[0].to_dict()


def test_real_fashion_grid_passes_with_fashion_expectation(tmp_path, fashion):
    path = _grid(tmp_path, fashion, "real", seed=3)
    report = check_grid(path, expect={"dataset": "fashion_mnist"})
    assert report.passed, report.summary()
    assert report.expect["thresholds"] == grading.DEFAULT_THRESHOLDS["fashion_mnist"].__dict__


def test_noise_grid_fails_on_realism(tmp_path, mnist):
    report = check_grid(_grid(tmp_path, mnist, "noise"), expect={"dataset": "mnist"})
    verdicts = _verdicts(report)
    assert not report.passed
    assert verdicts["realism"] is False and report["realism"].value == 0.0
    assert verdicts["inception_score"] is False
    assert verdicts["layout"] and verdicts["contrast"] and verdicts["diversity"]
    assert "look like noise" in report["realism"].message
    assert "FAILED" in report.summary() and "realism" in report.summary()


@pytest.mark.parametrize("level", [0, 255, 128])
def test_blank_grid_fails_on_blank_check(tmp_path, level):
    cells = np.full((100, 28, 28, 1), level, np.uint8)
    path = grading.save_grid(cells, tmp_path / "blank.png", rows=10, cols=10)
    report = check_grid(path, expect={"dataset": "mnist"})
    assert report["contrast"].passed is False and report["contrast"].value == 1.0
    assert "blank or saturated" in report["contrast"].message
    assert not report.passed


def test_repeated_digit_fails_diversity_and_coverage(tmp_path, mnist):
    report = check_grid(_grid(tmp_path, mnist, "repeated", seed=5), expect={"dataset": "mnist"})
    verdicts = _verdicts(report)
    assert verdicts["diversity"] is False and report["diversity"].value > 0.9
    assert verdicts["coverage"] is False and report["coverage"].value <= 1
    assert verdicts["contrast"] and verdicts["realism"] and verdicts["confidence"]
    assert "mode collapse" in report["diversity"].message


def test_single_class_grid_fails_coverage(tmp_path, mnist):
    report = check_grid(_grid(tmp_path, mnist, "single_class", seed=2), expect={"dataset": "mnist"})
    verdicts = _verdicts(report)
    assert verdicts["coverage"] is False and verdicts["inception_score"] is False
    assert verdicts["diversity"] and verdicts["realism"]


def test_conditional_grid_passes_and_wrong_labels_fail(tmp_path, mnist):
    expect = {"dataset": "mnist", "conditional": True, "rows": 10, "cols": 10}
    good = check_grid(_grid(tmp_path, mnist, "real_conditional"), expect=expect)
    assert good.passed, good.summary()
    assert [c.name for c in good.checks][-1] == "label_accuracy"
    assert good["label_accuracy"].value >= 0.9

    bad = check_grid(_grid(tmp_path, mnist, "wrong_labels"), expect=expect)
    failed = [c.name for c in bad.failed]
    assert failed == ["label_accuracy"], bad.summary()
    assert bad["label_accuracy"].value < 0.1
    assert "do not follow the labels" in bad["label_accuracy"].message


def test_conditional_labels_from_expectation_and_along_columns(tmp_path, mnist):
    images, classes = mnist
    rng = np.random.default_rng(4)
    picks = [rng.choice(np.flatnonzero(classes == c), 10, replace=False) for c in range(10)]
    by_row = images[np.stack(picks)]                                  # [class, k]
    by_col = by_row.swapaxes(0, 1).reshape(100, 28, 28, 1)
    path = grading.save_grid(by_col, tmp_path / "cols.png", rows=10, cols=10)  # no labels
    cols = check_grid(path, expect={"dataset": "mnist", "conditional": True,
                                    "labels_along": "cols"})
    assert cols["label_accuracy"].passed, cols.summary()
    rows = check_grid(path, expect={"dataset": "mnist", "conditional": True})
    assert not rows["label_accuracy"].passed  # read along rows, each row shows ten classes
    reversed_labels = list(range(9, -1, -1))
    pinned = check_grid(path, expect={"dataset": "mnist", "conditional": True,
                                      "labels_along": "cols", "labels": reversed_labels})
    assert pinned["label_accuracy"].value < 0.3


@pytest.mark.parametrize("pad_value, channels", [(0, 3), (255, 1)])
def test_grids_from_other_tools(tmp_path, mnist, pad_value, channels):
    images, _ = mnist
    cells = images[np.random.default_rng(7).choice(len(images), 100, replace=False)]
    mosaic = grading.save_grid(cells, tmp_path / "tmp.png", rows=10, cols=10,
                               pad_value=pad_value)
    arr = np.asarray(Image.open(mosaic))  # pixels only: the layout chunk is dropped
    if channels == 3:
        arr = np.repeat(arr[..., None], 3, axis=-1)
    Image.fromarray(arr).save(tmp_path / "plain.png")
    told = check_grid(tmp_path / "plain.png", expect={"rows": 10, "cols": 10})
    assert told.passed, told.summary()
    guessed = check_grid(tmp_path / "plain.png")  # 302x302 fits only 10x10 cells of 28x28
    assert guessed.layout["rows"] == 10 and guessed.passed
    Image.fromarray(arr).save(tmp_path / "plain.jpg", quality=95)
    jpeg = check_grid(tmp_path / "plain.jpg", expect={"rows": 10, "cols": 10})
    assert jpeg["layout"].passed and jpeg["realism"].passed


def test_layout_mismatch_fails_and_skips_the_rest(tmp_path, mnist):
    path = _grid(tmp_path, mnist, "real")
    report = check_grid(path, expect={"rows": 8, "cols": 10})
    assert [c.name for c in report.checks] == ["layout"]
    assert not report.passed and "10 rows instead of 8" in report["layout"].message
    small = grading.save_grid(np.zeros((4, 32, 32, 1), np.uint8) + 100, tmp_path / "svhn.png",
                              rows=2, cols=2)
    report = check_grid(small)
    assert "cells of 32x32 pixels instead of 28x28" in report["layout"].message


def test_unknown_plain_grid_shape_asks_for_rows_and_cols(tmp_path):
    Image.fromarray(np.zeros((100, 150), np.uint8)).save(tmp_path / "odd.png")
    with pytest.raises(grading.SubmissionError, match="pass rows and cols"):
        check_grid(tmp_path / "odd.png")


def test_expectations_and_thresholds(tmp_path, mnist):
    with pytest.raises(ValueError, match="Unknown `expect` keys"):
        grading.as_expectation({"datset": "mnist"})
    with pytest.raises(ValueError, match="Unknown dataset"):
        grading.Expectation(dataset="svhn")
    with pytest.raises(ValueError, match="labels_along"):
        grading.Expectation(labels_along="diagonal")
    with pytest.raises(ValueError, match="fraction"):
        grading.Thresholds(min_confidence=2)
    e = grading.as_expectation({"dataset": "fashion_mnist", "min_confidence": 0.99})
    assert e.thresholds.min_confidence == 0.99
    assert e.thresholds.max_reconstruction_error == (
        grading.DEFAULT_THRESHOLDS["fashion_mnist"].max_reconstruction_error)
    strict = check_grid(_grid(tmp_path, mnist, "real"),
                        expect={"min_inception_score": 9.99, "min_confidence": 0.999})
    assert {c.name for c in strict.failed} == {"inception_score", "confidence"}
    assert grading.coverage_threshold(100, 8, 10) == 8
    assert grading.coverage_threshold(16, 8, 10) == 5


def test_grade_folder_writes_csv_and_survives_bad_files(tmp_path, mnist):
    root = tmp_path / "class"
    (root / "alice").mkdir(parents=True)
    (root / "carol").mkdir()
    (root / "dave").mkdir()
    _grid(root / "alice", mnist, "real", name="epoch_20.png")
    _grid(root, mnist, "noise", name="bob.png")
    (root / "carol" / "grid.png").write_text("I forgot to attach it")  # text renamed .png
    _grid(root / "dave", mnist, "repeated", name="final.png")
    (root / "notes.txt").write_text("ignored by the pattern")
    (root / "eve.png").symlink_to(root / "alice" / "epoch_20.png")
    lines = []
    result = grade_folder(root, expect={"dataset": "mnist"}, csv_path=tmp_path / "grades.csv",
                          progress=lines.append)
    assert result.summary == {"total": 5, "passed": 1, "failed": 2, "unusable": 2}
    assert result.summary_line() == "5 submissions: 1 passed, 2 failed, 2 unusable"
    assert len(lines) == 5
    with open(tmp_path / "grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"alice", "bob", "carol", "dave", "eve"}
    assert rows["alice"]["status"] == "passed" and rows["alice"]["file"] == "alice/epoch_20.png"
    assert rows["bob"]["status"] == "failed" and rows["bob"]["realism_passed"] == "no"
    assert rows["carol"]["status"] == "unusable" and "not a PNG" in rows["carol"]["message"]
    assert rows["dave"]["diversity_passed"] == "no" and rows["dave"]["coverage_passed"] == "no"
    assert rows["eve"]["status"] == "unusable" and "symbolic link" in rows["eve"]["message"]
    assert float(rows["alice"]["inception_score_value"]) > 7
    assert rows["alice"]["label_accuracy_value"] == ""  # not run on unconditional grids
    assert set(result.reports) == {"alice/epoch_20.png", "bob.png", "dave/final.png"}
    assert grading.student_of(root / "bob.png", root) == "bob"


def test_grade_folder_missing_root(tmp_path):
    with pytest.raises(FileNotFoundError, match="No class folder"):
        grade_folder(tmp_path / "nope")


def test_embedded_labels_are_checked_by_default(tmp_path, mnist):
    # save_grid(..., labels=...) says the grid is conditional: grade it so without being told.
    good = check_grid(_grid(tmp_path, mnist, "real_conditional"))
    assert good.passed, good.summary()
    assert good.checks[-1].name == "label_accuracy" and good.expect["conditional"] is True

    wrong = _grid(tmp_path, mnist, "wrong_labels")  # every row labelled one class off
    report = check_grid(wrong)
    assert not report.passed
    assert [c.name for c in report.failed] == ["label_accuracy"], report.summary()
    assert report["label_accuracy"].value < 0.1

    ignored = check_grid(wrong, expect={"conditional": False})  # the grader's override
    assert ignored.passed, ignored.summary()
    assert ignored.checks[-1].name == "coverage" and ignored.expect["conditional"] is False

    unlabelled = check_grid(_grid(tmp_path, mnist, "real"))  # no labels: unconditional
    assert unlabelled.checks[-1].name == "coverage" and unlabelled.expect["conditional"] is False
    with pytest.raises(ValueError, match="conditional"):
        grading.Expectation(conditional="yes")
