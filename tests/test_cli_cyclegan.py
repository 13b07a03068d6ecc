"""`gankit train` with the CycleGAN presets: image folders, horse2zebra, digits, missing data."""

import json

import numpy as np
import pytest
from PIL import Image
from scipy.io import savemat

from gankit.cli import main
from gankit.data import sources

TINY = ["--image-size", "32", "--g-filters", "4", "--d-filters", "4", "--residual-blocks", "1",
        "--steps-per-epoch", "1", "--batch-size", "1", "--no-jit"]


def write_pngs(folder, n, seed):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(folder / f"{i}.png")
    return folder


@pytest.fixture
def no_datasets(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    (tmp_path / "data").mkdir()
    return tmp_path


def test_cyclegan_folder_trains_writes_panels_and_checkpoints_and_resumes(tmp_path, capsys):
    a = write_pngs(tmp_path / "horses", 3, seed=1)
    b = write_pngs(tmp_path / "zebras", 3, seed=2)
    out = tmp_path / "run"
    args = ["train", "--model", "cyclegan-folder", "--data-a", a, "--data-b", b, "--out", out]
    assert main([*map(str, args), "--epochs", "1", *TINY], quiet=False) == 0
    for name in ("panels/panel_epoch_001.png", "losses.png", "checkpoints/latest.json",
                 "metrics.json"):
        assert (out / name).exists(), name
    panel = np.asarray(Image.open(out / "panels/panel_epoch_001.png"))
    assert panel.shape[0] == 8 * (64 + 2) + 2  # 4 rows per domain: orig, fake, recovered, identity
    assert json.loads((out / "metrics.json").read_text())["model"] == "cyclegan-folder"
    assert main([*map(str, args), "--epochs", "2", *TINY], quiet=False) == 0
    printed = capsys.readouterr().out
    assert "resuming cyclegan-folder" in printed and "at epoch 1" in printed
    assert "epoch 2/2" in printed and "epoch 1/2" not in printed
    assert (out / "panels/panel_epoch_002.png").exists()


def test_cyclegan_horse2zebra_reads_the_data_dir(no_datasets, capsys):
    root = no_datasets / "data" / "horse2zebra"
    for split, seed in (("trainA", 1), ("trainB", 2), ("testA", 3), ("testB", 4)):
        write_pngs(root / split, 2, seed)
    out = no_datasets / "run"
    assert main(["train", "--model", "cyclegan-horse2zebra", "--out", str(out), "--epochs", "1",
                 *TINY], quiet=False) == 0
    assert "horse2zebra" in capsys.readouterr().out
    assert (out / "panels/panel_epoch_001.png").exists()
    assert sources.data_dir() == no_datasets / "data"


def test_absent_horse2zebra_is_one_line_listing_where_it_looked(no_datasets, capsys):
    code = main(["train", "--model", "cyclegan-horse2zebra", "--out", str(no_datasets / "run"),
                 "--epochs", "1"], quiet=False)
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "horse2zebra" in err and "looked in" in err and "GANKIT_DATA_DIR" in err
    assert str(no_datasets / "keras") in err and "tfds" in err and "--data-a" in err
    code = main(["train", "--model", "cyclegan-folder", "--out", str(no_datasets / "run"),
                 "--epochs", "1"], quiet=False)
    assert code == 2 and "--data-a DIR and --data-b DIR" in capsys.readouterr().err


def test_cyclegan_digits_preset_is_reachable_from_the_cli(tmp_path):
    out = tmp_path / "digits"
    assert main(["train", "--model", "cyclegan-digits", "--out", str(out), "--epochs", "1",
                 "--limit", "8", "--g-filters", "4", "--d-filters", "4", "--batch-size", "4",
                 "--steps-per-epoch", "1", "--no-jit"], quiet=False) == 0
    panel = np.asarray(Image.open(out / "panels/panel_epoch_001.png"))
    assert panel.shape[0] == 8 * (84 + 2) + 2  # 28 px x 3; identity rows (MNIST as 28x28x3)
    with pytest.raises(SystemExit):
        main(["train", "--model", "cyclegan-nothing", "--out", str(out)], quiet=False)


def test_cyclegan_svhn_preset_trains_mnist_as_32x32x3_with_identity_loss(no_datasets, capsys):
    svhn = no_datasets / "data" / "svhn"
    svhn.mkdir()
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        savemat(svhn / f"{split}_32x32.mat", {"X": rng.integers(0, 256, (32, 32, 3, 8), np.uint8),
                                             "y": (np.arange(8) % 10 + 1).reshape(-1, 1)})
    out = no_datasets / "run"
    assert main(["train", "--model", "cyclegan-svhn", "--out", str(out), "--epochs", "1",
                 "--limit", "8", "--g-filters", "4", "--d-filters", "4", "--batch-size", "4",
                 "--steps-per-epoch", "1", "--no-jit"], quiet=False) == 0
    printed = capsys.readouterr().out
    identity = float(printed.split("identity_a=")[1].split()[0])
    assert identity > 0  # both domains are 32x32x3, so the identity loss is on
    assert (out / "panels/panel_epoch_001.png").exists()


def test_horse2zebra_from_tfds_arrays_is_resized_jittered_and_unpaired(monkeypatch):
    from gankit import data, presets
    from gankit.data.catalog import Located
    from gankit.data.sources import Source

    tfds = Source("package", "prepared tfds dataset cycle_gan/horse2zebra", lambda: "x",
                  read=lambda found: {})
    monkeypatch.setattr(data, "locate", lambda name, download=None: Located(tfds, "x"))
    rng = np.random.default_rng(0)
    counts = {"trainA": 5, "trainB": 7, "testA": 3, "testB": 9}
    monkeypatch.setattr(data, "load_arrays", lambda name, split, **kw: (
        rng.integers(0, 256, (counts[split], 40, 40, 3), dtype=np.uint8), None))
    domains = presets.get("cyclegan-horse2zebra").load_domains(image_size=32, seed=0)
    assert domains.shape_a == domains.shape_b == (32, 32, 3)
    assert domains.test_a.shape == (3, 32, 32, 3) and domains.test_b.shape == (8, 32, 32, 3)
    assert "tfds" in domains.description
    pairs = data.unpaired(domains.train_a, domains.train_b, batch_size=1, balance=True, seed=0)
    assert len(list(pairs)) == 5  # report 000: both domains cut to the smaller one
