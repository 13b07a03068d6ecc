"""Report 000's Table 1: Fréchet distances of fake / recovered / identity images to originals."""

import numpy as np
import pytest

from gankit.metrics import frechet_table_markdown, translation_frechet_table


class ShiftTranslator:
    """Stands in for a CycleGAN: A -> B adds 0.3, B -> A subtracts 0.2."""

    image_shape_a = image_shape_b = (8, 8, 3)

    def translate(self, images, direction="ab", batch_size=256):
        return np.asarray(images, "float32") + (0.3 if direction == "ab" else -0.2)


def mean_gap(real, fake):
    return abs(float(np.mean(real)) - float(np.mean(fake)))


def test_table_compares_each_domain_with_its_fake_recovered_and_identity_images():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-0.5, 0.5, (2, 6, 8, 8, 3)).astype("float32")
    rows = translation_frechet_table(ShiftTranslator(), a, b, names=("Horses", "Zebras"),
                                     distance=mean_gap)
    assert [row["domain"] for row in rows] == ["Horses", "Zebras"]
    horses, zebras = rows
    # Horses: fake = G(x) (+0.3), recovered = F(G(x)) (+0.1), identity = F(x) (-0.2).
    assert (horses["fake"], horses["recovered"], horses["identity"]) == pytest.approx((0.3, 0.1, 0.2))
    assert (zebras["fake"], zebras["recovered"], zebras["identity"]) == pytest.approx((0.2, 0.1, 0.3))
    assert horses["n"] == 6
    table = frechet_table_markdown([{**horses, "fake": 268.82, "recovered": 172.11,
                                     "identity": 136.58}, {**zebras, "identity": None}])
    assert table.splitlines() == [
        "| Class | Fake | Recovered | Identity |",
        "|---|---:|---:|---:|",
        "| Horses | 268.82 | 172.11 | 136.58 |",
        "| Zebras | 0.20 | 0.10 | - |",
    ]
    with pytest.raises(ValueError, match="n >= 2"):
        translation_frechet_table(ShiftTranslator(), a[:1], b, distance=mean_gap)
    with pytest.raises(ValueError, match="distance must be"):
        translation_frechet_table(ShiftTranslator(), a, b, distance="l2")


def test_default_distance_is_inception_fid(monkeypatch):
    import keras

    from gankit.metrics import frechet

    built = []

    def tiny_extractor(weights=None, image_size=299):  # stands in for InceptionV3
        built.append((weights, image_size))
        inputs = keras.Input((image_size, image_size, 3))
        pooled = keras.layers.GlobalAveragePooling2D()(inputs)
        return keras.Model(inputs, keras.layers.Concatenate()([pooled, pooled ** 2]))

    monkeypatch.setattr(frechet, "inception_feature_extractor", tiny_extractor)
    rng = np.random.default_rng(1)
    a, b = rng.uniform(-0.5, 0.5, (2, 12, 8, 8, 3)).astype("float32")
    rows = translation_frechet_table(ShiftTranslator(), a, b, weights="w.h5", image_size=16)
    assert built == [("w.h5", 16)]  # one extractor for the whole table
    horses = rows[0]
    assert horses["fake"] > horses["identity"] > horses["recovered"] >= 0
