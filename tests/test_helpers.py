"""The shared helpers: atomic writes (`gankit.files`), batched prediction, argument checks."""

import json
import os
import stat

import numpy as np
import pytest

from gankit.batches import predict_in_batches
from gankit.checks import check_int, check_weight
from gankit.files import atomic_path, atomic_write, atomic_write_json


def test_atomic_writes_give_ordinary_files_and_leave_no_temporary(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new" / "a.txt", "text\n")
        atomic_write(tmp_path / "b.bin", b"\x00\x01")
        atomic_write_json(tmp_path / "c.json", {"x": np.float32(1.5), "a": np.arange(2)})
    finally:
        os.umask(umask)
    assert (tmp_path / "new" / "a.txt").read_text() == "text\n"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert json.loads((tmp_path / "c.json").read_text()) == {"x": 1.5, "a": [0, 1]}
    assert stat.S_IMODE(os.stat(tmp_path / "b.bin").st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.bin", "c.json", "new"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    path = tmp_path / "metrics.json"
    atomic_write_json(path, {"epochs": 1})
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            with open(tmp, "w") as f:
                f.write("{half")
            raise RuntimeError("stopped while writing")
    assert json.loads(path.read_text()) == {"epochs": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]
    with pytest.raises(ValueError, match="str or bytes"):
        atomic_write(path, 3)


def test_predict_in_batches_equals_one_call_over_several_arrays():
    x, y = np.arange(10.0).reshape(5, 2), np.arange(5.0)[:, None]
    out = predict_in_batches(lambda a, b: a * b, x, y, batch_size=2)
    np.testing.assert_array_equal(out, x * y)
    assert predict_in_batches(lambda a: a + 1, x[:0], batch_size=3).shape == (0, 2)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer, got 0"):
        predict_in_batches(lambda a: a, x, batch_size=0)
    with pytest.raises(ValueError, match="different lengths"):
        predict_in_batches(lambda a, b: a, x, y[:4])


def test_check_int_names_the_argument_and_what_it_must_be():
    assert check_int("rows", np.int64(3)) == 3 and check_int("keep", None, none=True) is None
    with pytest.raises(ValueError, match="`rows` must be a positive integer, got True"):
        check_int("rows", True)
    with pytest.raises(ValueError, match="`padding` must be an integer >= 0 or None, got -1"):
        check_int("padding", -1, minimum=0, none=True)
    with pytest.raises(ValueError, match="`n` must be an integer >= 10, got 2.5"):
        check_int("n", 2.5, minimum=10)


def test_check_weight_accepts_finite_numbers_from_zero_and_names_the_argument():
    assert check_weight("w", 0) == 0.0 and check_weight("w", np.float32(2.5)) == 2.5
    for bad in (-0.1, float("inf"), float("nan"), "heavy", None, True):
        with pytest.raises(ValueError, match="`w` must be a finite number >= 0, got"):
            check_weight("w", bad)
