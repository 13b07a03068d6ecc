"""Retraining study: cell composition, strategies, CSV resume, plot."""

import csv

import numpy as np
import pytest

from gankit import studies
from gankit.data import load_arrays

VALIDATION = 100  # tiny stand-in for report 003's 5k validation images


@pytest.fixture(scope="module")
def tiny():
    x, y = load_arrays("mnist", "train")
    xt, yt = load_arrays("mnist", "test")
    real = (x[:400], y[:400])
    # "synthetic" digits: other real digits, slightly noisy, so both parts are learnable
    rng = np.random.default_rng(0)
    noisy = np.clip(x[400:800].astype(np.int16) + rng.integers(-30, 30, x[400:800].shape), 0, 255)
    synthetic = (noisy.astype(np.uint8), y[400:800])
    return synthetic, real, (xt[:300], yt[:300])


class _Counter:
    def __init__(self, fail_after=None):
        self.calls = 0
        self.fail_after = fail_after

    def wrap(self, fn):
        def counted(*args, **kwargs):
            if self.fail_after is not None and self.calls >= self.fail_after:
                raise KeyboardInterrupt("simulated interruption")
            self.calls += 1
            return fn(*args, **kwargs)

        return counted


def test_phases_follow_the_strategies():
    syn = (np.zeros((6, 2)), np.zeros(6))
    real = (np.ones((4, 2)), np.ones(4))
    assert [(len(x), n) for x, _, n in studies._phases("mixed", 4, syn, real)] == [(10, 4)]
    assert [(x[0, 0], n) for x, _, n in studies._phases("synthetic_then_real", 4, syn, real)] == \
        [(0, 2), (1, 2)]
    alt = studies._phases("alternating", 4, syn, real)
    assert [x[0, 0] for x, _, _ in alt] == [0, 1, 0, 1] and all(n == 1 for *_, n in alt)
    empty = (real[0][:0], real[1][:0])
    # with no real part, only the synthetic half of the epochs runs (report 003's 0 % cells)
    assert [n for *_, n in studies._phases("synthetic_then_real", 4, syn, empty)] == [2]
    assert len(studies._phases("alternating", 4, syn, empty)) == 2


def test_real_subset_is_class_balanced():
    y = np.repeat(np.arange(10), 20)
    x = np.arange(200)[:, None]
    _, sub = studies._balanced_subset(x, y, 10, 10, seed=0)
    np.testing.assert_array_equal(np.sort(sub), np.arange(10))
    _, sub = studies._balanced_subset(x, y, 55, 10, seed=0)
    assert np.bincount(sub, minlength=10).min() == 5


def test_study_writes_csv_and_resumes_after_interruption(tiny, tmp_path, monkeypatch):
    synthetic, real, test = tiny
    csv_path = tmp_path / "study.csv"
    kwargs = dict(total=200, fractions=(0.0, 0.05, 1.0), epochs=2, csv_path=csv_path, seed=0,
                  batch_size=16, verbose=0, validation=VALIDATION)
    real_train = studies.train_classifier
    interrupted = _Counter(fail_after=3)  # mixed needs 1 call per cell, the others 1-2
    monkeypatch.setattr(studies, "train_classifier", interrupted.wrap(real_train))
    with pytest.raises(KeyboardInterrupt):
        studies.retraining_study(synthetic, real, test, **kwargs)
    finished = studies.read_study(csv_path)
    assert [r["strategy"] for r in finished] == ["mixed"] * 3
    assert [r["n_real"] for r in finished] == [0, 10, 200]

    resumed = _Counter()
    monkeypatch.setattr(studies, "train_classifier", resumed.wrap(real_train))
    rows = studies.retraining_study(synthetic, real, test, **kwargs)
    # synthetic_then_real: 1 + 2 + 1 calls; alternating (2 epochs): 1 + 2 + 1 calls
    assert resumed.calls == 8
    assert len(rows) == 9 and len(studies.read_study(csv_path)) == 9
    assert rows[:3] == finished  # finished cells are read back, not recomputed
    assert all(0.0 <= r["accuracy"] <= 1.0 for r in rows)
    assert max(r["accuracy"] for r in rows) > 0.5  # a LeNet learns something from 200 digits

    again = _Counter()
    monkeypatch.setattr(studies, "train_classifier", again.wrap(real_train))
    assert studies.retraining_study(synthetic, real, test, **kwargs) == rows
    assert again.calls == 0

    with pytest.raises(ValueError, match="another csv_path"):
        studies.retraining_study(synthetic, real, test, **{**kwargs, "epochs": 3})

    png = studies.plot_study(csv_path, tmp_path / "study.png")
    assert png.stat().st_size > 1000


def test_truncated_last_row_is_recomputed(tiny, tmp_path):
    synthetic, real, test = tiny
    csv_path = tmp_path / "cut.csv"
    kwargs = dict(total=100, fractions=(0.5,), strategies="mixed", epochs=1, csv_path=csv_path,
                  verbose=0, validation=VALIDATION)
    studies.retraining_study(synthetic, real, test, **kwargs)
    text = csv_path.read_text()
    csv_path.write_text(text[: text.rindex(",")])  # cut inside the last row
    rows = studies.retraining_study(synthetic, real, test, **kwargs)
    assert len(rows) == 1
    with open(csv_path, newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 2  # the cut row stays, unparsable and skipped
    assert len(studies.read_study(csv_path)) == 1


def test_generator_model_is_sampled_class_balanced(tiny):
    _, real, test = tiny
    seen = {}

    class FakeCGAN:
        def generate(self, labels, seed=None):
            seen["labels"] = np.asarray(labels)
            seen["seed"] = seed
            x = np.full((len(labels), 28, 28, 1), -1.0, np.float32)
            for i, c in enumerate(labels):
                x[i, 2 * c : 2 * c + 6, 4:24] = 1.0
            return x

    rows = studies.retraining_study(FakeCGAN(), real, test, total=100, fractions=(0.0,),
                                    strategies=("mixed",), epochs=1, verbose=0,
                                    validation=VALIDATION)
    assert np.bincount(seen["labels"], minlength=10).tolist() == [10] * 10
    assert seen["seed"] == 0 and rows[0]["n_synthetic"] == 100


def test_bad_arguments_are_value_errors(tiny):
    synthetic, real, test = tiny
    with pytest.raises(ValueError, match="strategies"):
        studies.retraining_study(synthetic, real, test, strategies=("bogus",), total=10)
    with pytest.raises(ValueError, match="fractions"):
        studies.retraining_study(synthetic, real, test, fractions=(1.5,), total=10)
    with pytest.raises(ValueError, match="synthetic images"):
        studies.retraining_study(synthetic, real, test, fractions=(0.0,), total=1000, epochs=1,
                                 verbose=0, validation=VALIDATION)
    with pytest.raises(ValueError, match=r"\(images, labels\)"):
        studies.retraining_study(object(), real, test, fractions=(0.0,), total=10, verbose=0,
                                 validation=VALIDATION)
    with pytest.raises(ValueError, match="validation"):
        studies.retraining_study(synthetic, real, test, fractions=(0.0,), total=10, verbose=0)
    with pytest.raises(ValueError, match="besides the 100 held out"):
        studies.retraining_study(synthetic, real, test, fractions=(1.0,), total=350, verbose=0,
                                 validation=VALIDATION)


class _Spy:
    """Wraps train_classifier, recording each phase's training images and validation data."""

    def __init__(self, fn):
        self.fn = fn
        self.phases = []

    def __call__(self, images, labels, *args, validation_data=None, **kwargs):
        self.phases.append((np.asarray(images), validation_data))
        return self.fn(images, labels, *args, validation_data=validation_data, **kwargs)


def _keys(images):
    return {image.tobytes() for image in np.asarray(images)}


def test_last_real_images_are_held_out_for_validation(tiny, monkeypatch):
    import inspect

    from gankit.classifier import REPORT_003_VALIDATION, prepare_images

    assert REPORT_003_VALIDATION == 5000  # report 003: 55k train / 5k validation
    assert inspect.signature(studies.retraining_study).parameters["validation"].default == 5000
    synthetic, real, test = tiny
    spy = _Spy(studies.train_classifier)
    monkeypatch.setattr(studies, "train_classifier", spy)
    rows = studies.retraining_study(synthetic, real, test, total=300, fractions=(1.0, 0.5),
                                    strategies=("mixed", "synthetic_then_real"), epochs=2,
                                    verbose=0, validation=VALIDATION)
    held_out = _keys(prepare_images(real[0][-VALIDATION:]))
    for images, validation_data in spy.phases:
        assert _keys(validation_data[0]) == held_out
        np.testing.assert_array_equal(validation_data[1], real[1][-VALIDATION:])
        assert not _keys(images) & held_out  # no LeNet trains on a validation image
    # one validation score per epoch run (synthetic_then_real at 100 % real runs only the
    # real half of the epochs, as in the report)
    assert [len(row["val_curve"]) for row in rows] == [2, 2, 1, 2]
    for row in rows:
        assert row["validation"] == VALIDATION
        assert row["val_accuracy"] == row["val_curve"][-1] and 0 <= row["val_accuracy"] <= 1


def test_real_plus_synthetic_run_trains_on_both_sets_whole(tiny, monkeypatch, tmp_path):
    synthetic, real, test = tiny
    spy = _Spy(studies.train_classifier)
    monkeypatch.setattr(studies, "train_classifier", spy)
    csv_path = tmp_path / "study.csv"
    kwargs = dict(total=150, fractions=(0.0,), strategies=("mixed",), epochs=1, verbose=0,
                  validation=VALIDATION, real_plus_synthetic=True, csv_path=csv_path)
    rows = studies.retraining_study(synthetic, real, test, **kwargs)
    combined = rows[-1]
    assert combined["strategy"] == studies.REAL_PLUS_SYNTHETIC == "real_plus_synthetic"
    assert (combined["n_real"], combined["n_synthetic"], combined["fraction"]) == (150, 150, 0.5)
    images, _ = spy.phases[-1]
    assert len(images) == 300  # report 003: 55k real + 55k synthetic = 110k
    from gankit.classifier import prepare_images

    assert len(_keys(images) & _keys(prepare_images(real[0]))) == 150
    assert studies.read_study(csv_path) == rows  # saved, read back, and resumable
    assert studies.retraining_study(synthetic, real, test, **kwargs) == rows
    assert len(spy.phases) == 2
    assert studies.plot_study(csv_path, tmp_path / "study.png").stat().st_size > 1000


class _StripeCGAN:
    """A fake conditional generator: a stripe at the label's rows, of brightness `level`."""

    num_classes = 10

    def __init__(self, level):
        self.level, self.calls = level, []

    def generate(self, labels, seed=None, batch_size=500):
        labels = np.asarray(labels)
        self.calls.append((labels.copy(), seed))
        noise = np.random.default_rng(seed).uniform(0, 0.01, (len(labels), 28, 28, 1))
        x = np.full((len(labels), 28, 28, 1), -1.0, np.float32) + noise.astype(np.float32)
        for i, c in enumerate(labels):
            x[i, 2 * c : 2 * c + 6, 4:24] = self.level
        return x


def test_generator_mixture_draws_equal_shares_in_order_with_seeds():
    a, b, c = _StripeCGAN(1.0), _StripeCGAN(0.5), _StripeCGAN(0.0)
    mixture = studies.GeneratorMixture([a, b, c])
    labels = np.random.default_rng(1).permutation(np.arange(10) % 10)
    images = mixture.generate(labels, seed=7)
    assert images.shape == (10, 28, 28, 1) and images.dtype == np.float32
    # shares of 4, 3, 3 labels in order, generator i seeded with seed + i
    assert [len(call[0]) for call in a.calls + b.calls + c.calls] == [4, 3, 3]
    assert [a.calls[0][1], b.calls[0][1], c.calls[0][1]] == [7, 8, 9]
    stripes = [images[i, 2 * k + 2, 10, 0] for i, k in enumerate(labels)]
    np.testing.assert_allclose(stripes, [1.0] * 4 + [0.5] * 3 + [0.0] * 3)
    np.testing.assert_array_equal(mixture.generate(labels, seed=7), images)
    assert not np.array_equal(mixture.generate(labels, seed=8), images)
    assert mixture.num_classes == 10


def test_generator_mixture_feeds_the_study_and_rejects_bad_generators(tiny):
    _, real, test = tiny
    a, b = _StripeCGAN(1.0), _StripeCGAN(0.6)
    rows = studies.retraining_study(studies.GeneratorMixture([a, b]), real, test, total=100,
                                    fractions=(0.0,), strategies=("mixed",), epochs=1,
                                    verbose=0, validation=VALIDATION)
    assert rows[0]["n_synthetic"] == 100 and 0.0 <= rows[0]["accuracy"] <= 1.0
    drawn = np.concatenate([a.calls[0][0], b.calls[0][0]])
    assert len(a.calls[0][0]) == len(b.calls[0][0]) == 50
    assert np.bincount(drawn, minlength=10).tolist() == [10] * 10
    with pytest.raises(ValueError, match="at least one"):
        studies.GeneratorMixture([])
    with pytest.raises(ValueError, match="generate"):
        studies.GeneratorMixture([a, object()])
    other = _StripeCGAN(1.0)
    other.num_classes = 5
    with pytest.raises(ValueError, match="one number of classes"):
        studies.GeneratorMixture([a, other])


def test_csv_records_the_lenet_recipe_and_refuses_another(tiny, tmp_path):
    path = tmp_path / "study.csv"
    kwargs = {"total": 200, "fractions": (0.0,), "strategies": ("mixed",), "epochs": 1,
              "csv_path": path, "validation": VALIDATION, "verbose": 0}
    first = studies.retraining_study(*tiny, augment="handwriting", cosine_decay=True, **kwargs)
    assert first[0]["recipe"] == "augment=handwriting,cosine_decay"
    with open(path) as f:
        assert [r["recipe"] for r in csv.DictReader(f)] == ["augment=handwriting,cosine_decay"]
    again = studies.retraining_study(*tiny, augment="handwriting", cosine_decay=True, **kwargs)
    assert again[0]["accuracy"] == first[0]["accuracy"]  # read back
    for other in ({}, {"augment": "handwriting"}, {"augment": True, "cosine_decay": True}):
        with pytest.raises(ValueError, match="recipe 'augment=handwriting,cosine_decay', not"):
            studies.retraining_study(*tiny, **other, **kwargs)


def test_a_csv_from_before_the_recipe_column_resumes_and_keeps_its_header(tiny, tmp_path):
    path = tmp_path / "old.csv"
    kwargs = {"total": 200, "fractions": (0.0, 1.0), "strategies": ("mixed",), "epochs": 1,
              "csv_path": path, "validation": VALIDATION, "verbose": 0}
    studies.retraining_study(*tiny, **{**kwargs, "fractions": (0.0,)})
    with open(path) as f:  # rewrite it as an older gankit wrote it: no recipe column
        rows = list(csv.DictReader(f))
    old_fields = [k for k in studies.CSV_FIELDS if k != "recipe"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=old_fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    resumed = studies.retraining_study(*tiny, **kwargs)
    assert [r["recipe"] for r in resumed] == ["plain", "plain"]
    assert resumed[0]["accuracy"] == float(rows[0]["accuracy"])  # the old cell, read back
    with open(path) as f:
        lines = list(csv.DictReader(f))
    assert list(lines[0]) == old_fields and len(lines) == 2  # appended under the old header


def test_recipe_labels():
    assert studies.recipe_label() == "plain"
    assert studies.recipe_label(filtered=True) == "filtered"
    assert studies.recipe_label("handwriting", True, True) == "augment=handwriting,cosine_decay,filtered"
    assert (studies.recipe_label("handwriting", True, True, 2.0)
            == "augment=handwriting,cosine_decay,filtered,noise_scale=2")
    assert studies.recipe_label(filtered=True, noise_scale=1.5) == "filtered,noise_scale=1.5"
    assert studies.recipe_label(True) == "augment=light"
    assert studies.recipe_label(None, cosine_decay=True) == "cosine_decay"
    assert studies.recipe_label({"zoom": 0.1, "rotation": 5}) == "augment={rotation:5;zoom:0.1}"


class _RealDigitCGAN:
    """Draws real MNIST digits of the asked class, or of the next class with probability `wrong`."""

    num_classes = 10

    def __init__(self, x, y, wrong=0.3, always_wrong=()):
        self.x = np.asarray(x, np.float32).reshape(len(x), 28, 28, 1) / 127.5 - 1.0
        self.by_class = [np.flatnonzero(y == c) for c in range(10)]
        self.wrong, self.always_wrong = wrong, set(always_wrong)
        self.calls = 0

    def generate(self, labels, seed=None, batch_size=500, noise_scale=1.0):
        """`noise_scale` multiplies the chance of a wrong class, as wider noise would."""
        self.calls += 1
        rng = np.random.default_rng(seed)
        wrong = min(1.0, self.wrong * noise_scale)
        shown = [(c + 1) % 10 if c in self.always_wrong or rng.random() < wrong else c
                 for c in np.asarray(labels)]
        return self.x[[rng.choice(self.by_class[c]) for c in shown]]


class _NoScaleCGAN(_RealDigitCGAN):
    """A generator whose generate() predates noise_scale."""

    def generate(self, labels, seed=None, batch_size=500):
        return super().generate(labels, seed, batch_size)


def test_filtered_generator_keeps_only_digits_the_lenet_recognises():
    from gankit import classifier as clf

    x, y = load_arrays("mnist", "test")
    source = _RealDigitCGAN(x[:2000], y[:2000], wrong=0.3)
    labels = np.random.default_rng(0).permutation(np.arange(200) % 10)
    raw = source.generate(labels, seed=3)
    lenet = clf.load_pretrained("mnist")
    raw_ok = clf.predict_proba(raw, lenet).argmax(1) == labels
    assert raw_ok.mean() < 0.85  # the source mislabels about 30 %

    clean = studies.FilteredGenerator(source)
    images = clean.generate(labels, seed=3)
    assert images.shape == (200, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(clf.predict_proba(images, lenet).argmax(1), labels)
    # the first round's recognised images are kept in place, the rest redrawn
    np.testing.assert_array_equal(images[raw_ok], raw[raw_ok])
    assert source.calls >= 3 and clean.drawn > clean.kept == 200
    np.testing.assert_array_equal(clean.generate(labels, seed=3), images)
    assert not np.array_equal(clean.generate(labels, seed=4), images)
    np.testing.assert_array_equal(clean.generate(np.eye(10)[labels], seed=3), images)  # one-hot

    confident = studies.FilteredGenerator(source, min_confidence=0.99)
    probs = clf.predict_proba(confident.generate(labels, seed=3), lenet)
    assert (probs[np.arange(200), labels] >= 0.99).all()


def test_filtered_generator_feeds_the_study_and_explains_failures(tiny):
    _, real, test = tiny
    x, y = load_arrays("mnist", "test")
    source = _RealDigitCGAN(x[:2000], y[:2000], wrong=0.2)
    rows = studies.retraining_study(studies.FilteredGenerator(source), real, test, total=100,
                                    fractions=(0.0,), strategies=("mixed",), epochs=1,
                                    verbose=0, validation=VALIDATION)
    assert rows[0]["n_synthetic"] == 100 and 0.0 <= rows[0]["accuracy"] <= 1.0
    stuck = studies.FilteredGenerator(_RealDigitCGAN(x[:2000], y[:2000], 0.0, always_wrong={3}),
                                      max_rounds=4)
    with pytest.raises(ValueError, match=r"classes \[3\] were still not recognised after 4"):
        stuck.generate(np.arange(20) % 10, seed=0)
    with pytest.raises(ValueError, match=r"generate\(labels"):
        studies.FilteredGenerator(object())
    unconditional = _StripeCGAN(1.0)
    unconditional.num_classes = None
    with pytest.raises(ValueError, match="conditional generator"):
        studies.FilteredGenerator(unconditional)
    with pytest.raises(ValueError, match="min_confidence"):
        studies.FilteredGenerator(source, min_confidence=1.5)
    with pytest.raises(ValueError, match=r"Labels must be in \[0, 10\)"):
        studies.FilteredGenerator(source).generate([0, 10])


def test_filtered_generator_noise_scale_reaches_the_generator_and_the_csv(tiny, tmp_path):
    from gankit import classifier as clf

    _, real, test = tiny
    x, y = load_arrays("mnist", "test")
    labels = np.arange(200) % 10
    narrow = studies.FilteredGenerator(_RealDigitCGAN(x[:2000], y[:2000], wrong=0.1))
    wide = studies.FilteredGenerator(_RealDigitCGAN(x[:2000], y[:2000], wrong=0.1),
                                     noise_scale=3.0)
    narrow.generate(labels, seed=0)
    images = wide.generate(labels, seed=0)
    np.testing.assert_array_equal(
        clf.predict_proba(images, clf.load_pretrained("mnist")).argmax(1), labels)
    assert wide.kept == narrow.kept == 200 and wide.drawn > narrow.drawn + 20  # 30 % vs 10 % wrong
    mixture = studies.GeneratorMixture([_RealDigitCGAN(x[:2000], y[:2000], wrong=0.1)] * 2)
    studies.FilteredGenerator(mixture, noise_scale=3.0).generate(labels, seed=0)  # passed through

    csv_path = tmp_path / "study.csv"
    kwargs = dict(total=100, fractions=(0.0,), strategies=("mixed",), epochs=1, verbose=0,
                  validation=VALIDATION, csv_path=csv_path)
    rows = studies.retraining_study(wide, real, test, **kwargs)
    assert rows[0]["recipe"] == "filtered,noise_scale=3"
    assert csv_path.read_text().strip().endswith('"filtered,noise_scale=3"')
    with pytest.raises(ValueError, match="'filtered,noise_scale=3', not 'filtered'"):
        studies.retraining_study(narrow, real, test, **kwargs)  # never resumes into σ=1 cells
    for bad in (0.0, -2, "2", float("inf")):
        with pytest.raises(ValueError, match="noise_scale must be a positive number"):
            studies.FilteredGenerator(narrow.generator, noise_scale=bad)
    old = _NoScaleCGAN(x[:200], y[:200])
    studies.FilteredGenerator(old).generate(labels[:10], seed=0)  # works at the default
    with pytest.raises(ValueError, match="takes noise_scale; _NoScaleCGAN's does not"):
        studies.FilteredGenerator(old, noise_scale=2.0)
    with pytest.raises(ValueError, match="_NoScaleCGAN's does not"):
        studies.FilteredGenerator(studies.GeneratorMixture([narrow.generator, old]),
                                  noise_scale=2.0)
    with pytest.raises(ValueError, match="_NoScaleCGAN's does not"):
        studies.GeneratorMixture([narrow.generator, old]).generate(labels, noise_scale=2.0)
    with pytest.raises(ValueError, match="noise_scale must be a positive number"):
        mixture.generate(labels, noise_scale=0)
