"""The named datasets: where they are found, how they are read, verified and cached."""

import dataclasses
import hashlib
import logging
from pathlib import Path

from gankit.data import integrity, readers, sources
from gankit.data.errors import DatasetNotFoundError

log = logging.getLogger("gankit.data")


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """What a named dataset is: its splits, image shape and number of classes."""

    name: str
    splits: tuple
    image_shape: tuple
    num_classes: int
    description: str


DATASETS = {
    "mnist": DatasetInfo("mnist", ("train", "test"), (28, 28, 1), 10,
                         "handwritten digits, 60k/10k"),
    "fashion_mnist": DatasetInfo("fashion_mnist", ("train", "test"), (28, 28, 1), 10,
                                 "Zalando clothing items, 60k/10k"),
    "colored_mnist": DatasetInfo("colored_mnist", ("train", "test"), (28, 28, 3), 10,
                                 "MNIST digits over photo crops, digit pixels inverted, 60k/10k"),
    "svhn": DatasetInfo("svhn", ("train", "test"), (32, 32, 3), 10,
                        "Street View House Numbers, cropped 32x32 digits, 73,257/26,032"),
    "horse2zebra": DatasetInfo("horse2zebra", sources.HORSE2ZEBRA_SPLITS, (256, 256, 3), 2,
                               "CycleGAN horses (A) and zebras (B), 256x256"),
}

_SOURCES = {
    "mnist": sources.mnist_sources,
    "fashion_mnist": sources.fashion_mnist_sources,
    "svhn": sources.svhn_sources,
    "horse2zebra": sources.horse2zebra_sources,
}


def list_datasets():
    """Names of the datasets `load` and `load_arrays` know."""
    return sorted(DATASETS)


def info(name):
    """The `DatasetInfo` of `name`; `ValueError` listing the valid names otherwise."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(list_datasets())}")
    return DATASETS[name]


def check_split(name, split):
    splits = info(name).splits
    if split not in splits:
        raise ValueError(f"unknown split {split!r} for {name}; valid splits: {', '.join(splits)}")


def _use_online(download):
    return (not sources.offline()) if download is None else bool(download)


@dataclasses.dataclass
class Located:
    """A dataset source that was found: the `sources.Source` and what its `find` returned."""

    source: object
    found: object

    def __str__(self):
        return f"{self.source.kind}: {self.found if self.source.kind != 'online' else self.source.where}"


def locate(name, download=None):
    """Finds the first available source of `name` without reading it.

    Args:
        name: a dataset name (see `list_datasets`).
        download: allow the online source; `None` means "unless `GANKIT_OFFLINE=1`".

    Returns:
        `Located`.

    Raises:
        DatasetNotFoundError: listing every place looked at and how to fill one.
    """
    info(name)
    if name == "colored_mnist":
        return locate("mnist", download)
    looked = []
    for source in _SOURCES[name]():
        if source.kind == "online" and not _use_online(download):
            looked.append(f"  - {source.where}: skipped (offline: GANKIT_OFFLINE=1 or download=False)")
            continue
        found = source.find()
        if found:
            return Located(source, found)
        looked.append(f"  - {source.where}: not found ({source.hint})")
    raise DatasetNotFoundError(
        f"dataset {name!r} was not found. Looked in, in order:\n" + "\n".join(looked)
        + "\nFill any one of these (GANKIT_DATA_DIR is the simplest) or allow downloads."
    )


def _cache_key(located, extra=""):
    found = located.found
    parts = [located.source.kind, str(found), extra]
    if isinstance(found, (str, Path)) and Path(found).exists():
        st = Path(found).stat()
        parts += [str(st.st_size), str(int(st.st_mtime))]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _cache_path(name, split, key):
    return sources.cache_dir() / f"{name}-{split}-{key}.npz"


def _save_cache(name, key, arrays):
    try:
        sources.cache_dir().mkdir(parents=True, exist_ok=True)
        for split, (x, y) in arrays.items():
            readers.save_npz(_cache_path(name, split, key), x, y)
    except OSError as e:  # a read-only home must not stop loading
        log.warning("could not write the gankit dataset cache (%s): %s", sources.cache_dir(), e)


def _read_cache(name, split, path):
    """The cached arrays of `name`/`split` in `path`, or None when it must be rebuilt.

    A cache file that cannot be read (truncated, not a zip, missing arrays) or whose arrays do
    not look like the dataset (shape, dtype, length, labels, known per-class counts) is
    reported with a warning and rebuilt from the source by the caller; the cache is only a copy.
    """
    try:
        images, labels = readers.load_npz(path)
    except Exception as e:  # zipfile.BadZipFile, EOFError, ValueError, KeyError, OSError...
        log.warning("rebuilding the unreadable gankit cache file %s (%s: %s)", path,
                    type(e).__name__, e)
        return None
    expected = info(name)
    problem = None
    if images.dtype != "uint8" or images.ndim != 4:
        problem = f"images are {images.dtype} of shape {images.shape}, expected uint8 NHWC"
    elif name != "horse2zebra" and tuple(images.shape[1:]) != tuple(expected.image_shape):
        problem = f"images have shape {images.shape[1:]}, expected {expected.image_shape}"
    elif labels.ndim != 1 or len(labels) != len(images):
        problem = f"{len(labels)} labels of shape {labels.shape} for {len(images)} images"
    elif len(labels) and (labels.min() < 0 or labels.max() >= expected.num_classes):
        problem = f"labels outside 0..{expected.num_classes - 1}"
    elif (name, split) in integrity.CLASS_COUNTS and (
            integrity.class_counts(labels) != integrity.CLASS_COUNTS[(name, split)]):
        problem = "per-class counts differ from the official dataset"
    if problem:
        log.warning("rebuilding the gankit cache file %s: %s", path, problem)
        return None
    return images, labels


def _read_source(name, located):
    if located.source.read is None:  # image folders (horse2zebra)
        from gankit.data.folders import read_folder_arrays

        # horse2zebra-style folders: the label is the domain, 0 for *A and 1 for *B
        return {s: read_folder_arrays(Path(located.found) / s, label=int(s.endswith("B")))
                for s in info(name).splits}
    return located.source.read(located.found)


def load_arrays(name, split="train", download=None, seed=0, cache=True):
    """Loads a split of a named dataset as numpy arrays.

    Sources are tried in order (`$GANKIT_DATA_DIR`, Keras cache, offline packages, online).
    MNIST and Fashion-MNIST are verified against their known per-class counts and checksum on
    first load; the verified arrays are then cached as `.npz` under `$GANKIT_CACHE_DIR`
    (default `~/.cache/gankit`), so later loads take a fraction of a second. A cache file that
    is unreadable or does not look like the dataset (shape, dtype, labels, class counts) is
    rebuilt from the source, with a logged warning.

    Args:
        name: `"mnist"`, `"fashion_mnist"`, `"colored_mnist"`, `"svhn"` or `"horse2zebra"`.
        split: `"train"` or `"test"` (horse2zebra: `"trainA"`, `"trainB"`, `"testA"`,
            `"testB"`).
        download: allow the online source; `None` means "unless `GANKIT_OFFLINE=1`".
        seed: colored MNIST only: the background crops are a function of this seed (the test split
            uses `seed + 1`).
        cache: read and write the `.npz` cache.

    Returns:
        `(images, labels)`: uint8 NHWC images and int64 labels (horse2zebra: the domain, 0 or 1).

    Raises:
        ValueError: unknown name or split.
        DatasetNotFoundError: no source found (the message lists where gankit looked).
        DatasetIntegrityError: the data found is not the official dataset.

    Example:

    >>> x, y = gankit.data.load_arrays("mnist", "test")
    >>> x.shape, x.dtype, y[:3]
    ((10000, 28, 28, 1), dtype('uint8'), array([7, 2, 1]))
    """
    check_split(name, split)
    if name == "colored_mnist":
        return _colored_mnist(split, download, seed, cache)
    located = locate(name, download)
    key = _cache_key(located)
    path = _cache_path(name, split, key)
    if cache and path.exists():
        cached = _read_cache(name, split, path)
        if cached is not None:
            return cached
    arrays = _read_source(name, located)
    for s, (x, y) in arrays.items():
        integrity.verify(name, s, x, y, source=str(located))
    if cache and located.source.read is not None:  # folders are already decoded files: no copy
        _save_cache(name, key, arrays)
    return arrays[split]


def _colored_mnist(split, download, seed, cache):
    from gankit.data.colored import colorize

    split_seed = seed + (0 if split == "train" else 1)
    located = locate("mnist", download)
    key = _cache_key(located, extra=f"colored-{split_seed}")
    path = _cache_path("colored_mnist", split, key)
    if cache and path.exists():
        cached = _read_cache("colored_mnist", split, path)
        if cached is not None:
            return cached
    digits, labels = load_arrays("mnist", split, download=download, cache=cache)
    images = colorize(digits, seed=split_seed)
    if cache:
        try:
            sources.cache_dir().mkdir(parents=True, exist_ok=True)
            readers.save_npz(path, images, labels)
        except OSError as e:
            log.warning("could not write the gankit dataset cache: %s", e)
    return images, labels


def describe(download=False):
    """One line per dataset: its name, what it is, and where it was found (or why not).

    Used by `gankit data`. Finds sources without reading them.
    """
    lines = []
    for name in list_datasets():
        try:
            where = str(locate(name, download))
        except DatasetNotFoundError:
            where = "not found (gankit data --help tells where to put it)"
        lines.append(f"{name:14s} {DATASETS[name].description}; {where}")
    return lines

