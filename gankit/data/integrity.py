"""Known contents of the reference datasets, checked on first load.

A dataset whose per-class counts or checksum differ from these is refused with a
`DatasetIntegrityError`: a silently wrong dataset would corrupt every result built on it.
"""

import hashlib

import numpy as np

from gankit.data.errors import DatasetIntegrityError

# Per-class label counts of the official splits.
CLASS_COUNTS = {
    ("mnist", "train"): (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
    ("mnist", "test"): (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009),
    ("fashion_mnist", "train"): (6000,) * 10,
    ("fashion_mnist", "test"): (1000,) * 10,
}

# sha256 of the uint8 image bytes followed by the int64 label bytes, official order.
CHECKSUMS = {
    ("mnist", "train"): "d18cfd466eb143ac1097fde604dba9eec4116885869d04cc648b510949f9e88c",
    ("mnist", "test"): "a0863a96c44e5666edbb30c4071ee79ca0514c621e6349c5967fc78e7305c891",
    ("fashion_mnist", "train"): "1f243a60b4b748a44c48b9a6f6907be2a08bee3e4e226f0e86fbde8e147b745a",
    ("fashion_mnist", "test"): "9a494dc49efeb996f4076c469b31cd058152067b1594ba6ab85dd739fce3775e",
}


def checksum(images, labels):
    """sha256 hex digest of `images` (uint8) then `labels` (int64)."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(images, dtype=np.uint8).tobytes())
    h.update(np.ascontiguousarray(labels, dtype=np.int64).tobytes())
    return h.hexdigest()


def class_counts(labels, num_classes=10):
    return tuple(int(c) for c in np.bincount(np.asarray(labels), minlength=num_classes))


def verify(name, split, images, labels, source=""):
    """Checks `(images, labels)` against the known counts and checksum of `name`/`split`.

    Datasets without a reference (generated or user-provided ones) pass unchecked.

    Raises:
        DatasetIntegrityError: if the counts or the checksum differ.
    """
    key = (name, split)
    if key not in CLASS_COUNTS:
        return
    where = f" (from {source})" if source else ""
    expected = CLASS_COUNTS[key]
    got = class_counts(labels, len(expected))
    if got != expected:
        raise DatasetIntegrityError(
            f"{name}/{split}{where} has per-class counts {got}, expected {expected}: "
            "the file is not the official dataset; remove it or point GANKIT_DATA_DIR elsewhere"
        )
    expected_sum = CHECKSUMS.get(key)
    if expected_sum is not None:
        got_sum = checksum(images, labels)
        if got_sum != expected_sum:
            raise DatasetIntegrityError(
                f"{name}/{split}{where} has checksum {got_sum[:16]}..., expected "
                f"{expected_sum[:16]}...: the images differ from the official dataset"
            )
