"""File readers for the dataset sources: IDX, restricted pickle, SVHN `.mat`, Keras `.npz`.

Each reader returns numpy arrays `(images uint8 NHWC, labels int64)`; none of them uses the network.
"""

import gzip
import pickle
import struct

import numpy as np

# The only globals a dataset pickle may reference: numpy array reconstruction (`_codecs.encode`
# turns the latin-1 text of protocol-2 array buffers back into bytes; it cannot run code).
_ALLOWED_PICKLE_GLOBALS = {
    ("_codecs", "encode"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only admits numpy array reconstruction.

    Any other global a pickle tries to load (`os.system`, `builtins.eval`, ...) raises
    `pickle.UnpicklingError` before it can be called.
    """

    def find_class(self, module, name):
        if (module, name) in _ALLOWED_PICKLE_GLOBALS:
            if module.startswith("numpy") and name == "_reconstruct":
                # numpy 2 moved numpy.core to numpy._core; either spelling maps to the same function.
                from numpy._core import multiarray

                return multiarray._reconstruct
            if module == "_codecs":
                import codecs

                return codecs.encode
            return getattr(np, name)
        raise pickle.UnpicklingError(
            f"refused to load global {module}.{name}: dataset pickles may only contain numpy arrays"
        )


def restricted_load(fileobj):
    """Unpickles `fileobj` admitting only numpy arrays (latin-1 for Python 2 pickles)."""
    return RestrictedUnpickler(fileobj, encoding="latin1").load()


def read_mnist_pickle(path):
    """Reads the classic `mnist.pkl.gz` (50k/10k/10k, pixels stored as k/256).

    Returns:
        dict `{"train": (x, y), "test": (x, y)}` with the 60k official training images in their
        official order (the pickle's train and validation parts concatenated) and uint8 pixels.
    """
    with gzip.open(path, "rb") as f:
        train, valid, test = restricted_load(f)

    def convert(part):
        x, y = part
        x = np.rint(np.asarray(x, np.float32) * 256.0).clip(0, 255).astype(np.uint8)
        return x.reshape(-1, 28, 28, 1), np.asarray(y, np.int64)

    (xt, yt), (xv, yv), (xs, ys) = convert(train), convert(valid), convert(test)
    return {"train": (np.concatenate([xt, xv]), np.concatenate([yt, yv])), "test": (xs, ys)}


def _open_maybe_gz(path):
    path = str(path)
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def read_idx(path):
    """Reads an IDX file (optionally gzipped) as a numpy array of its stored shape."""
    with _open_maybe_gz(path) as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path} is not an IDX file (too short)")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if zero != 0 or dtype_code not in dtypes:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    shape = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    array = np.frombuffer(data, dtype=dtypes[dtype_code], offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: expected {np.prod(shape)} values, got {array.size}")
    return array.reshape(shape)


def read_idx_pair(images_path, labels_path):
    """Reads an IDX images/labels pair into `(uint8 NHWC, int64)`."""
    x = read_idx(images_path).astype(np.uint8)
    y = read_idx(labels_path).astype(np.int64)
    if len(x) != len(y):
        raise ValueError(f"{images_path} has {len(x)} images but {labels_path} has {len(y)} labels")
    return x[..., None], y


def read_keras_npz(path):
    """Reads a Keras-cache `mnist.npz` into `{"train": (x, y), "test": (x, y)}`."""
    with np.load(path, allow_pickle=False) as f:
        return {
            "train": (f["x_train"].astype(np.uint8)[..., None], f["y_train"].astype(np.int64)),
            "test": (f["x_test"].astype(np.uint8)[..., None], f["y_test"].astype(np.int64)),
        }


def read_svhn_mat(path):
    """Reads an SVHN cropped-digits `.mat` file (`X` 32x32x3xN, `y` with 10 meaning 0)."""
    from scipy.io import loadmat

    mat = loadmat(path)
    if "X" not in mat or "y" not in mat:
        raise ValueError(f"{path} is not an SVHN cropped-digits file (needs variables X and y)")
    x = np.transpose(mat["X"], (3, 0, 1, 2)).astype(np.uint8)
    y = mat["y"].reshape(-1).astype(np.int64) % 10
    return x, y


def save_npz(path, images, labels):
    """Writes `images`/`labels` to `path` atomically (temp file then rename)."""
    from gankit.files import atomic_open

    with atomic_open(path, "wb") as f:
        np.savez(f, images=images, labels=labels)


def load_npz(path):
    with np.load(path, allow_pickle=False) as f:
        return f["images"], f["labels"]

