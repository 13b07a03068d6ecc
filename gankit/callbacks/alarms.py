"""`TrainingAlarms`: one clear warning when the discriminator saturates or the classes collapse.

The two failures report 003 describes: the over-confident discriminator (its loss goes to zero,
`D(x) -> 1` on real images and `D(G(z)) -> 0` on generated ones, and the generator's loss grows
while its images turn to blur), and mode collapse (only some digits are ever produced).
"""

import warnings

import keras
import numpy as np

from gankit.callbacks.guard import global_step
from gankit.callbacks.samples import fixed_noise, generate_from_noise, latent_dim_of


class TrainingAlarmWarning(UserWarning):
    """The category of the warnings `TrainingAlarms` issues (filter it like any warning)."""


def saturation_message(real_score, fake_score, margin=0.05, label_smoothing=0.0):
    """The saturation alarm's text for probability scores, or None when D is not saturated.

    The discriminator counts as saturated (over-confident) when its mean probability on
    generated images is below `margin` while its mean probability on real ones is above
    `1 - margin - label_smoothing` (the real target is `1 - label_smoothing`).

    Args:
        real_score: D's mean sigmoid output on real images (the `real_score` log).
        fake_score: D's mean sigmoid output on generated images (the `fake_score` log).
        margin: how close to 0 and 1 the scores must be.
        label_smoothing: the model's one-sided label smoothing.

    Returns:
        A one-line message, or None.
    """
    if fake_score < margin and real_score > 1.0 - margin - label_smoothing:
        return (f"the discriminator is over-confident: D(x) = {real_score:.3f} on real images "
                f"and D(G(z)) = {fake_score:.3f} on generated ones, so its loss is near zero "
                "and the generator learns little (report 003). Try a smaller discriminator "
                "learning rate, label smoothing (compile(label_smoothing=0.1)), dropout in D, "
                "or restart from an earlier checkpoint.")
    return None


class TrainingAlarms(keras.callbacks.Callback):
    """Warns once, in plain words, when the discriminator saturates or the generated classes collapse.

    Checked at the end of every epoch:

    * **Saturation** (losses with probability scores only, `"bce"` and `"minimax"`, where
      `real_score`/`fake_score` are D's mean sigmoid outputs): the epoch's mean
      `fake_score` is below `margin` and its mean `real_score` above
      `1 - margin - label_smoothing` (defaults: D(G(z)) < 0.05 and D(x) > 0.95). For the
      `"lsgan"`, `"hinge"` and `"wasserstein"` losses the scores are raw outputs with no fixed
      scale, and for `CycleGAN` there are none: this check is then off.
    * **Class collapse** (when a `classifier` is given): `n` images from a fixed noise batch
      (balanced labels for conditional models) are classified, and the alarm fires when fewer
      than `min_classes` classes get at least 1% of them (`gankit.metrics.class_coverage`).
      It is not judged during the first `warmup_steps` training steps, when any generator
      still draws blobs that a classifier puts into one or two classes.

    Each alarm is issued once per `fit` (as a `TrainingAlarmWarning`, or through `report`).
    Every epoch, the logs (hence `fit`'s `History` and callbacks placed after this one) get
    `alarm_saturation` and/or `alarm_collapse` (1.0 when the condition held that epoch, else
    0.0) and `classes_covered`. The alarms raised are kept in `alarms` as dicts
    `{"epoch", "kind", "message"}`.

    Args:
        classifier: a `keras.Model` returning class probabilities for images in [-1, 1], or a
            pretrained name (`"mnist"`, `"fashion_mnist"`, `"colored_mnist"`, see
            `gankit.load_pretrained`); None turns the collapse check off.
        n: number of fixed-noise images classified per epoch.
        seed: seed of the fixed noise.
        min_classes: the collapse alarm fires below this many covered classes (None: half the
            classifier's classes, 5 of 10).
        warmup_steps: training steps (generator updates) before collapse is judged.
        margin: saturation threshold (see above).
        report: called with each alarm's one-line message instead of `warnings.warn`
            (the command line prints it).

    Example:

    ```python
    alarms = gankit.callbacks.TrainingAlarms(classifier="mnist")
    history = gan.fit(ds, epochs=10, callbacks=[alarms])
    print(alarms.alarms, history.history["classes_covered"])
    ```
    """

    def __init__(self, classifier=None, n=200, seed=0, min_classes=None, warmup_steps=300,
                 margin=0.05, report=None):
        super().__init__()
        if isinstance(n, bool) or not isinstance(n, int) or n < 10:
            raise ValueError(f"`n` must be an integer >= 10, got {n!r}.")
        if not 0.0 < float(margin) < 0.5:
            raise ValueError(f"`margin` must be in (0, 0.5), got {margin!r}.")
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(f"`warmup_steps` must be an integer >= 0, got {warmup_steps!r}.")
        self.classifier = classifier
        self.n, self.seed, self.min_classes = n, int(seed), min_classes
        self.warmup_steps, self.margin = warmup_steps, float(margin)
        self.report = report
        self.alarms = []
        self._raised = set()
        self._noise = None
        self._labels = None

    # ------------------------------------------------------------------ set-up
    def _resolve_classifier(self):
        if isinstance(self.classifier, str):
            from gankit.classifier import load_pretrained

            self.classifier = load_pretrained(self.classifier)
        return self.classifier

    def on_train_begin(self, logs=None):
        self._raised = set()
        classifier = self._resolve_classifier()
        if classifier is None:
            return
        generator = getattr(self.model, "generator", None)
        made = tuple(getattr(generator, "output_shape", ())[1:])
        expected = tuple(classifier.input_shape[1:])
        if made and made != expected:
            raise ValueError(
                f"TrainingAlarms: the classifier takes images of shape {expected} but the "
                f"generator makes {made}; pass the classifier of this dataset or classifier=None.")
        self._noise = fixed_noise(self.n, latent_dim_of(self.model), self.seed)
        num_classes = getattr(self.model, "num_classes", None)
        self._labels = None if not num_classes else np.arange(self.n) % int(num_classes)

    # ------------------------------------------------------------------ checks
    def _probability_scores(self):
        loss = getattr(self.model, "adversarial_loss", None)
        return bool(getattr(loss, "sigmoid_scores", False))

    def _check_saturation(self, logs):
        if not self._probability_scores() or "real_score" not in logs or "fake_score" not in logs:
            return None
        message = saturation_message(float(logs["real_score"]), float(logs["fake_score"]),
                                     self.margin, getattr(self.model, "label_smoothing", 0.0))
        logs["alarm_saturation"] = float(message is not None)
        return message

    def _check_collapse(self, logs):
        if self.classifier is None or self._noise is None:
            return None
        from gankit.metrics import class_coverage

        images = generate_from_noise(self.model, self._noise, self._labels)
        if not np.isfinite(images).all():
            return None  # a diverged model: DivergenceGuard's business
        num_classes = int(self.classifier.output_shape[-1])
        coverage = class_coverage(images, self.classifier, num_classes=num_classes)
        covered = int(coverage["covered"])
        logs["classes_covered"] = float(covered)
        step = global_step(self.model)
        if step is not None and step < self.warmup_steps:
            return None
        needed = self.min_classes if self.min_classes is not None else max(2, num_classes // 2)
        collapsed = covered < needed
        logs["alarm_collapse"] = float(collapsed)
        if not collapsed:
            return None
        shares = coverage["shares"]
        top = np.argsort(shares)[::-1][:3]
        seen = ", ".join(f"class {int(c)}: {shares[c]:.0%}" for c in top if shares[c] > 0)
        return (f"the generated classes collapsed: {self.n} samples from fixed noise cover "
                f"only {covered} of {num_classes} classes ({seen}); the generator makes only a "
                "few kinds of image (mode collapse, report 003). Try a lower learning rate, "
                "another loss (e.g. loss='hinge' or WGAN-GP), or restart from an earlier "
                "checkpoint.")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        for kind, message in (("saturation", self._check_saturation(logs)),
                              ("collapse", self._check_collapse(logs))):
            if message is None or kind in self._raised:
                continue
            self._raised.add(kind)
            line = f"Training alarm at epoch {epoch + 1}: {message}"
            self.alarms.append({"epoch": epoch + 1, "kind": kind, "message": line})
            if self.report is not None:
                self.report(line)
            else:
                warnings.warn(line, TrainingAlarmWarning, stacklevel=2)
