"""Training-time augmentation of digit images: stroke widths and the named recipes."""

import keras
import numpy as np
import pytest

from gankit import classifier
from gankit.data import load_arrays
from gankit.nets import RandomStrokeWidth


@pytest.fixture(scope="module")
def digits():
    x, y = load_arrays("mnist", "test")
    return classifier.prepare_images(x[:64]), y[:64]


def _ink(images):
    """Mean brightness in [0, 1]: more ink means thicker strokes."""
    return float(np.mean((np.asarray(images) + 1.0) / 2.0))


def test_stroke_width_thickens_and_thins_within_range(digits):
    x = digits[0]
    widths = RandomStrokeWidth(1.0, seed=0)(x, training=True)
    widths = np.asarray(widths)
    assert widths.shape == x.shape and widths.min() >= -1.0 and widths.max() <= 1.0
    per_image = (widths + 1).mean(axis=(1, 2, 3)) - (x + 1).mean(axis=(1, 2, 3))
    assert (per_image > 1e-3).sum() >= 10 and (per_image < -1e-3).sum() >= 10  # both ways
    dilated = np.asarray(keras.ops.max_pool(x, 3, strides=1, padding="same"))
    eroded = -np.asarray(keras.ops.max_pool(-x, 3, strides=1, padding="same"))
    assert np.all(widths <= dilated + 1e-6) and np.all(widths >= eroded - 1e-6)
    assert _ink(dilated) > _ink(x) * 1.5  # a full dilation is much thicker


def test_stroke_width_is_seeded_and_inactive_at_inference(digits):
    x = digits[0]
    first = np.asarray(RandomStrokeWidth(0.5, seed=3)(x, training=True))
    again = np.asarray(RandomStrokeWidth(0.5, seed=3)(x, training=True))
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, x)
    np.testing.assert_array_equal(np.asarray(RandomStrokeWidth(1.0)(x, training=False)), x)
    np.testing.assert_array_equal(np.asarray(RandomStrokeWidth(0.0)(x, training=True)), x)


def test_stroke_width_config_round_trips_and_bad_factor_is_refused():
    layer = RandomStrokeWidth(0.25, seed=7)
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(again) is RandomStrokeWidth and again.factor == 0.25 and again.seed == 7
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match=r"factor must be in \[0, 1\]"):
            RandomStrokeWidth(bad)


@pytest.mark.parametrize("augment, layers", [
    ("light", ["random_rotation", "random_translation"]),
    (True, ["random_rotation", "random_translation"]),
    ("handwriting", ["random_stroke_width", "random_rotation", "random_zoom",
                     "random_translation"]),
    ({"stroke": 0.5}, ["random_stroke_width"]),
])
def test_named_augmentations_build_their_layers(augment, layers):
    model = classifier.digit_augmentation(augment, seed=0)
    names = [layer.name.rstrip("_0123456789") for layer in model.layers]
    assert names == layers


def test_augmentation_changes_digits_in_training_only(digits):
    x = digits[0]
    model = classifier.digit_augmentation("handwriting", seed=0)
    changed = np.asarray(model(x, training=True))
    assert changed.shape == x.shape and changed.min() >= -1.0 - 1e-5
    assert np.mean(np.abs(changed - x)) > 0.05
    np.testing.assert_array_equal(np.asarray(model(x, training=False)), x)
    # the light recipe moves less than the handwriting one
    light = np.asarray(classifier.digit_augmentation("light", seed=0)(x, training=True))
    assert np.mean(np.abs(light - x)) < np.mean(np.abs(changed - x))


@pytest.mark.parametrize("bad, message", [
    ("heavy", "Unknown augmentation 'heavy'"),
    ({"rotation": 5, "blur": 1}, r"unknown keys \['blur'\]"),
    ({"zoom": -0.1}, "bad values"),
    ({"shift": None}, "bad values"),
    (1.5, r"in \(0, 1\)"),
    ([1, 2], "augment must be"),
])
def test_bad_augmentations_are_clear_errors(bad, message):
    with pytest.raises(ValueError, match=message):
        classifier.digit_augmentation(bad)


def test_fit_lenet_handwriting_recipe_learns_and_differs_from_plain(digits):
    x, y = load_arrays("mnist", "train")
    x, y = x[:2000], y[:2000]
    plain, _ = classifier.fit_lenet(x, y, epochs=2, seed=0)
    strong, history = classifier.fit_lenet(x, y, epochs=2, seed=0, augment="handwriting",
                                           cosine_decay=True, validation_data=digits)
    again, _ = classifier.fit_lenet(x, y, epochs=2, seed=0, augment="handwriting",
                                    cosine_decay=True)
    assert [layer.name for layer in strong.layers] == [layer.name for layer in plain.layers]
    for a, b in zip(strong.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)  # seeded, augmentation included
    assert any(not np.allclose(a, b) for a, b in zip(strong.get_weights(), plain.get_weights()))
    assert history.history["val_accuracy"][-1] > 0.4  # chance: 0.1


def test_cosine_decay_restarts_for_a_second_phase():
    """A second `fit_lenet` call on the same model (a study's second phase) must still learn."""
    x, y = load_arrays("mnist", "train")
    model, _ = classifier.fit_lenet(x[:256], y[:256], epochs=1, seed=0, cosine_decay=True)
    before = [w.copy() for w in model.get_weights()]
    model, _ = classifier.fit_lenet(x[256:512], y[256:512], epochs=1, seed=1, cosine_decay=True,
                                    model=model)
    moved = max(float(np.max(np.abs(a - b))) for a, b in zip(model.get_weights(), before))
    assert moved > 1e-3
