"""Reading handed-in files as hostile input: limits checked before anything is decoded.

A submission may be a truncated upload, a "decompression bomb" whose header claims
100000x100000 pixels, a GIF or a text file renamed `.png`, or random bytes. Every path here
ends in either a decoded image / loaded model or a `SubmissionError` with a one-line message:

1. the file must be a regular file (not a folder, FIFO or device) no larger than
   `Limits.max_bytes`; at most that many bytes are ever read;
2. the format is decided by the magic bytes (PNG or JPEG only; the extension is ignored);
3. the width and height are parsed from the PNG `IHDR` chunk / JPEG `SOFn` marker by this
   module, and checked against `Limits.max_side` and `Limits.max_pixels` BEFORE Pillow decodes
   anything (Pillow's lazy `Image.open` is then checked again before `.load()`);
4. decoding runs on the bytes already read and checked, restricted to the detected format.

No pickle is used anywhere; a submitted Keras model is loaded with `safe_mode=True`.
"""

import dataclasses
import io
import os
import re
import stat
import struct
import warnings
import zipfile

from gankit.checks import check_int
from gankit.grading.errors import SubmissionError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"

# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic...), which carry the size.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# JPEG markers without a length field.
_JPEG_STANDALONE = {0x01, 0xD8, *range(0xD0, 0xD8)}

# Magic bytes of formats people hand in by mistake, to name them in the error message.
_KNOWN_OTHER = (
    (b"GIF87a", "a GIF"), (b"GIF89a", "a GIF"), (b"BM", "a BMP"), (b"II*\x00", "a TIFF"),
    (b"MM\x00*", "a TIFF"), (b"%PDF", "a PDF"), (ZIP_MAGIC, "a zip archive (.keras model?)"),
    (b"\x80", "a Python pickle"), (b"\x89HDF", "an HDF5 file (.h5)"),
)


@dataclasses.dataclass(frozen=True)
class Limits:
    """Size limits applied to every submitted file before it is decoded.

    The defaults leave plenty of room for any sample grid (a 10x10 grid of 28x28 MNIST cells
    is 302x302 pixels and about 60 KB; a Matplotlib figure of 10x10 subplots saved with
    `figsize=(10, 10)` at 300 dpi is 3000x3000 pixels and under 0.4 MB, even of noise) while
    keeping a hostile file's cost bounded: at most `max_pixels * 3` bytes (48 MiB) of decoded
    pixels. (The same figure at 600 dpi, 6000x6000, is refused: save figures at 300 dpi or
    less.)

    Args:
        max_bytes: largest accepted file, in bytes (default 10 MiB).
        max_pixels: largest accepted width * height (default 4096 * 4096).
        max_side: largest accepted width or height (default 8192).
        max_cells: largest number of grid cells (default 1024).
        max_model_bytes: largest accepted `.keras` model file (default 200 MiB).
        max_model_unpacked_bytes: largest total uncompressed size of the files inside a
            `.keras` archive (default 1 GiB), so a zip bomb is refused before Keras opens it.

    Example:

    ```python
    strict = gankit.grading.Limits(max_bytes=1 << 20, max_pixels=1024 * 1024)
    report = gankit.check_grid("alice.png", expect={"dataset": "mnist"}, limits=strict)
    ```
    """

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 4096 * 4096
    max_side: int = 8192
    max_cells: int = 1024
    max_model_bytes: int = 200 * 1024 * 1024
    max_model_unpacked_bytes: int = 1024 * 1024 * 1024

    def __post_init__(self):
        for field in dataclasses.fields(self):
            check_int(f"Limits.{field.name}", getattr(self, field.name))


def as_limits(limits):
    """Returns a `Limits` from None (defaults), a `Limits`, or a dict of its fields."""
    if limits is None:
        return Limits()
    if isinstance(limits, Limits):
        return limits
    if isinstance(limits, dict):
        names = {f.name for f in dataclasses.fields(Limits)}
        unknown = sorted(set(limits) - names)
        if unknown:
            raise ValueError(f"Unknown limits {unknown}; valid keys are {sorted(names)}.")
        return Limits(**limits)
    raise ValueError(f"`limits` must be None, a dict or a gankit.grading.Limits, got {limits!r}.")


def _name(path):
    return os.path.basename(os.fspath(path)) or os.fspath(path)


def read_limited(path, max_bytes):
    """Reads a regular file's bytes, refusing folders, devices, FIFOs and files over `max_bytes`.

    The file is opened non-blocking and checked with `fstat` on the open descriptor (so a FIFO
    cannot hang the grader, and the check is on the file actually read), and never more than
    `max_bytes + 1` bytes are read.

    Args:
        path: file to read.
        max_bytes: largest accepted size.

    Returns:
        The file's bytes.

    Raises:
        SubmissionError: missing, not a regular file, empty, or too large.
    """
    fspath = os.fspath(path)
    name = _name(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(fspath, flags)
    except FileNotFoundError as err:
        raise SubmissionError(f"{name}: no such file.") from err
    except OSError as err:
        raise SubmissionError(f"{name}: cannot be opened ({err.strerror or err}).") from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(f"{name}: not a regular file (a folder, link target, device or "
                                  f"pipe); hand in a PNG file.")
        if info.st_size > max_bytes:
            raise SubmissionError(
                f"{name}: file is {info.st_size:,} bytes, over the limit of {max_bytes:,} bytes.")
        with os.fdopen(fd, "rb", closefd=True) as f:
            fd = None
            data = f.read(max_bytes + 1)
    except OSError as err:
        raise SubmissionError(f"{name}: cannot be read ({err.strerror or err}).") from err
    finally:
        if fd is not None:
            os.close(fd)
    if len(data) > max_bytes:
        raise SubmissionError(f"{name}: file is over the limit of {max_bytes:,} bytes.")
    if not data:
        raise SubmissionError(f"{name}: file is empty (0 bytes).")
    return data


def sniff_format(data):
    """Returns "PNG" or "JPEG" from a file's first bytes, or None for anything else."""
    if data.startswith(PNG_MAGIC):
        return "PNG"
    if data.startswith(JPEG_MAGIC):
        return "JPEG"
    return None


def _describe_other(data):
    for magic, what in _KNOWN_OTHER:
        if data.startswith(magic):
            return what
    head = data[:64]
    try:
        head.decode("utf-8")
        if all(32 <= b < 127 or b in (9, 10, 13) for b in head):
            return "a text file"
    except UnicodeDecodeError:
        pass
    return "an unknown format"


def _png_size(data, name):
    # Signature (8) + IHDR chunk: length (4) "IHDR" (4) width (4) height (4) depth, colour, ...
    if len(data) < 33:
        raise SubmissionError(f"{name}: PNG file is truncated (no complete IHDR header).")
    length, kind = struct.unpack(">I4s", data[8:16])
    if kind != b"IHDR" or length != 13:
        raise SubmissionError(f"{name}: corrupt PNG (the first chunk is not a valid IHDR header).")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data, name):
    i = 2
    n = len(data)
    while i < n:
        if data[i] != 0xFF:
            raise SubmissionError(f"{name}: corrupt JPEG (bad marker at byte {i}).")
        while i < n and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= n:
            break
        marker = data[i]
        i += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker == 0xD9 or marker == 0xDA:  # end of image / start of scan before any frame
            break
        if i + 2 > n:
            break
        (length,) = struct.unpack(">H", data[i:i + 2])
        if length < 2:
            raise SubmissionError(f"{name}: corrupt JPEG (segment length {length}).")
        if marker in _JPEG_SOF:
            if i + 7 > n:
                break
            height, width = struct.unpack(">HH", data[i + 3:i + 7])
            return width, height
        i += length
    raise SubmissionError(f"{name}: JPEG file is truncated or corrupt (no frame header found).")


def header_size(data, fmt, name="file"):
    """Width and height read from a PNG/JPEG header without decoding any pixels.

    Args:
        data: the file's bytes.
        fmt: "PNG" or "JPEG" (see `sniff_format`).
        name: file name used in error messages.

    Returns:
        `(width, height)` as the header claims them.

    Raises:
        SubmissionError: truncated or corrupt header.
    """
    return _png_size(data, name) if fmt == "PNG" else _jpeg_size(data, name)


def check_dimensions(width, height, limits, name="file"):
    """Raises SubmissionError unless 1 <= width, height <= max_side and width * height <= max_pixels."""
    if width < 1 or height < 1:
        raise SubmissionError(f"{name}: image header claims an empty image ({width}x{height}).")
    if width > limits.max_side or height > limits.max_side or width * height > limits.max_pixels:
        raise SubmissionError(
            f"{name}: image header claims {width}x{height} pixels, over the limit of "
            f"{limits.max_pixels:,} pixels ({limits.max_side} per side); refused without "
            f"decoding.")


def read_image_bytes(path, limits=None):
    """Reads and vets a submitted image file without decoding its pixels.

    Args:
        path: the submitted file.
        limits: a `Limits`, a dict of its fields, or None for the defaults.

    Returns:
        `(data, fmt, (width, height))`: the file's bytes, "PNG" or "JPEG", and the header size.

    Raises:
        SubmissionError: see the module docstring.

    Example:

    ```python
    data, fmt, (w, h) = gankit.grading.untrusted.read_image_bytes("alice.png")
    ```
    """
    limits = as_limits(limits)
    name = _name(path)
    data = read_limited(path, limits.max_bytes)
    fmt = sniff_format(data)
    if fmt is None:
        raise SubmissionError(
            f"{name}: not a PNG or JPEG image (the file content is {_describe_other(data)}, "
            f"whatever its extension); hand in the PNG written by save_grid.")
    width, height = header_size(data, fmt, name)
    check_dimensions(width, height, limits, name)
    return data, fmt, (width, height)


def decode_image(data, fmt, size, limits=None, name="file"):
    """Decodes vetted PNG/JPEG bytes with Pillow, restricted to `fmt`, re-checking the size.

    Args:
        data: bytes returned by `read_image_bytes`.
        fmt: "PNG" or "JPEG".
        size: `(width, height)` from the header.
        limits: a `Limits`, dict or None.
        name: file name used in error messages.

    Returns:
        The loaded `PIL.Image.Image` (its PNG text chunks in `.text`).

    Raises:
        SubmissionError: Pillow disagrees with the header, or the pixel data is corrupt or
            truncated.
    """
    from PIL import Image

    limits = as_limits(limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = picture.size  # lazy: header only, no pixels decoded yet
            check_dimensions(width, height, limits, name)
            if (width, height) != tuple(size):
                raise SubmissionError(
                    f"{name}: inconsistent image header ({width}x{height} vs {size[0]}x{size[1]}).")
            if getattr(picture, "n_frames", 1) > 1:
                raise SubmissionError(f"{name}: animated images are not accepted; hand in one grid.")
            picture.load()
    except SubmissionError:
        raise
    except Exception as err:  # Pillow raises many types on hostile input; none may escape.
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        detail = re.sub(r"<_io\.BytesIO object at 0x[0-9a-fA-F]+>", "the data", detail)
        raise SubmissionError(
            f"{name}: {fmt} image is corrupt or truncated and cannot be decoded ({detail}).") from err
    return picture


def load_submitted_model(path, limits=None):
    """Loads a handed-in `.keras` model safely (Keras safe mode, no compile), with size limits.

    The file must be a `.keras` zip archive (checked by its magic bytes) no larger than
    `Limits.max_model_bytes`, whose members unpack to at most `Limits.max_model_unpacked_bytes`
    (checked from the zip directory before Keras reads it). It is loaded with
    `keras.models.load_model(path, safe_mode=True, compile=False)`: `safe_mode` refuses Lambda
    layers carrying pickled/marshalled Python code, and nothing is compiled or trained.
    gankit's own layers and models are registered first so student GANs load.

    Args:
        path: the submitted `.keras` file.
        limits: a `Limits`, a dict of its fields, or None for the defaults.

    Returns:
        The loaded `keras.Model`.

    Raises:
        SubmissionError: missing, too large, not a `.keras` archive, a zip bomb, unsafe
            (Lambda code) or otherwise unloadable.

    Example:

    ```python
    model = gankit.grading.load_submitted_model("submissions/alice/cgan.keras")
    images = model.generate(np.repeat(np.arange(10), 10), seed=0)
    ```
    """
    limits = as_limits(limits)
    name = _name(path)
    data = read_limited(path, limits.max_model_bytes)
    if not data.startswith(ZIP_MAGIC):
        raise SubmissionError(
            f"{name}: not a .keras model archive (the file content is {_describe_other(data)}); "
            f"save the model with model.save('name.keras').")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise SubmissionError(f"{name}: corrupt .keras archive ({err}).") from err
    if unpacked > limits.max_model_unpacked_bytes:
        raise SubmissionError(
            f"{name}: .keras archive unpacks to {unpacked:,} bytes, over the limit of "
            f"{limits.max_model_unpacked_bytes:,}.")
    if "config.json" not in names:
        raise SubmissionError(f"{name}: not a Keras 3 .keras archive (no config.json inside).")
    import tempfile

    import keras

    try:  # register gankit's serializable layers and models, if that part is installed
        import gankit.models  # noqa: F401
        import gankit.nets  # noqa: F401
    except ImportError:
        pass
    # Load the bytes already vetted, from a private copy, not the student's path again.
    with tempfile.TemporaryDirectory(prefix="gankit-submission-") as tmp:
        copy = os.path.join(tmp, "submission.keras")
        with open(copy, "wb") as f:
            f.write(data)
        try:
            model = keras.models.load_model(copy, safe_mode=True, compile=False)
        except Exception as err:  # any failure inside Keras is the submission's problem
            detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise SubmissionError(f"{name}: the model cannot be loaded safely ({detail}).") from err
    return model
