"""Datasets as `tf.data` pipelines: MNIST, Fashion-MNIST, colored MNIST, SVHN, horse2zebra.

Offline sources come first; see `load_arrays` for the search order and
`DEVELOPERS.md` for the offline packages.

Example:

>>> import gankit
>>> ds = gankit.data.load("fashion_mnist", batch_size=128, one_hot=True, seed=0)
>>> x_test, y_test = gankit.data.load_arrays("mnist", "test")
"""

from gankit.data.augment import jitter, jitter_dataset
from gankit.data.catalog import DATASETS, describe, info, list_datasets, load_arrays, locate
from gankit.data.colored import colorize
from gankit.data.epochs import SetEpoch, set_epoch
from gankit.data.errors import DatasetIntegrityError, DatasetNotFoundError
from gankit.data.folders import image_folder, read_folder_arrays, scan_folder
from gankit.data.pipeline import from_arrays, load, pad, scale, to_channels, unpaired
from gankit.data.readers import RestrictedUnpickler, restricted_load

__all__ = [
    "DATASETS",
    "DatasetIntegrityError",
    "DatasetNotFoundError",
    "RestrictedUnpickler",
    "SetEpoch",
    "colorize",
    "describe",
    "from_arrays",
    "image_folder",
    "info",
    "jitter",
    "jitter_dataset",
    "list_datasets",
    "load",
    "load_arrays",
    "locate",
    "pad",
    "read_folder_arrays",
    "restricted_load",
    "scale",
    "scan_folder",
    "set_epoch",
    "to_channels",
    "unpaired",
]
