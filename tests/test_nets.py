"""GAN-family builders: parameter counts of the seed-report nets, shapes, conventions, errors."""

import keras
import numpy as np
import pytest

from gankit import nets

# (builder, kwargs, count_params()) for the report configurations; the docstrings quote them.
REPORT_COUNTS = [
    (nets.mlp_generator, {}, 4_425_784),
    (nets.mlp_generator, {"conditional": True}, 4_475_784),
    (nets.mlp_discriminator, {}, 3_930_001),
    (nets.mlp_discriminator, {"conditional": True}, 3_980_001),
    (nets.dcgan_generator, {"variant": "002"}, 2_384_641),
    (nets.dcgan_generator, {"variant": "002", "conditional": True}, 2_510_081),
    (nets.dcgan_generator, {"variant": "003"}, 884_897),
    (nets.dcgan_generator, {"variant": "003", "conditional": True}, 947_617),
    (nets.dcgan_discriminator, {"variant": "002"}, 138_945),
    (nets.dcgan_discriminator, {"variant": "002", "conditional": True}, 149_185),
    (nets.dcgan_discriminator, {"variant": "003"}, 263_873),
    (nets.dcgan_discriminator, {"variant": "003", "conditional": True}, 271_873),
    (nets.cgan_generator, {}, 397_345),
    (nets.cgan_generator, {"filters": 128}, 897_089),
    (nets.cgan_discriminator, {}, 63_425),
    (nets.cgan_discriminator, {"filters": 64}, 229_249),
    # report 003, Table 1 variants
    (nets.cgan_generator, {"filters": 32}, 185_873),
    (nets.cgan_generator, {"kernel_size": 4}, 378_625),
    (nets.cgan_generator, {"extra_layer": True}, 409_809),
    (nets.cgan_discriminator, {"filters": 16}, 18_913),
    (nets.cgan_discriminator, {"kernel_size": 4}, 41_825),
    (nets.cgan_discriminator, {"extra_layer": True}, 271_873),
    (nets.cgan_discriminator, {"filters": 64, "dropout": 0.3}, 229_249),
    (nets.wgan_generator, {}, 1_486_352),
    (nets.wgan_generator, {"conditional": True}, 1_488_912),
    (nets.wgan_critic, {}, 1_460_225),
    (nets.wgan_critic, {"conditional": True}, 1_470_465),
]


@pytest.mark.parametrize(
    "builder, kwargs, count", REPORT_COUNTS, ids=[f"{b.__name__}-{k}" for b, k, _ in REPORT_COUNTS]
)
def test_report_parameter_counts_match_code_and_docstring(builder, kwargs, count):
    model = builder(**kwargs)
    assert model.count_params() == count
    assert f"{count:,}" in builder.__doc__


def test_docstrings_name_their_seed_report():
    for builder in (nets.mlp_generator, nets.mlp_discriminator):
        assert "report 000" in builder.__doc__
    for builder in (nets.dcgan_generator, nets.dcgan_discriminator):
        assert "report 002" in builder.__doc__ and "report 003" in builder.__doc__
    for builder in (nets.cgan_generator, nets.cgan_discriminator):
        assert "report 003" in builder.__doc__
    for builder in (nets.wgan_generator, nets.wgan_critic):
        assert "report 002" in builder.__doc__


GENERATORS = {
    "mlp": lambda shape, c: nets.mlp_generator(8, shape, hidden_units=16, conditional=c),
    "dcgan002": lambda shape, c: nets.dcgan_generator(8, shape, filters=8, variant="002", conditional=c),
    "dcgan003": lambda shape, c: nets.dcgan_generator(8, shape, filters=8, variant="003", conditional=c),
    "cgan": lambda shape, c: nets.cgan_generator(8, shape, filters=8),
    "wgan": lambda shape, c: nets.wgan_generator(8, shape, units=(16,), conditional=c),
}
DISCRIMINATORS = {
    "mlp": lambda shape, c: nets.mlp_discriminator(shape, hidden_units=16, conditional=c),
    "dcgan002": lambda shape, c: nets.dcgan_discriminator(shape, filters=4, variant="002", conditional=c),
    "dcgan003": lambda shape, c: nets.dcgan_discriminator(shape, filters=4, variant="003", conditional=c),
    "cgan": lambda shape, c: nets.cgan_discriminator(shape, filters=4),
    "wgan": lambda shape, c: nets.wgan_critic(shape, units=(16,), conditional=c),
}
SHAPES = [(28, 28, 1), (28, 28, 3), (32, 32, 1), (32, 32, 3)]


# cgan nets are always conditional: no unconditional case for them
KINDS = [(kind, c) for kind in sorted(GENERATORS) for c in (False, True) if c or kind != "cgan"]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(("kind", "conditional"), KINDS,
                         ids=[f"{k}-{'cond' if c else 'uncond'}" for k, c in KINDS])
def test_generator_and_discriminator_conventions(kind, shape, conditional):
    keras.utils.set_random_seed(0)
    g = GENERATORS[kind](shape, conditional)
    d = DISCRIMINATORS[kind](shape, conditional)
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((3, 8)).astype("float32")
    one_hot = np.eye(10, dtype="float32")[[1, 5, 9]]
    images = np.asarray(g([noise, one_hot] if conditional else noise, training=False))
    assert images.shape == (3, *shape)
    assert images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert len(g.inputs) == (2 if conditional else 1)
    assert len(d.inputs) == (2 if conditional else 1)
    logits = np.asarray(d([images, one_hot] if conditional else images, training=False))
    assert logits.shape == (3, 1)
    # logits, not probabilities: the last layer has no sigmoid
    assert d.layers[-1].get_config().get("activation", "linear") == "linear"


@pytest.mark.parametrize("kind", ["mlp", "dcgan002", "dcgan003", "cgan", "wgan"])
def test_conditional_nets_use_the_label(kind):
    keras.utils.set_random_seed(0)
    g = GENERATORS[kind]((28, 28, 1), True)
    d = DISCRIMINATORS[kind]((28, 28, 1), True)
    noise = np.random.default_rng(1).standard_normal((2, 8)).astype("float32")
    noise[1] = noise[0]
    one_hot = np.eye(10, dtype="float32")[[2, 7]]
    images = np.asarray(g([noise, one_hot], training=False))
    assert not np.allclose(images[0], images[1])
    same = np.repeat(images[:1], 2, axis=0)
    logits = np.asarray(d([same, one_hot], training=False))
    assert not np.allclose(logits[0], logits[1])


def test_report_layouts():
    g = nets.dcgan_generator(variant="003")
    convs = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [c.filters for c in convs] == [128, 64, 32, 1]
    assert [c.kernel_size for c in convs] == [(7, 7), (5, 5), (5, 5), (5, 5)]
    assert [c.strides for c in convs] == [(1, 1), (2, 2), (1, 1), (2, 2)]
    d = nets.dcgan_discriminator(variant="003")
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [32, 64, 128, 1]
    assert [c.strides for c in convs] == [(2, 2), (2, 2), (1, 1), (1, 1)]
    assert any(isinstance(layer, keras.layers.Dropout) for layer in d.layers)
    g = nets.cgan_generator(filters=128)
    convs = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [c.filters for c in convs] == [128, 64, 1]
    assert [c.kernel_size for c in convs] == [(7, 7), (5, 5), (5, 5)]
    d = nets.cgan_discriminator(filters=64)
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [64, 128, 1]
    assert [c.kernel_size for c in convs] == [(5, 5), (5, 5), (7, 7)]
    g = nets.dcgan_generator(variant="002")
    assert g.get_layer("project_reshape").output.shape[1:] == (7, 7, 256)
    d = nets.mlp_discriminator()
    assert d.get_layer("hidden").units == 5000
    assert d.get_layer("hidden_dropout").rate == pytest.approx(0.3)
    critic = nets.wgan_critic(conditional=True)
    assert [layer.units for layer in critic.layers if isinstance(layer, keras.layers.Dense)] == [
        1024,
        512,
        256,
        1,
    ]
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in critic.layers)


def test_bad_arguments_raise_value_errors():
    with pytest.raises(ValueError, match="divisible by 4"):
        nets.dcgan_generator(image_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="1 or 3 channels"):
        nets.mlp_discriminator(image_shape=(28, 28, 2))
    with pytest.raises(ValueError, match="height, width, channels"):
        nets.wgan_critic(image_shape=(28, 28))
    with pytest.raises(ValueError, match="variant"):
        nets.dcgan_discriminator(variant="001")
    with pytest.raises(ValueError, match="latent_dim"):
        nets.mlp_generator(latent_dim=0)
    with pytest.raises(ValueError, match="num_classes"):
        nets.cgan_generator(num_classes=1)
    with pytest.raises(ValueError, match="units"):
        nets.wgan_generator(units=())
    with pytest.raises(ValueError, match="filters"):
        nets.cgan_discriminator(filters=0)


def test_report_003_table_1_variants_are_builder_arguments():
    from gankit.nets.dcgan import TABLE_1_CGAN

    def convs(model, kind):
        return [layer for layer in model.layers if type(layer) is kind]

    built = {row: (nets.cgan_generator(**g), nets.cgan_discriminator(**d))
             for row, (g, d) in TABLE_1_CGAN.items()}
    base_g, base_d = built["Base"]
    # extra layer: 3 hidden layers in both nets
    g, d = built["Base + OSLS + Extra layer"]
    up = keras.layers.Conv2DTranspose
    assert len(convs(g, up)) == 4 == len(convs(base_g, up)) + 1
    assert [c.strides for c in convs(g, keras.layers.Conv2DTranspose)] == [(1, 1), (2, 2), (1, 1), (2, 2)]
    assert len(convs(d, keras.layers.Conv2D)) == 4 == len(convs(base_d, keras.layers.Conv2D)) + 1
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in g.layers) == 3
    # 4x4 kernels in place of the 5x5 ones
    g, d = built["Base + filter size of 4x4 + OSLS"]
    assert [c.kernel_size for c in convs(g, keras.layers.Conv2DTranspose)] == [(7, 7), (4, 4), (4, 4)]
    assert [c.kernel_size for c in convs(d, keras.layers.Conv2D)] == [(4, 4), (4, 4), (7, 7)]
    # dropout layer (0.3) with twice the filters
    g, d = built["Base + 2*num_filters + Dropout layer + OSLS"]
    assert [layer.rate for layer in d.layers if isinstance(layer, keras.layers.Dropout)] == [0.3]
    assert [c.filters for c in convs(d, keras.layers.Conv2D)] == [64, 128, 1]
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in base_d.layers)
    # half the filters
    g, d = built["Base + num_filters/2"]
    assert [c.filters for c in convs(g, keras.layers.Conv2DTranspose)] == [32, 16, 1]
    assert [c.filters for c in convs(d, keras.layers.Conv2D)] == [16, 32, 1]
    for g, d in built.values():  # every row still maps 28x28 digits to one logit
        assert g.output_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)


def test_dcgan_002_discriminator_honours_dropout():
    def rates(model):
        return [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]

    assert rates(nets.dcgan_discriminator(variant="002")) == []  # report 002 has none
    assert rates(nets.dcgan_discriminator(variant="002", dropout=0.4)) == [pytest.approx(0.4)]
    assert rates(nets.dcgan_discriminator(variant="003")) == [pytest.approx(0.3)]  # report 003
    assert rates(nets.dcgan_discriminator(variant="003", dropout=0.0)) == []
    assert nets.dcgan_discriminator(variant="002", dropout=0.4).count_params() == 138_945
    for bad in (1.0, -0.1, "0.3"):
        with pytest.raises(ValueError, match="dropout"):
            nets.dcgan_discriminator(variant="002", dropout=bad)
    with pytest.raises(ValueError, match="kernel_size"):
        nets.cgan_generator(kernel_size=0)
