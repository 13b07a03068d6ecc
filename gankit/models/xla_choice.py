"""`jit_compile="auto"`: XLA for the training step when it is faster on this machine, measured.

XLA's effect depends on the machine: with `benchmarks/train_throughput.py`, the DCGAN step with
XLA was 1.28x as fast as without on one 2-core CPU (AVX2) and 0.78x as fast on another
(AVX-512). So gankit's presets compile with `jit_compile="auto"`: on the first `fit`, a few
training steps are timed with and without XLA on synthetic batches shaped like the data, and
the faster setting is kept. The choice is remembered in `$GANKIT_CACHE_DIR/xla_choice.json`
(default `~/.cache/gankit`), keyed by a fingerprint of the model (its class, layers, weight
shapes, loss, batch shapes and `steps_per_execution`) and of the machine (CPU model and vector
flags, usable cores, GPU names, TensorFlow and Keras versions), so later runs of the same model
on the same machine skip the timing.

The timing leaves no trace in the training: it runs on the model itself (the traced step of
the chosen setting is then reused by `fit`), but every weight, optimizer variable (moments,
step counts), random-generator state and metric is restored afterwards and the training data
is never read, so a run with `"auto"` ends bit for bit where a run with the chosen setting ends.
`jit_compile=True` or `False` skip all of this; the environment variable `GANKIT_JIT=1` or `0`
makes `"auto"` choose without timing.

Example:

```python
gan.compile(d_optimizer=..., g_optimizer=..., jit_compile="auto")
gan.fit(ds, epochs=5)  # XLA on (jit_compile=True): 8.1 ms/step with XLA, 10.4 ms/step without ...
gan.jit_compile  # the choice
```
"""

import dataclasses
import hashlib
import json
import os
import platform
import time
import warnings

import keras
import numpy as np

from gankit.files import atomic_write_json
from gankit.machine import cpu_info, usable_cores

__all__ = ["XLAChoice", "choose_jit_compile"]

CACHE_FILE = "xla_choice.json"
TIMED_CALLS = 3
"""Training calls timed per setting, after one untimed call that traces (and compiles) it."""
MIN_TIMED_CALLS = 2
TIME_BUDGET_SECONDS = 2.0
"""Timing of a setting stops early once its timed calls took this long (at least two calls)."""
ENVIRONMENT = "GANKIT_JIT"

_CPU_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
              "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "asimd",
              "sve")

# test hook: the clock the timing reads (tests replace it to force an outcome)
clock = time.perf_counter


@dataclasses.dataclass
class XLAChoice:
    """The outcome of `jit_compile="auto"`.

    Attributes:
        jit_compile: the chosen setting.
        reason: `"measured"`, `"cache"` (measured earlier on this machine), `"environment"`
            (`GANKIT_JIT`), `"run_eagerly"`, `"unsupported"` (a layer cannot be compiled) or
            `"input"` (data whose batches cannot be imitated; Keras' own `"auto"` then).
        xla_seconds: seconds per training step with XLA (None when not measured).
        plain_seconds: seconds per training step without XLA (None when not measured).
        cache: the cache file read or written (None when not used).
        seconds_spent: how long the timing took (tracing and compiling both settings
            included; 0 when not measured now).
    """

    jit_compile: bool
    reason: str
    xla_seconds: float = None
    plain_seconds: float = None
    cache: str = None
    seconds_spent: float = 0.0

    def describe(self):
        """One line saying what was chosen and why, e.g. for `gankit train`'s output."""
        setting = f"XLA {'on' if self.jit_compile else 'off'} (jit_compile={self.jit_compile})"
        if self.xla_seconds is not None:
            times = (f"{_ms(self.xla_seconds)} ms/step with XLA, "
                     f"{_ms(self.plain_seconds)} ms/step without")
            where = (f"measured now in {self.seconds_spent:.0f} s" if self.reason == "measured"
                     else "measured earlier on this machine")
            return f"{setting}: {times}, {where} (cache {self.cache})"
        why = {"environment": f"set by {ENVIRONMENT}={os.environ.get(ENVIRONMENT)}",
               "run_eagerly": "run_eagerly=True",
               "unsupported": "a layer of the model cannot be compiled with XLA",
               "input": "the data's batches could not be imitated for timing; Keras' default"}
        return f"{setting}: {why.get(self.reason, self.reason)}"


def _ms(seconds):
    ms = seconds * 1e3
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.3g}"


# ----------------------------------------------------------------------------- fingerprints
def _cpu_info():
    name, flags = cpu_info()
    return name, sorted(flags & set(_CPU_FLAGS))


def machine_fingerprint():
    """What the speed of XLA depends on besides the model.

    Returns:
        Dict: CPU model name and vector flags (from `/proc/cpuinfo`), usable cores, machine
        type, the GPU names, and the TensorFlow and Keras versions.
    """
    import tensorflow as tf

    name, flags = _cpu_info()
    cores = usable_cores()
    gpus = []
    for device in tf.config.list_physical_devices("GPU"):
        try:
            gpus.append(tf.config.experimental.get_device_details(device).get("device_name", "GPU"))
        except Exception:  # noqa: BLE001  (details are best effort)
            gpus.append(device.name)
    return {"cpu": name, "cpu_flags": flags, "cores": cores, "machine": platform.machine(),
            "gpus": gpus, "tensorflow": tf.__version__, "keras": keras.__version__}


def _spec(structure):
    """`[(shape, dtype)]` of a nested structure of `tf.TensorSpec`s."""
    import tensorflow as tf

    return [(list(s.shape.as_list()), s.dtype.name) for s in tf.nest.flatten(structure)]


def model_fingerprint(model, batch_spec):
    """What the speed of XLA depends on in the model and its batches (no layer names).

    Args:
        model: a compiled gankit model.
        batch_spec: the `tf.TensorSpec` structure of one training batch.

    Returns:
        Dict: model class, each network's layer classes, the weight shapes and dtypes, the
        parameter count, the loss, `steps_per_execution`, the dtype policy, the distribution
        strategy and the batch shapes; for a model with a mode-seeking term (a second
        generator pass per step), `"mode_seeking": True`.
    """
    nets = {}
    for attr in ("generator", "discriminator", "generator_ab", "generator_ba",
                 "discriminator_a", "discriminator_b"):
        net = getattr(model, attr, None)
        if isinstance(net, keras.Model):
            nets[attr] = [type(layer).__name__ for layer in net._flatten_layers()]
    loss = getattr(model, "adversarial_loss", None)
    signature = {
        "model": type(model).__name__,
        "nets": nets,
        "weights": [[list(w.shape), str(w.dtype)] for w in model.weights],
        "parameters": int(sum(int(np.prod(w.shape)) for w in model.weights)),
        "loss": None if loss is None else loss.get_config(),
        "steps_per_execution": int(model.steps_per_execution or 1),
        "dtype_policy": keras.config.dtype_policy().name,
        "strategy": type(model.distribute_strategy).__name__,
        "batch": _spec(batch_spec),
    }
    if getattr(model, "mode_seeking_weight", 0):  # keys of models without it stay as they were
        signature["mode_seeking"] = True
    return signature


def _key(*parts):
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# ----------------------------------------------------------------------------- cache
def cache_path():
    """The cache file of the choices: `$GANKIT_CACHE_DIR/xla_choice.json`."""
    from gankit.data.sources import cache_dir

    return cache_dir() / CACHE_FILE


def _read_cache(path):
    """`{key: entry}`; a missing, unreadable or malformed file reads as empty."""
    try:
        with open(path, encoding="utf-8") as f:
            content = json.load(f)
        choices = content["choices"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(choices, dict):
        return {}
    return {key: entry for key, entry in choices.items()
            if isinstance(entry, dict) and isinstance(entry.get("jit_compile"), bool)}


def _write_cache(path, key, entry):
    choices = _read_cache(path)
    choices[key] = entry
    try:
        atomic_write_json(path, {"version": 1, "choices": choices}, sort_keys=True)
    except OSError as err:  # a read-only home must not stop training
        warnings.warn(f"Could not write the XLA choice to {path}: {err}", RuntimeWarning,
                      stacklevel=3)


# ----------------------------------------------------------------------------- timing
def _synthetic_batches(x, y, batch_size, steps_per_execution=1):
    """`(fit keyword arguments, batch spec)` of synthetic data shaped like `x` (and `y`).

    Returns `(None, None)` for input other than a `tf.data.Dataset` or numpy arrays.
    """
    import tensorflow as tf

    rng = np.random.default_rng(0)

    def fake(shape, dtype):
        if dtype.is_floating:
            return rng.uniform(-1, 1, shape).astype(dtype.as_numpy_dtype)
        return np.zeros(shape, dtype.as_numpy_dtype)

    if isinstance(x, tf.data.Dataset):
        spec = x.element_spec
        batch = _dataset_batch_size(x) or batch_size or 32
        flat = tf.nest.flatten(spec)
        if not all(isinstance(s, tf.TensorSpec) and s.shape.rank for s in flat):
            return None, None
        shapes = [[batch if d is None and i == 0 else d for i, d in enumerate(s.shape.as_list())]
                  for s in flat]
        if any(d is None for shape in shapes for d in shape):
            return None, None
        values = tf.nest.pack_sequence_as(spec, [fake(sh, s.dtype) for sh, s in zip(shapes, flat)])

        def relax(*element):  # the data's own (possibly unknown) batch dimension: no retrace
            element = element[0] if len(element) == 1 else element
            return tf.nest.map_structure(
                lambda t, s: tf.compat.v1.placeholder_with_default(t, s.shape), element, spec)

        ds = tf.data.Dataset.from_tensors(values).repeat()
        try:
            ds = ds.map(relax)
        except (TypeError, ValueError):
            pass
        return {"x": ds}, tf.nest.map_structure(
            lambda s, sh: tf.TensorSpec(sh, s.dtype), spec, tf.nest.pack_sequence_as(
                spec, [tf.TensorShape(sh) for sh in shapes]))
    arrays = [a for a in tf.nest.flatten((x, y)) if a is not None]
    if not arrays or not all(isinstance(a, np.ndarray) and a.ndim for a in arrays):
        return None, None
    batch = batch_size or 32
    rows = batch * (TIMED_CALLS + 1) * steps_per_execution

    def like(a):
        if a is None:
            return None
        return fake((rows, *a.shape[1:]), tf.as_dtype(a.dtype))

    sx, sy = tf.nest.map_structure(like, x), None if y is None else tf.nest.map_structure(like, y)
    spec = tf.nest.map_structure(
        lambda a: tf.TensorSpec((batch, *a.shape[1:]), tf.as_dtype(a.dtype)),
        (x, y) if y is not None else x)
    return {"x": sx, "y": sy, "batch_size": batch}, spec


def _dataset_batch_size(ds):
    """The static batch size of a batched `tf.data.Dataset` (looked up in its inputs), or None."""
    import tensorflow as tf

    first = tf.nest.flatten(ds.element_spec)[0]
    if isinstance(first, tf.TensorSpec) and first.shape.rank and first.shape[0] is not None:
        return int(first.shape[0])
    todo, seen = [ds], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        size = getattr(current, "_batch_size", None)
        if size is not None:
            value = tf.get_static_value(size)
            if value is not None and int(value) > 0:
                return int(value)
        inputs = getattr(current, "_inputs", None)
        try:
            todo.extend(inputs() if callable(inputs) else [])
        except Exception:  # noqa: BLE001  (private structure; best effort)
            pass
    return None


class _StepTimer(keras.callbacks.Callback):
    """Times each training call of a `fit`; stops it when enough calls were timed."""

    def __init__(self):
        super().__init__()
        self.seconds = []  # the first call traces (and compiles): left out of the timing

    def on_train_batch_begin(self, batch, logs=None):
        self._start = clock()

    def on_train_batch_end(self, batch, logs=None):
        for value in (logs or {}).values():  # wait for the step to finish
            np.asarray(value)
        self.seconds.append(clock() - self._start)
        timed = self.seconds[1:]
        if len(timed) >= TIMED_CALLS or (len(timed) >= MIN_TIMED_CALLS
                                          and sum(timed) >= TIME_BUDGET_SECONDS):
            self.model.stop_training = True


def _state_variables(model):
    found, seen = [], set()
    parts = [model, getattr(model, "d_optimizer", None), getattr(model, "g_optimizer", None),
             getattr(model, "optimizer", None)]
    for part in parts:
        for variable in getattr(part, "variables", None) or []:
            if id(variable) not in seen:
                seen.add(id(variable))
                found.append(variable)
    return found


def _time_setting(model, jit_compile, fit_arguments):
    """Seconds per training step with `jit_compile`; leaves its traced step in the model."""
    model.jit_compile = jit_compile
    model.train_function = None
    timer = _StepTimer()
    steps = (TIMED_CALLS + 1) * int(model.steps_per_execution or 1)
    keras.Model.fit(model, **fit_arguments, epochs=1, steps_per_epoch=steps, shuffle=False,
                    verbose=0, callbacks=[timer])
    timed = timer.seconds[1:] or timer.seconds
    # the fastest call: other work on a shared machine only ever adds time
    return min(timed) / int(model.steps_per_execution or 1)


def measure(model, fit_arguments):
    """`(xla_seconds, plain_seconds)` per step, the model's state restored afterwards.

    Leaves the model with the traced step of the faster setting (`model.train_function`).
    """
    variables = _state_variables(model)
    saved = [np.array(keras.ops.convert_to_numpy(v)) for v in variables]
    functions = {}
    try:
        seconds = {}
        for setting in (True, False):
            seconds[setting] = _time_setting(model, setting, fit_arguments)
            functions[setting] = model.train_function
    finally:
        for variable, value in zip(variables, saved):
            variable.assign(value)
        model.stop_training = False
    faster = seconds[True] < seconds[False]
    model.jit_compile = faster
    model.train_function = functions[faster]
    return seconds[True], seconds[False]


# ----------------------------------------------------------------------------- the choice
def _from_environment():
    value = os.environ.get(ENVIRONMENT, "").strip().lower()
    if not value:
        return None
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no"):
        return False
    raise ValueError(f"{ENVIRONMENT} must be 1 or 0 (or unset to measure), got {value!r}.")


def _supports_xla(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.jit_compile = True
        supported = model.jit_compile is True
    model.jit_compile = False
    return supported


def _keras_default(model):
    """Keras' own `jit_compile="auto"`: off on CPU-only machines."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU")) and _supports_xla(model)


def choose_jit_compile(model, x, y=None, batch_size=None, report=None):
    """Sets `model.jit_compile` to the faster setting on this machine (see the module doc).

    Called by gankit models' `fit` (before Keras' own) when compiled with
    `jit_compile="auto"`; `gankit.training.train` calls it first to print the line.

    Args:
        model: a gankit model compiled with `jit_compile="auto"`.
        x: the training data given to `fit` (a `tf.data.Dataset` or numpy arrays); only its
            batch shapes are used, it is never read.
        y: `fit`'s `y`, for array input.
        batch_size: `fit`'s `batch_size` (array input, or a dataset of unknown batch size).
        report: called with one line saying what was chosen and why, or None.

    Returns:
        An `XLAChoice`.

    Raises:
        ValueError: when `GANKIT_JIT` is set to something other than 1 or 0.
    """
    choice = _choose(model, x, y, batch_size)
    model.jit_compile = choice.jit_compile
    if choice.reason != "measured":
        model.train_function = None
    if report is not None:
        report(choice.describe())
    return choice


def _choose(model, x, y, batch_size):
    forced = _from_environment()
    if forced is not None:
        return XLAChoice(forced and _supports_xla(model), "environment")
    if model.run_eagerly:
        return XLAChoice(False, "run_eagerly")
    if not _supports_xla(model):
        return XLAChoice(False, "unsupported")
    fit_arguments, spec = _synthetic_batches(x, y, batch_size,
                                             int(model.steps_per_execution or 1))
    if fit_arguments is None:
        return XLAChoice(_keras_default(model), "input")
    path = cache_path()
    key = _key(model_fingerprint(model, spec), machine_fingerprint())
    entry = _read_cache(path).get(key)
    if entry is not None:
        return XLAChoice(entry["jit_compile"], "cache", entry.get("xla_seconds"),
                         entry.get("plain_seconds"), str(path))
    started = time.perf_counter()
    xla, plain = measure(model, fit_arguments)
    choice = XLAChoice(xla < plain, "measured", xla, plain, str(path),
                       time.perf_counter() - started)
    _write_cache(path, key, {"jit_compile": choice.jit_compile, "xla_seconds": xla,
                             "plain_seconds": plain, "model": type(model).__name__,
                             "measured": time.strftime("%Y-%m-%d %H:%M:%S")})
    return choice
