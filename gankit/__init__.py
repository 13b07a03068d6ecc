"""gankit: GANs for teaching and study, as Keras 3 models trained with `fit`.

The public API is re-exported here and imported lazily, so `import gankit` is
fast and the command line starts without loading TensorFlow until it needs it.

Example:

```python
import keras
import gankit

ds = gankit.data.load("mnist", batch_size=128, one_hot=True)
cgan = gankit.ConditionalGAN(
    gankit.nets.dcgan_generator(conditional=True),
    gankit.nets.dcgan_discriminator(conditional=True),
    latent_dim=100, num_classes=10)
cgan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
             g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
cgan.fit(ds, epochs=5)
```
"""

import importlib
import os

# gankit's models use TensorFlow gradient tapes; pin the Keras backend before keras loads.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__version__ = "0.1.0"

# Public name -> module that defines it. Submodules are listed with themselves.
_EXPORTS = {
    # subpackages / modules
    "data": "gankit.data",
    "images": "gankit.images",
    "losses": "gankit.losses",
    "nets": "gankit.nets",
    "models": "gankit.models",
    "callbacks": "gankit.callbacks",
    "classifier": "gankit.classifier",
    "metrics": "gankit.metrics",
    "studies": "gankit.studies",
    "grading": "gankit.grading",
    "presets": "gankit.presets",
    "schedules": "gankit.schedules",
    "training": "gankit.training",
    "labs": "gankit.labs",
    "machine": "gankit.machine",
    # models
    "GAN": "gankit.models",
    "ConditionalGAN": "gankit.models",
    "WGANGP": "gankit.models",
    "SelfConditionedGAN": "gankit.models",
    "CycleGAN": "gankit.models",
    # callbacks
    "SampleGrid": "gankit.callbacks",
    "ProgressGif": "gankit.callbacks",
    "LossCurve": "gankit.callbacks",
    "GANCheckpoint": "gankit.callbacks",
    "GANTensorBoard": "gankit.callbacks",
    "HistoricalReplay": "gankit.callbacks",
    "LinearDecay": "gankit.callbacks",
    "DivergenceGuard": "gankit.callbacks",
    "TrainingDivergedError": "gankit.callbacks",
    "TrainingAlarms": "gankit.callbacks",
    # evaluation
    "lenet": "gankit.classifier",
    "load_pretrained": "gankit.classifier",
    "inception_score": "gankit.metrics",
    "frechet_distance": "gankit.metrics",
    "frechet_inception_distance": "gankit.metrics",
    "conditional_accuracy": "gankit.metrics",
    "class_coverage": "gankit.metrics",
    "retraining_study": "gankit.studies",
    "GeneratorMixture": "gankit.studies",
    "FilteredGenerator": "gankit.studies",
    # grading
    "save_grid": "gankit.grading",
    "read_grid": "gankit.grading",
    "check_grid": "gankit.grading",
    "grade_folder": "gankit.grading",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'gankit' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"gankit.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
