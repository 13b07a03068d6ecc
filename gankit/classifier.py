"""The LeNet classifier used to evaluate generators (course report 003).

Report 003 scores generated digits with a LeNet trained on MNIST: the 28x28 images are
zero-padded to 32x32 inside the model, two convolution + pooling blocks are followed by three
dense layers, and the output is a softmax over the classes. gankit ships weights trained with a
seeded script (`benchmarks/train_lenet.py`) for MNIST, Fashion-MNIST and colored MNIST in the
top-level `assets/` folder; `load_pretrained` finds them offline and checks their sha256.

Example:

```python
import gankit

clf = gankit.load_pretrained("mnist")        # keras.Model: [-1, 1] images -> class probabilities
probs = clf.predict(images, verbose=0)       # images: float32 (n, 28, 28, 1) in [-1, 1]
feats = gankit.classifier.features(images)   # (n, 84) penultimate activations
```
"""

import hashlib
import os
import sys
from pathlib import Path

import keras
import numpy as np

from gankit import data
from gankit.batches import predict_in_batches
from gankit.images import to_float

PRETRAINED = {
    "mnist": {"input_shape": (28, 28, 1), "num_classes": 10},
    "fashion_mnist": {"input_shape": (28, 28, 1), "num_classes": 10},
    "colored_mnist": {"input_shape": (28, 28, 3), "num_classes": 10},
}
"""Names accepted by `load_pretrained`, with the input shape and class count of their LeNet."""

FEATURES_LAYER = "features"
"""Name of LeNet's penultimate (84-unit) layer, whose activations Fréchet distance uses."""

PADDED_SIZE = 32

_PRETRAINED_CACHE = {}
_EXTRACTOR_CACHE = {}


def lenet(num_classes=10, input_shape=(28, 28, 1), seed=None, name="lenet"):
    """Builds a LeNet-5 classifier for [-1, 1] images, padded to 32x32 inside the model.

    The architecture follows report 003's LeNet with ReLU activations and max pooling:
    `pad to 32x32 with -1` -> `Conv 6@5x5` -> `MaxPool 2` -> `Conv 16@5x5` -> `MaxPool 2` ->
    `Dense 120` -> `Dense 84` (the `"features"` layer) -> `Dense num_classes` + softmax.
    Padding uses the background value -1 (black in [-1, 1] images), so a digit padded by the
    model looks exactly like a digit drawn on a bigger black canvas. About 62k parameters.

    Args:
        num_classes: number of output classes.
        input_shape: `(height, width, channels)` of the input images, at most 32x32. Smaller
            images are padded (centered) to 32x32.
        seed: optional int seeding the weight initializers, for reproducible training.
        name: name of the model.

    Returns:
        An uncompiled `keras.Model` mapping float32 NHWC images in [-1, 1] to class
        probabilities of shape `(batch, num_classes)`.

    Example:

    ```python
    model = gankit.lenet()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    ```
    """
    input_shape = tuple(int(d) for d in input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}.")
    height, width, channels = input_shape
    if not (5 <= height <= PADDED_SIZE and 5 <= width <= PADDED_SIZE) or channels < 1:
        raise ValueError(
            f"lenet takes images of at most {PADDED_SIZE}x{PADDED_SIZE} pixels with at least one "
            f"channel, got input_shape={input_shape}. Resize bigger images first."
        )
    if int(num_classes) < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}.")

    def init(offset):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed + offset)

    inputs = keras.Input(input_shape, name="images")
    x = inputs
    pad_h, pad_w = PADDED_SIZE - height, PADDED_SIZE - width
    if pad_h or pad_w:
        # Pad with -1 (the background): shift to [0, 2], zero-pad, shift back.
        x = keras.layers.Rescaling(1.0, offset=1.0, name="shift_up")(x)
        x = keras.layers.ZeroPadding2D(
            ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2)), name="pad_to_32"
        )(x)
        x = keras.layers.Rescaling(1.0, offset=-1.0, name="shift_down")(x)
    x = keras.layers.Conv2D(6, 5, activation="relu", kernel_initializer=init(1), name="conv1")(x)
    x = keras.layers.MaxPooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(16, 5, activation="relu", kernel_initializer=init(2), name="conv2")(x)
    x = keras.layers.MaxPooling2D(2, name="pool2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(120, activation="relu", kernel_initializer=init(3), name="fc1")(x)
    x = keras.layers.Dense(84, activation="relu", kernel_initializer=init(4), name=FEATURES_LAYER)(x)
    x = keras.layers.Dense(num_classes, kernel_initializer=init(5), name="logits")(x)
    outputs = keras.layers.Activation("softmax", dtype="float32", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def feature_extractor(model=None):
    """Returns a model giving the penultimate-layer activations of a LeNet.

    Args:
        model: a model built by `lenet`, or the name of a pretrained one (see `load_pretrained`).
            None: the MNIST LeNet.

    Returns:
        A `keras.Model` mapping the same inputs to the `(batch, 84)` activations of the
        `"features"` layer. Extractors of pretrained models are cached.

    Example:

    ```python
    extractor = gankit.classifier.feature_extractor("mnist")
    feats = extractor.predict(images, verbose=0)
    ```
    """
    model = _resolve(model) if model is not None else load_pretrained("mnist")
    key = id(model)
    cached = _EXTRACTOR_CACHE.get(key)
    if cached is not None and cached[0] is model:
        return cached[1]
    try:
        layer = model.get_layer(FEATURES_LAYER)
    except ValueError as err:
        raise ValueError(
            f"Model {model.name!r} has no layer named {FEATURES_LAYER!r}; pass a model built by "
            "gankit.lenet() or name the penultimate layer 'features'."
        ) from err
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    extractor = keras.Model(inputs, layer.output, name=f"{model.name}_features")
    _EXTRACTOR_CACHE[key] = (model, extractor)
    return extractor


def features(images, model=None, batch_size=500):
    """Computes LeNet penultimate-layer features of images.

    Args:
        images: float images in [-1, 1] or uint8 images, NHWC (or NHW for one channel).
        model: a LeNet built by `lenet`, or a pretrained name. None: `pretrained_for(images)`
            (the MNIST LeNet for 28x28x1 images; any other shape raises).
        batch_size: number of images per forward pass.

    Returns:
        A float64 numpy array of shape `(n, 84)`.

    Example:

    ```python
    feats = gankit.classifier.features(images, "mnist")
    ```
    """
    model = _resolve(model, images)
    x = prepare_images(images, model.input_shape[-1])
    extractor = feature_extractor(model)
    return _predict(extractor, x, batch_size).astype(np.float64)


def predict_proba(images, model=None, batch_size=500):
    """Class probabilities of images under a LeNet, predicted in batches.

    Args:
        images: float images in [-1, 1] or uint8 images, NHWC (or NHW for one channel). Images
            with 3 channels are averaged to gray for a 1-channel model; 1-channel images are
            tiled to 3 channels for a 3-channel model.
        model: a LeNet built by `lenet`, or a pretrained name. None: `pretrained_for(images)`
            (the MNIST LeNet for 28x28x1 images; any other shape raises).
        batch_size: number of images per forward pass.

    Returns:
        A float64 numpy array of shape `(n, num_classes)` whose rows sum to 1.

    Example:

    ```python
    probs = gankit.classifier.predict_proba(images)
    predicted = probs.argmax(axis=1)
    ```
    """
    model = _resolve(model, images)
    x = prepare_images(images, model.input_shape[-1])
    return _predict(model, x, batch_size).astype(np.float64)


def prepare_images(images, channels=None):
    """Converts images to float32 NHWC in [-1, 1], checking their range and shape.

    Args:
        images: uint8 images in [0, 255] or float images in [-1, 1]; NHWC, or NHW for one channel.
        channels: number of channels wanted (1 or 3); `None` keeps the images' own.

    Returns:
        A float32 numpy array of shape `(n, h, w, channels)` in [-1, 1].

    Example:

    ```python
    x = gankit.classifier.prepare_images(uint8_digits, channels=1)
    ```
    """
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(
            f"Expected a batch of images of shape (n, height, width, channels), got {x.shape}."
        )
    if x.shape[0] == 0:
        raise ValueError("Got an empty batch of images.")
    if x.dtype == np.uint8:
        x = to_float(x)
    elif np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
        if not np.all(np.isfinite(x)):
            raise ValueError("Images contain NaN or infinite values.")
        lo, hi = float(x.min()), float(x.max())
        if lo < -1.01 or hi > 1.01:
            raise ValueError(
                f"Float images must be in [-1, 1], got values in [{lo:.3g}, {hi:.3g}]. Scale "
                "[0, 255] images with x / 127.5 - 1 (or pass them as uint8)."
            )
        x = np.clip(x, -1.0, 1.0)
    else:
        raise ValueError(f"Images must be uint8 or float, got dtype {x.dtype}.")
    have = x.shape[-1]
    if channels is not None and have != channels:
        if have == 3 and channels == 1:
            x = x.mean(axis=-1, keepdims=True)
        elif have == 1 and channels == 3:
            x = np.repeat(x, 3, axis=-1)
        else:
            raise ValueError(f"Cannot convert {have}-channel images to {channels} channels.")
    return x


def _predict(model, x, batch_size):
    expected = tuple(model.input_shape[1:3])
    if tuple(x.shape[1:3]) != expected:
        raise ValueError(
            f"Model {model.name!r} takes {expected[0]}x{expected[1]} images, got "
            f"{x.shape[1]}x{x.shape[2]}."
        )
    return predict_in_batches(lambda batch: model(batch, training=False), x,
                              batch_size=batch_size)


def _resolve(model, images=None):
    if model is None:
        return pretrained_for(images)
    if isinstance(model, str):
        return load_pretrained(model)
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"Expected a keras.Model or a pretrained name {sorted(PRETRAINED)}, got {model!r}."
        )
    return model


# ----------------------------------------------------------------------------- pretrained weights


def assets_dir():
    """Locates the folder holding the shipped LeNet weights and their SHA256SUMS.

    Looks, in order, in `$GANKIT_ASSETS_DIR`, `<repo>/assets` next to the `gankit` package (a
    source checkout or editable install), and `sys.prefix/share/gankit/assets` (a wheel install).

    Returns:
        The first of these folders that contains a `SHA256SUMS` file, as a `pathlib.Path`.

    Raises:
        FileNotFoundError: none of them has a `SHA256SUMS` file.

    Example:

    ```python
    print(gankit.classifier.assets_dir())
    ```
    """
    candidates = []
    env = os.environ.get("GANKIT_ASSETS_DIR")
    if env:
        candidates.append(Path(env).expanduser())
    candidates.append(Path(__file__).resolve().parent.parent / "assets")
    candidates.append(Path(sys.prefix) / "share" / "gankit" / "assets")
    for folder in candidates:
        if (folder / "SHA256SUMS").is_file():
            return folder
    raise FileNotFoundError(
        "Could not find gankit's assets folder (with SHA256SUMS) in any of: "
        + ", ".join(str(c) for c in candidates)
        + ". Set GANKIT_ASSETS_DIR to the folder holding lenet_*.weights.h5, or rebuild the "
        "weights with `python benchmarks/train_lenet.py --dataset mnist`."
    )


def sha256(path):
    """Returns the hex sha256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sha256sums(path):
    """Reads a `sha256sum`-style file into a `{filename: hexdigest}` dict."""
    sums = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        digest, _, filename = line.partition(" ")
        sums[filename.strip().lstrip("*")] = digest.lower()
    return sums


def weights_filename(name):
    """File name of the shipped weights of a pretrained LeNet, e.g. `lenet_mnist.weights.h5`."""
    return f"lenet_{name}.weights.h5"


def pretrained_weights(name="mnist"):
    """Path and sha256 of a shipped LeNet weight file, checked against `assets/SHA256SUMS`.

    Args:
        name: one of `"mnist"`, `"fashion_mnist"`, `"colored_mnist"`.

    Returns:
        `(path, sha256)` of the verified weight file.

    Raises:
        ValueError: unknown name, or the file's sha256 does not match SHA256SUMS.
        FileNotFoundError: the assets folder, the weight file or its checksum line is missing.

    Example:

    ```python
    path, digest = gankit.classifier.pretrained_weights("mnist")
    ```
    """
    _check_name(name)
    folder = assets_dir()
    filename = weights_filename(name)
    path = folder / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"Pretrained LeNet weights {path} are missing. Rebuild them with "
            f"`python benchmarks/train_lenet.py --dataset {name}`."
        )
    sums = read_sha256sums(folder / "SHA256SUMS")
    if filename not in sums:
        raise FileNotFoundError(
            f"{folder / 'SHA256SUMS'} has no checksum for {filename}; rebuild it with "
            f"`python benchmarks/train_lenet.py --dataset {name}`."
        )
    digest = sha256(path)
    if digest != sums[filename]:
        raise ValueError(
            f"Checksum mismatch for {path}: sha256 is {digest} but SHA256SUMS says "
            f"{sums[filename]}. The file is corrupt or was replaced; restore it from the "
            f"repository or rebuild it with `python benchmarks/train_lenet.py --dataset {name}`."
        )
    return path, digest


def load_pretrained(name="mnist"):
    """Loads a LeNet with the weights shipped in gankit's assets, offline.

    The weight file's sha256 is checked against `assets/SHA256SUMS`; nothing is downloaded. The
    loaded model is cached per name, so repeated calls are free (do not train the returned
    model: build a fresh one with `lenet` for that). It computes in float32 even under a
    mixed-precision policy, so scores do not depend on the policy.

    Args:
        name: `"mnist"`, `"fashion_mnist"` (28x28x1 inputs) or `"colored_mnist"` (28x28x3).

    Returns:
        A `keras.Model` mapping [-1, 1] images to class probabilities (see `lenet`), with an
        attribute `weights_sha256`.

    Raises:
        ValueError: unknown name or checksum mismatch.
        FileNotFoundError: weights or SHA256SUMS missing.

    Example:

    ```python
    clf = gankit.load_pretrained("fashion_mnist")
    ```
    """
    _check_name(name)
    cached = _PRETRAINED_CACHE.get(name)
    if cached is not None:
        return cached
    path, digest = pretrained_weights(name)
    spec = PRETRAINED[name]
    # Scores are computed in float32 whatever the global policy: a mixed-precision LeNet
    # would give other scores than the ones the benchmarks and the grading calibrate.
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        model = lenet(spec["num_classes"], spec["input_shape"], name=f"lenet_{name}")
    finally:
        keras.config.set_dtype_policy(policy)
    model.load_weights(str(path))
    model.trainable = False
    model.weights_sha256 = digest
    _PRETRAINED_CACHE[name] = model
    return model


def _check_name(name):
    if name not in PRETRAINED:
        raise ValueError(
            f"Unknown pretrained LeNet {name!r}: gankit ships LeNets only for "
            f"{sorted(PRETRAINED)}. "
            f"{_OWN_CLASSIFIER_HINT}"
        )


_OWN_CLASSIFIER_HINT = (
    "Score these images with your own classifier: pass classifier= a keras.Model mapping [-1, 1] "
    "images to class probabilities (e.g. gankit.lenet(num_classes, input_shape) trained with "
    "gankit.classifier.fit_lenet on real images of that dataset)."
)


def _shape_text(shape):
    return "x".join(str(d) for d in shape)


def pretrained_for(images=None, dataset=None):
    """The shipped LeNet that fits a dataset, so that no metric scores with the wrong classifier.

    With `dataset`, its LeNet (`"mnist"`, `"fashion_mnist"`, `"colored_mnist"`); any other name
    (SVHN, horse2zebra, ...) raises. Without `dataset`, only 28x28x1 images get a default, the
    MNIST LeNet (the course's dataset: pass `dataset="fashion_mnist"` for Fashion-MNIST); other
    shapes raise, 3-channel 28x28 images included (they need `dataset="colored_mnist"`). When
    `images` are given they must have the LeNet's input shape (1-channel images may go to a
    3-channel LeNet and the reverse only through an explicit `classifier=`).

    Args:
        images: the images to score (NHWC or NHW arrays), or None.
        dataset: a dataset name, or None.

    Returns:
        The pretrained `keras.Model` (see `load_pretrained`).

    Raises:
        ValueError: no shipped LeNet fits; the message says to pass `classifier=`.

    Example:

    ```python
    clf = gankit.classifier.pretrained_for(images, dataset="fashion_mnist")
    ```
    """
    shape = None
    if images is not None:
        x = np.asarray(images)
        shape = tuple(x.shape[1:]) + ((1,) if x.ndim == 3 else ())
    if dataset is None:
        if shape is not None and shape != PRETRAINED["mnist"]["input_shape"]:
            raise ValueError(
                f"No default classifier for {_shape_text(shape)} images: without dataset= only "
                "28x28x1 images are scored, by the MNIST LeNet. Pass dataset= (one of "
                f"{sorted(PRETRAINED)}) if the images come from one of those, e.g. "
                f"dataset='colored_mnist' for 28x28x3 colored MNIST. {_OWN_CLASSIFIER_HINT}"
            )
        dataset = "mnist"
    _check_name(dataset)
    expected = PRETRAINED[dataset]["input_shape"]
    if shape is not None and shape != expected:
        raise ValueError(
            f"The {dataset} LeNet takes {_shape_text(expected)} images, got "
            f"{_shape_text(shape)} images. {_OWN_CLASSIFIER_HINT}"
        )
    return load_pretrained(dataset)


# ----------------------------------------------------------------------------- training


REPORT_003_VALIDATION = 5000
"""Images of the training split held out for validation in report 003 (55k train / 5k validation)."""


def split_validation(images, labels, validation=REPORT_003_VALIDATION):
    """Report 003's split of a training set: the last `validation` images validate, the rest train.

    Report 003 trains its LeNet on 55,000 MNIST training images and validates on the other
    5,000 (the split of TensorFlow's MNIST tutorial data). gankit holds out the last ones, so
    the split is the same on every machine.

    Args:
        images: training images `(n, ...)`.
        labels: their labels `(n,)`.
        validation: number of images to hold out (0: none).

    Returns:
        `((train_images, train_labels), (val_images, val_labels))`.

    Raises:
        ValueError: `validation` is negative or leaves no training image.

    Example:

    ```python
    (x, y), (x_val, y_val) = gankit.classifier.split_validation(*load_arrays("mnist", "train"))
    ```
    """
    n = len(images)
    if len(labels) != n:
        raise ValueError(f"Got {n} images but {len(labels)} labels.")
    validation = int(validation)
    if validation < 0 or validation >= n:
        raise ValueError(
            f"validation must be between 0 and the number of images minus one ({n - 1}), got "
            f"{validation}."
        )
    cut = n - validation
    return (images[:cut], labels[:cut]), (images[cut:], labels[cut:])



AUGMENTATIONS = {
    "light": {"rotation": 5.4, "shift": 2.24, "zoom": 0.0, "stroke": 0.0},
    "handwriting": {"rotation": 15.0, "shift": 2.0, "zoom": 0.15, "stroke": 1.0},
}
"""Named augmentations of `digit_augmentation` (and `fit_lenet(augment=...)`).

`"light"`: random rotations up to about 5 degrees and shifts up to about 2 pixels (what
`augment=True` has always meant). `"handwriting"`: rotations up to 15 degrees, shifts up to
2 pixels, zoom up to 15 %, and random stroke widths (`gankit.nets.RandomStrokeWidth`), the
variety real handwriting has and a generator's digits lack. Measured (issue 10, report 003's
Table 3): with 30 epochs and a cosine decay it lifts a LeNet trained on 55k digits of the
`fast-cgan-ms` preset alone from 96.7 % (report 003's recipe, 10 epochs) to 98.3 % on the real
MNIST test digits (`benchmarks/report003_table3_marks.py`).
"""


def digit_augmentation(augment="light", input_shape=(28, 28, 1), seed=0):
    """Random training-time transformations for digit images in [-1, 1].

    Args:
        augment: a name of `AUGMENTATIONS` (`"light"` or `"handwriting"`), `True` (`"light"`),
            a float (the light recipe with that largest shift, as a fraction of the side), or a
            dict with the keys `rotation` (degrees), `shift` (pixels), `zoom` (fraction) and
            `stroke` (`RandomStrokeWidth`'s factor); a missing key means none of it.
        input_shape: `(height, width, channels)` of the images.
        seed: int seed of every random layer.

    Returns:
        A `keras.Sequential` that transforms images when called with `training=True` (as in
        `fit`) and passes them through otherwise. New pixels are filled with -1 (background).

    Raises:
        ValueError: for an unknown name, an unknown key or a negative amount.

    Example:

    ```python
    augment = gankit.classifier.digit_augmentation("handwriting", seed=0)
    varied = augment(digits, training=True)
    ```
    """
    from gankit.nets.layers import RandomStrokeWidth

    height, width = int(input_shape[0]), int(input_shape[1])
    params = _augmentation_params(augment, height)
    seed = int(seed)
    fill = {"fill_mode": "constant", "fill_value": -1.0}
    parts = [keras.Input(tuple(int(d) for d in input_shape))]
    if params.get("stroke"):
        parts.append(RandomStrokeWidth(params["stroke"], seed=seed + 10))
    if params.get("rotation"):
        parts.append(keras.layers.RandomRotation(params["rotation"] / 360.0, seed=seed + 11, **fill))
    if params.get("zoom"):
        zoom = params["zoom"]
        parts.append(keras.layers.RandomZoom(zoom, zoom, seed=seed + 13, **fill))
    if params.get("shift"):
        parts.append(keras.layers.RandomTranslation(
            params["shift"] / height, params["shift"] / width, seed=seed + 12, **fill))
    return keras.Sequential(parts, name="digit_augmentation")


def _augmentation_params(augment, side):
    if augment is True:
        augment = "light"
    if isinstance(augment, str):
        if augment not in AUGMENTATIONS:
            raise ValueError(
                f"Unknown augmentation {augment!r}; choose from {sorted(AUGMENTATIONS)}, True, a "
                "shift fraction or a dict of rotation/shift/zoom/stroke."
            )
        return dict(AUGMENTATIONS[augment])
    if isinstance(augment, (int, float)) and not isinstance(augment, bool):
        if not 0.0 < float(augment) < 1.0:
            raise ValueError(f"A float augment is the largest shift as a fraction of the side, "
                             f"in (0, 1); got {augment}.")
        return {**AUGMENTATIONS["light"], "shift": float(augment) * side}
    if isinstance(augment, dict):
        unknown = set(augment) - set(AUGMENTATIONS["light"])
        bad = {k: v for k, v in augment.items() if k not in unknown and not _non_negative(v)}
        if unknown or bad:
            raise ValueError(
                f"An augmentation dict takes non-negative rotation, shift, zoom and stroke; got "
                f"unknown keys {sorted(unknown)} and bad values {bad}."
            )
        return {k: float(v) for k, v in augment.items()}
    raise ValueError(f"augment must be a name of {sorted(AUGMENTATIONS)}, a bool, a float or a "
                     f"dict, got {type(augment).__name__}.")


def _non_negative(value):
    try:
        return float(value) >= 0.0
    except (TypeError, ValueError):
        return False


def fit_lenet(
    images,
    labels,
    num_classes=10,
    epochs=10,
    batch_size=128,
    learning_rate=1e-3,
    seed=0,
    augment=False,
    cosine_decay=False,
    validation_data=None,
    model=None,
    verbose=0,
):
    """Trains a LeNet with Adam, seeded, on in-memory images.

    Calls `keras.utils.set_random_seed(seed)` first (Python, NumPy and TensorFlow global seeds),
    so the same arguments give the same weights on the same machine.

    Args:
        images: training images, uint8 or float in [-1, 1], NHWC (or NHW).
        labels: integer class labels of shape `(n,)`.
        num_classes: number of classes.
        epochs: number of passes over the data.
        batch_size: mini-batch size.
        learning_rate: Adam learning rate.
        seed: int seed for initialization, shuffling and augmentation.
        augment: `False` for none (report 003's recipe); `True` or `"light"` for random
            translations of up to 2 pixels (filled with -1) and rotations of up to ~5 degrees;
            `"handwriting"` for stronger rotations, zoom and random stroke widths; or anything
            else `digit_augmentation` takes (a float is the light recipe's largest shift).
        cosine_decay: `True` to decay the learning rate to 0 along a cosine over this call's
            epochs (steadier final accuracy than a constant rate). The model is then compiled
            with a fresh Adam at every call, so a second call (another training phase) starts
            again from `learning_rate` instead of training on at rate 0.
        validation_data: optional `(images, labels)` evaluated after each epoch.
        model: an existing compiled-or-not LeNet to keep training; `None` builds a fresh one.
        verbose: Keras `fit` verbosity.

    Returns:
        `(model, history)`: the trained LeNet (without augmentation layers) and the Keras
        `History` of the last `fit` call.

    Example:

    ```python
    clf, history = gankit.classifier.fit_lenet(x_train, y_train, epochs=2)
    clf, _ = gankit.classifier.fit_lenet(fake_x, fake_y, epochs=30, augment="handwriting",
                                         cosine_decay=True)
    ```
    """
    x = prepare_images(images)
    y = check_labels(labels, len(x), num_classes)
    keras.utils.set_random_seed(int(seed))
    if model is None:
        model = lenet(num_classes, x.shape[1:], seed=int(seed))
    trainer = model
    if augment is not False and augment is not None:
        augmentation = digit_augmentation(augment, x.shape[1:], seed=int(seed))
        trainer = keras.Sequential([keras.Input(x.shape[1:]), augmentation, model],
                                   name=f"{model.name}_augmented")
    if cosine_decay or not getattr(trainer, "compiled", False) or trainer is not model:
        rate = learning_rate
        if cosine_decay:
            steps = int(epochs) * -(-len(x) // int(batch_size))
            rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
        trainer.compile(
            optimizer=keras.optimizers.Adam(rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
    val = None
    if validation_data is not None:
        val = (prepare_images(validation_data[0], x.shape[-1]),
               check_labels(validation_data[1], len(validation_data[0]), num_classes))
    # gankit's pipeline, not Keras' own for arrays: that one re-tunes itself in a thread whose
    # sleep a new epoch's iterator waits for (see gankit.data.prefetching); the order of each
    # epoch is drawn from (seed, epoch)
    batches = data.from_arrays(x, y, batch_size=int(batch_size), seed=int(seed))
    history = trainer.fit(batches, epochs=int(epochs), validation_data=val, verbose=verbose,
                          shuffle=False,  # the pipeline shuffles; True would only warn
                          callbacks=[data.SetEpoch(batches)])
    return model, history


def evaluate_accuracy(model, images, labels, batch_size=500):
    """Top-1 accuracy of a classifier on labelled images.

    Args:
        model: a LeNet (or pretrained name).
        images: uint8 or [-1, 1] float images.
        labels: integer labels `(n,)`.
        batch_size: images per forward pass.

    Returns:
        The accuracy as a Python float in [0, 1].

    Example:

    ```python
    acc = gankit.classifier.evaluate_accuracy("mnist", x_test, y_test)
    ```
    """
    probs = predict_proba(images, model, batch_size)
    y = check_labels(labels, len(probs), probs.shape[1])
    return float(np.mean(probs.argmax(axis=1) == y))


def check_labels(labels, n, num_classes):
    """Validates class labels and returns them as int64 class indices.

    Args:
        labels: `n` integer labels (ints, or floats with integer values), or one-hot rows
            `(n, num_classes)`.
        n: how many labels there must be (the number of images they go with).
        num_classes: labels must lie in `[0, num_classes - 1]`.

    Returns:
        int64 array of shape `(n,)`.

    Raises:
        ValueError: wrong shape or count, non-integer values, or a label out of range.

    Example:

    ```python
    check_labels([[0, 1], [1, 0]], n=2, num_classes=2)  # array([1, 0])
    ```
    """
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == num_classes:
        y = y.argmax(axis=1)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"Expected {n} integer labels of shape ({n},), got shape {y.shape}.")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.equal(np.mod(y, 1), 0)):
            raise ValueError("Labels must be integers (or one-hot rows).")
        y = y.astype(np.int64)
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"Labels must be in [0, {num_classes - 1}], got [{y.min()}, {y.max()}].")
    return y.astype(np.int64)

