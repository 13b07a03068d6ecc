"""Hostile submissions: every broken file gets a one-line SubmissionError, never a traceback.

Nothing here needs the classifier: each file is refused before any cell is classified.
"""

import io
import os
import struct
import zipfile
import zlib

import numpy as np
import pytest
from PIL import Image

from gankit import grading
from gankit.grading import SubmissionError, check_grid, load_submitted_model
from gankit.images import LAYOUT_KEY


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_claiming(width, height):
    """A PNG whose header claims width x height (valid CRCs) with a tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (grading.untrusted.PNG_MAGIC + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))


def _jpeg_claiming(width, height):
    """A JPEG whose start-of-frame marker claims width x height."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def _valid_grid_bytes(tmp_path, fmt="PNG"):
    cells = np.random.default_rng(0).integers(0, 256, (4, 28, 28, 1), dtype=np.uint8)
    path = grading.save_grid(cells, tmp_path / "valid.png", rows=2, cols=2)
    if fmt == "PNG":
        return path.read_bytes()
    buf = io.BytesIO()
    Image.open(path).save(buf, format="JPEG")
    return buf.getvalue()


def _other_format(fmt):
    buf = io.BytesIO()
    Image.new("L", (62, 62), 128).save(buf, format=fmt)
    return buf.getvalue()


def _assert_clear(path, *words):
    with pytest.raises(SubmissionError) as info:
        check_grid(path, expect={"dataset": "mnist"})
    message = str(info.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert os.path.basename(path) in message
    for word in words:
        assert word.lower() in message.lower(), message
    return message


CORPUS = {
    "zero_bytes.png": (lambda tmp: b"", ["empty"]),
    "text_renamed.png": (lambda tmp: b"my GAN did not converge, sorry\n" * 3, ["not a PNG", "text"]),
    "gif_renamed.png": (lambda tmp: _other_format("GIF"), ["GIF"]),
    "bmp_renamed.png": (lambda tmp: _other_format("BMP"), ["BMP"]),
    "tiff_renamed.png": (lambda tmp: _other_format("TIFF"), ["TIFF"]),
    "pickle_renamed.png": (lambda tmp: b"\x80\x04\x95" + b"\x00" * 40, ["pickle"]),
    "keras_renamed.png": (lambda tmp: b"PK\x03\x04" + b"\x00" * 40, ["zip"]),
    "huge_png.png": (lambda tmp: _png_claiming(100_000, 100_000), ["100000x100000", "limit"]),
    "huge_jpeg.png": (lambda tmp: _jpeg_claiming(65_000, 65_000), ["65000x65000", "limit"]),
    "wide_png.png": (lambda tmp: _png_claiming(20_000, 1), ["limit"]),
    "empty_dims.png": (lambda tmp: _png_claiming(0, 10), ["empty image"]),
    "magic_only.png": (lambda tmp: grading.untrusted.PNG_MAGIC, ["truncated"]),
    "png_header_only.png": (lambda tmp: _valid_grid_bytes(tmp)[:40], ["corrupt or truncated"]),
    "png_truncated.png": (lambda tmp: _valid_grid_bytes(tmp)[:200], ["corrupt or truncated"]),
    "png_bad_ihdr.png": (lambda tmp: grading.untrusted.PNG_MAGIC + _chunk(b"tEXt", b"a\x00b" * 9),
                         ["IHDR"]),
    "jpeg_truncated.jpg": (lambda tmp: _valid_grid_bytes(tmp, "JPEG")[:300], ["corrupt"]),
    "jpeg_no_frame.jpg": (lambda tmp: b"\xff\xd8\xff\xd9" + b"\x00" * 10, ["JPEG"]),
    "png_claims_other_size.png": (lambda tmp: _png_claiming(30, 30), ["corrupt or truncated"]),
}


@pytest.mark.parametrize("filename", sorted(CORPUS))
def test_broken_files_get_a_clear_message(tmp_path, filename):
    make, words = CORPUS[filename]
    path = tmp_path / filename
    path.write_bytes(make(tmp_path))
    _assert_clear(str(path), *words)


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.png"
    path.write_bytes(_valid_grid_bytes(tmp_path) + b"\x00" * 5000)
    with pytest.raises(SubmissionError, match="over the limit of 1,000 bytes"):
        check_grid(path, limits={"max_bytes": 1000})
    with pytest.raises(SubmissionError, match="over the limit of 400 pixels"):
        check_grid(path, limits=grading.Limits(max_pixels=400))


def test_missing_folder_and_fifo_are_refused(tmp_path):
    _assert_clear(str(tmp_path / "missing.png"), "no such file")
    (tmp_path / "folder.png").mkdir()
    _assert_clear(str(tmp_path / "folder.png"), "not a regular file")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.png")  # must not hang waiting for a writer
        _assert_clear(str(tmp_path / "pipe.png"), "not a regular file")


@pytest.mark.parametrize("layout_text, words", [
    ("{not json", ["not valid JSON"]),
    ('{"format": "gankit-grid", "rows": 1000000000, "cols": 1, "cell_height": 0, '
     '"cell_width": 1, "padding": 0}', ["invalid", "rows"]),
    ('{"format": "gankit-grid", "rows": 10, "cols": 10, "cell_height": 28, "cell_width": 28, '
     '"padding": -5}', ["padding"]),
    ('{"format": "gankit-grid", "rows": 40, "cols": 40, "cell_height": 1, "cell_width": 1, '
     '"padding": 0}', ["over the limit"]),
    ('{"format": "gankit-grid", "rows": 3, "cols": 3, "cell_height": 28, "cell_width": 28, '
     '"padding": 2}', ["cannot be cut"]),
    ('[' * 100_000 + ']' * 100_000, ["not valid JSON"]),
])
def test_hostile_embedded_layout(tmp_path, layout_text, words):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(LAYOUT_KEY, layout_text, zip=True)
    path = tmp_path / "hostile_layout.png"
    Image.new("L", (62, 62), 0).save(path, pnginfo=info)
    _assert_clear(str(path), *words)


def test_seeded_random_bytes_corpus(tmp_path):
    """~50 seeded random files: pure noise, noise behind PNG/JPEG magic, random truncations."""
    rng = np.random.default_rng(1234)
    valid_png = _valid_grid_bytes(tmp_path)
    valid_jpeg = _valid_grid_bytes(tmp_path, "JPEG")
    prefixes = [b"", grading.untrusted.PNG_MAGIC, grading.untrusted.JPEG_MAGIC,
                grading.untrusted.PNG_MAGIC + _chunk(b"IHDR", struct.pack(">IIBBBBB", 62, 62, 8, 0, 0,
                                                                           0, 0))]
    for case in range(52):
        kind = case % 6
        if kind < 4:
            body = prefixes[kind] + rng.integers(0, 256, int(rng.integers(0, 3000)),
                                                  dtype=np.uint8).tobytes()
        elif kind == 4:
            body = valid_png[:int(rng.integers(0, len(valid_png) // 2))]
        else:
            body = valid_jpeg[:int(rng.integers(0, len(valid_jpeg) // 2))]
        path = tmp_path / f"random_{case:02d}.png"
        path.write_bytes(body)
        _assert_clear(str(path))


def _tiny_model():
    import keras

    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(2, name="dense")(inputs))


def test_load_submitted_model_round_trip_and_safe_mode(tmp_path):
    import keras

    keras.utils.set_random_seed(0)
    model = _tiny_model()
    model.save(tmp_path / "good.keras")
    loaded = load_submitted_model(tmp_path / "good.keras")
    x = np.ones((1, 4), "float32")
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)

    inputs = keras.Input((4,))
    unsafe = keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2.0)(inputs))
    unsafe.save(tmp_path / "lambda.keras")
    with pytest.raises(SubmissionError, match="cannot be loaded safely"):
        load_submitted_model(tmp_path / "lambda.keras")


def test_load_submitted_model_refuses_bad_files(tmp_path):
    (tmp_path / "text.keras").write_text("not a model")
    with pytest.raises(SubmissionError, match="not a .keras model archive"):
        load_submitted_model(tmp_path / "text.keras")
    (tmp_path / "empty.keras").write_bytes(b"")
    with pytest.raises(SubmissionError, match="empty"):
        load_submitted_model(tmp_path / "empty.keras")
    with zipfile.ZipFile(tmp_path / "noconfig.keras", "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(SubmissionError, match="no config.json"):
        load_submitted_model(tmp_path / "noconfig.keras")
    with zipfile.ZipFile(tmp_path / "bomb.keras", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", b" " * 3_000_000)
    assert (tmp_path / "bomb.keras").stat().st_size < 50_000
    with pytest.raises(SubmissionError, match="unpacks to 3,000,000 bytes"):
        load_submitted_model(tmp_path / "bomb.keras", limits={"max_model_unpacked_bytes": 1_000_000})
    data = (tmp_path / "bomb.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(SubmissionError, match="corrupt"):
        load_submitted_model(tmp_path / "cut.keras")
    with pytest.raises(SubmissionError, match="over the limit"):
        load_submitted_model(tmp_path / "bomb.keras", limits={"max_model_bytes": 100})


def test_no_pickle_in_grading():
    import gankit.grading as package

    folder = os.path.dirname(package.__file__)
    for name in os.listdir(folder):
        if name.endswith(".py"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                source = f.read()
            assert "import pickle" not in source and "np.load(" not in source, name
