"""Grids: conversions, save_grid/read_grid round trips, grids from other tools, bad input."""

import json

import numpy as np
import pytest
from PIL import Image

from gankit import images


def _batch(n, h, w, c, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, (n, h, w, c)).astype("float32")


def _plain_grid(cells, rows, cols, padding, pad_value, border):
    """A grid built by hand (no gankit), like a student's numpy mosaic or torchvision's."""
    n, h, w, c = cells.shape
    lines = 1 if border else -1
    out = np.full((rows * h + (rows + lines) * padding, cols * w + (cols + lines) * padding, c),
                  pad_value, np.uint8)
    off = padding if border else 0
    for i in range(n):
        r, k = divmod(i, cols)
        out[off + r * (h + padding):off + r * (h + padding) + h,
            off + k * (w + padding):off + k * (w + padding) + w] = cells[i]
    return out


def _save_plain(arr, path):
    Image.fromarray(arr[..., 0] if arr.shape[-1] == 1 else arr).save(path)
    return path


def test_to_uint8_and_to_float_round_trip():
    u = np.arange(256, dtype=np.uint8)
    f = images.to_float(u)
    assert f.dtype == np.float32 and f.min() == -1.0 and f.max() == 1.0
    np.testing.assert_array_equal(images.to_uint8(f), u)
    assert images.to_uint8(u) is u


def test_to_uint8_clips_and_handles_nan():
    out = images.to_uint8(np.array([-5.0, -1.0, 0.0, 1.0, 7.0, np.nan], "float32"))
    np.testing.assert_array_equal(out, [0, 0, 128, 255, 255, 128])
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        images.to_uint8(np.array([300]))


def test_make_grid_layout_and_leftover_cells():
    x = np.full((5, 4, 3, 1), 10, np.uint8)
    grid = images.make_grid(x, rows=2, cols=3, padding=1, pad_value=255)
    assert grid.shape == (2 * 4 + 3, 3 * 3 + 4, 1) and grid.dtype == np.uint8
    assert (grid[1:5, 1:4] == 10).all()
    assert (grid[6:10, 9:12] == 255).all()  # sixth cell is empty
    assert (grid[0] == 255).all() and (grid[:, 0] == 255).all()


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("pad_value", [255, 0])
def test_save_read_round_trip(tmp_path, channels, pad_value):
    x = _batch(12, 7, 5, channels)
    path = images.save_grid(x, tmp_path / "grid.png", rows=3, cols=4, labels=[4, 5, 6],
                            seed=11, model="ConditionalGAN", epoch=7, pad_value=pad_value,
                            run="test")
    cells, layout = images.read_grid(path)
    np.testing.assert_array_equal(cells, images.to_uint8(x))
    assert layout["rows"] == 3 and layout["cols"] == 4
    assert (layout["cell_height"], layout["cell_width"], layout["channels"]) == (7, 5, channels)
    assert layout["labels"] == [4, 5, 6] and layout["labels_per"] == "row"
    assert layout["seed"] == 11 and layout["epoch"] == 7 and layout["model"] == "ConditionalGAN"
    assert layout["pad_value"] == pad_value and layout["run"] == "test"
    assert images.read_layout(path) == layout
    with Image.open(path) as picture:  # a real PNG, uint8, layout as a text chunk
        assert picture.format == "PNG" and picture.mode == ("L" if channels == 1 else "RGB")
        assert json.loads(picture.text[images.LAYOUT_KEY])["rows"] == 3


def test_save_grid_per_cell_labels_model_object_and_partial_grid(tmp_path):
    class Tiny:
        pass

    x = _batch(5, 4, 4, 1)
    path = images.save_grid(x, tmp_path / "sub" / "g.png", rows=2, cols=3,
                            labels=np.arange(5), model=Tiny())
    cells, layout = images.read_grid(path)
    assert cells.shape == (5, 4, 4, 1) and layout["count"] == 5
    assert layout["labels"] == [0, 1, 2, 3, 4] and layout["labels_per"] == "cell"
    assert layout["model"] == "Tiny"


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("pad_value", [255, 0])
@pytest.mark.parametrize("border", [True, False])
def test_read_grid_without_metadata_detects_padding(tmp_path, channels, pad_value, border):
    # MNIST-like cells: dark background with a bright stroke (a "+"), so padding must be found
    # from the uniform separator lines, not guessed from the size. (A solid bright rectangle
    # on black would be a figure of pictures on a black background: see the figure tests.)
    rng = np.random.RandomState(3)
    cells = np.zeros((12, 9, 8, channels), np.uint8)
    cells[:, 2:7, 4] = rng.randint(60, 250, (12, 5, channels))
    cells[:, 4, 2:6] = rng.randint(60, 250, (12, 4, channels))
    cells[:, 0, 0] = 40  # no cell edge is the pad colour
    grid = _plain_grid(cells, 3, 4, padding=2, pad_value=pad_value, border=border)
    path = _save_plain(grid, tmp_path / "plain.png")
    assert images.read_layout(path) is None
    out, layout = images.read_grid(path, rows=3, cols=4)
    np.testing.assert_array_equal(out, cells)
    assert layout["padding"] == 2 and layout["border"] == border
    assert layout["pad_value"] == pad_value and layout["channels"] == channels


@pytest.mark.parametrize("rows,cols,padding,border", [
    (2, 2, 4, True), (3, 3, 8, True), (3, 3, 8, False), (1, 10, 2, True), (10, 1, 3, False),
    (2, 3, 1, True)])
def test_read_grid_prefers_the_padding_that_explains_all_pad_lines(tmp_path, rows, cols, padding,
                                                                    border):
    # Small grids with wide padding: a thinner padding whose lines fall inside the real one
    # also has uniform separators; the detection must still find the real one.
    rng = np.random.RandomState(rows * 10 + cols)
    cells = rng.randint(0, 200, (rows * cols, 24, 20, 1)).astype(np.uint8)
    grid = _plain_grid(cells, rows, cols, padding, 255, border)
    out, layout = images.read_grid(_save_plain(grid, tmp_path / "g.png"), rows=rows, cols=cols)
    np.testing.assert_array_equal(out, cells)
    assert (layout["padding"], layout["border"]) == (padding, border)


def test_read_grid_black_padding_on_black_background_needs_a_hint(tmp_path):
    # 24x24 digits with black margins, black padding 3 with a border, 3x3: a 28x28 mosaic
    # without padding fits the size just as well, so detection alone cannot know; padding (or
    # cell_size with border) settles it.
    rng = np.random.RandomState(5)
    cells = np.zeros((9, 24, 24, 1), np.uint8)
    cells[:, 5:19, 6:18] = rng.randint(50, 255, (9, 14, 12, 1))
    path = _save_plain(_plain_grid(cells, 3, 3, 3, 0, True), tmp_path / "g.png")
    out, layout = images.read_grid(path, rows=3, cols=3, padding=3)
    np.testing.assert_array_equal(out, cells)
    out, layout = images.read_grid(path, rows=3, cols=3, cell_size=24, border=True)
    np.testing.assert_array_equal(out, cells)
    assert layout["padding"] == 3 and layout["cell_height"] == 24
    with pytest.raises(ValueError, match="cells of 25x25"):
        images.read_grid(path, rows=3, cols=3, cell_size=(25, 25))


def test_read_grid_mnist_style_mosaic_without_padding(tmp_path):
    # The reshape/transpose mosaic students make: 28x28 black-background digits, no padding.
    rng = np.random.RandomState(6)
    cells = np.zeros((9, 28, 28, 1), np.uint8)
    strokes = rng.randint(0, 255, (9, 20, 18, 1)) * (rng.rand(9, 20, 18, 1) < 0.4)
    cells[:, 4:24, 5:23] = strokes
    mosaic = cells.reshape(3, 3, 28, 28).transpose(0, 2, 1, 3).reshape(84, 84, 1)
    out, layout = images.read_grid(_save_plain(mosaic, tmp_path / "m.png"), rows=3, cols=3)
    np.testing.assert_array_equal(out, cells)
    assert layout["padding"] == 0


def test_read_grid_plain_mosaic_without_padding_and_explicit_padding(tmp_path):
    cells = images.to_uint8(_batch(6, 5, 5, 3, seed=1))
    path = _save_plain(_plain_grid(cells, 2, 3, 0, 0, True), tmp_path / "mosaic.png")
    out, layout = images.read_grid(path, rows=2, cols=3)
    np.testing.assert_array_equal(out, cells)
    assert layout["padding"] == 0
    path = _save_plain(_plain_grid(cells, 2, 3, 4, 128, True), tmp_path / "grey.png")
    out, layout = images.read_grid(path, rows=2, cols=3, padding=4)
    np.testing.assert_array_equal(out, cells)
    assert layout["pad_value"] == 128


def test_read_grid_channel_conversion_and_rgba(tmp_path):
    cells = images.to_uint8(_batch(4, 6, 6, 1, seed=2))
    grid = _plain_grid(cells, 2, 2, 2, 255, True)
    rgba = np.concatenate([np.repeat(grid, 3, -1), np.full(grid.shape, 255, np.uint8)], -1)
    path = tmp_path / "rgba.png"
    Image.fromarray(rgba, "RGBA").save(path)
    out, _ = images.read_grid(path, rows=2, cols=2, channels=1)
    np.testing.assert_array_equal(out, cells)
    out, _ = images.read_grid(path, rows=2, cols=2)
    assert out.shape == (4, 6, 6, 3)


def test_bad_arguments_raise_clear_errors(tmp_path):
    x = _batch(4, 5, 5, 1)
    with pytest.raises(ValueError, match="do not fit"):
        images.make_grid(x, rows=1, cols=3)
    with pytest.raises(ValueError, match="channels"):
        images.make_grid(_batch(2, 5, 5, 2), rows=1, cols=2)
    with pytest.raises(ValueError, match="rows"):
        images.make_grid(x, rows=0, cols=4)
    with pytest.raises(ValueError, match="pad_value"):
        images.make_grid(x, rows=2, cols=2, pad_value=300)
    with pytest.raises(ValueError, match=".png"):
        images.save_grid(x, tmp_path / "g.jpg", rows=2, cols=2)
    with pytest.raises(ValueError, match="per row"):
        images.save_grid(x, tmp_path / "g.png", rows=2, cols=2, labels=[1, 2, 3])
    with pytest.raises(ValueError, match="clash"):
        images.save_grid(x, tmp_path / "g.png", rows=2, cols=2, **{"format": "x"})
    with pytest.raises(FileNotFoundError):
        images.read_grid(tmp_path / "missing.png", rows=2, cols=2)

    path = images.save_grid(x, tmp_path / "g.png", rows=2, cols=2)
    with pytest.raises(ValueError, match="rows=2"):
        images.read_grid(path, rows=4, cols=1)
    with pytest.raises(ValueError, match="cell_size"):
        images.read_grid(path, cell_size=28)
    with pytest.raises(ValueError, match="cell_size"):
        images.read_grid(path, cell_size=(1, 2, 3))

    plain = _save_plain(_plain_grid(images.to_uint8(x), 2, 2, 2, 255, True), tmp_path / "p.png")
    mosaic = _save_plain(_plain_grid(images.to_uint8(x), 2, 2, 0, 255, True), tmp_path / "m.png")
    with pytest.raises(ValueError, match="pass `rows` and `cols`"):
        images.read_grid(mosaic)  # no margins: nothing tells the number of rows and columns
    with pytest.raises(ValueError, match="not a figure"):
        images.read_grid(mosaic, style="figure")
    with pytest.raises(ValueError, match="style"):
        images.read_grid(plain, style="collage")
    with pytest.raises(ValueError, match="cannot be split"):
        images.read_grid(plain, rows=5, cols=5, padding=2)
    with pytest.raises(ValueError, match="rows"):
        images.read_grid(plain, rows=-1, cols=2)

    resized = tmp_path / "resized.png"
    with Image.open(path) as picture:
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text(images.LAYOUT_KEY, picture.text[images.LAYOUT_KEY])
        picture.resize((20, 20)).save(resized, pnginfo=info)
    with pytest.raises(ValueError, match="resized"):
        images.read_grid(resized)
    (tmp_path / "junk.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="not a readable image"):
        images.read_grid(tmp_path / "junk.png", rows=1, cols=1)


def _figure_like(cells, rows, cols, scale, margins=(17, 9, 23, 12), gap=(7, 6), title=True):
    """A figure of pictures by hand: white page, uneven margins, each cell upscaled `scale`x."""
    n, h, w = cells.shape[:3]
    ch, cw = h * scale, w * scale
    top, bottom, left, right = margins
    page = np.full((top + rows * ch + (rows - 1) * gap[0] + bottom,
                    left + cols * cw + (cols - 1) * gap[1] + right), 255, np.uint8)
    if title:
        page[3:9, left + 5:left + 40:3] = 0  # a short "suptitle" band above the cells
    boxes = []
    for i in range(n):
        r, k = divmod(i, cols)
        y0, x0 = top + r * (ch + gap[0]), left + k * (cw + gap[1])
        page[y0:y0 + ch, x0:x0 + cw] = np.kron(cells[i, ..., 0], np.ones((scale, scale)))
        boxes.append((y0, y0 + ch, x0, x0 + cw))
    return page, np.array(boxes)


def test_find_cells_in_a_figure_with_margins_and_a_title():
    rng = np.random.RandomState(8)
    cells = np.zeros((6, 12, 12, 1), np.uint8)  # dark cells, bright digits
    cells[:, 3:9, 4:8] = rng.randint(100, 256, (6, 6, 4, 1))
    cells[1, :, 6] = 255  # a full-height line of the page colour inside one cell
    page, boxes = _figure_like(cells, 2, 3, scale=3)
    rows, cols, found = images.find_cells(page)
    assert (rows, cols) == (2, 3)
    np.testing.assert_array_equal(found, boxes)
    assert images.find_cells(page, rows=2, cols=3) is not None
    assert images.find_cells(page, rows=3) is None
    assert images.find_cells(page, max_cells=4) is None


def test_find_cells_refuses_what_is_not_a_figure():
    rng = np.random.RandomState(9)
    strokes = np.zeros((9, 28, 28), np.uint8)  # black-background digits, no margins
    for i in range(9):
        strokes[i, 6:22, 8 + i:10 + i] = 255
    mosaic = strokes.reshape(3, 3, 28, 28).transpose(0, 2, 1, 3).reshape(84, 84)
    assert images.find_cells(mosaic) is None  # strokes are not pictures
    assert images.find_cells(rng.randint(0, 256, (50, 60)).astype(np.uint8)) is None
    page, _ = _figure_like(np.full((4, 8, 8, 1), 255, np.uint8), 2, 2, scale=2)
    assert images.find_cells(page) is None  # cells the colour of the page: nothing to find


def test_read_grid_cuts_and_resizes_a_figure(tmp_path):
    rng = np.random.RandomState(10)
    cells = np.zeros((6, 12, 12, 1), np.uint8)
    cells[:, 2:10, 3:9] = rng.randint(60, 256, (6, 8, 6, 1))
    page, _ = _figure_like(cells, 2, 3, scale=3)
    path = _save_plain(page[..., None], tmp_path / "figure.png")
    out, layout = images.read_grid(path, resize_to=12)
    assert layout["style"] == "figure" and (layout["rows"], layout["cols"]) == (2, 3)
    assert (layout["found_cell_height"], layout["found_cell_width"]) == (36, 36)
    np.testing.assert_array_equal(out, cells)  # 3x3 blocks averaged back exactly
    out, layout = images.read_grid(path, rows=2, cols=3)
    assert out.shape == (6, 36, 36, 1) and layout["padding"] is None
    with pytest.raises(ValueError, match="not a figure"):
        images.read_grid(path, rows=3, cols=2, style="figure")
    _, plain = images.read_grid(path, rows=2, cols=3, style="plain")  # as before figures
    assert plain["style"] == "plain" and plain["cell_height"] != 36


def test_read_grid_finds_rows_and_cols_of_a_padded_grid_from_its_spacing(tmp_path):
    cells = images.to_uint8(_batch(12, 7, 5, 1, seed=4))
    path = _save_plain(_plain_grid(cells, 3, 4, 2, 255, True), tmp_path / "g.png")
    out, layout = images.read_grid(path)  # no rows or cols: the white lines tell them
    np.testing.assert_array_equal(out, cells)
    assert (layout["rows"], layout["cols"], layout["padding"]) == (3, 4, 2)
    assert layout["style"] == "plain" and layout["border"] is True
