"""Per-class counts and load times (first load from the offline source, then from the cache).

Usage:
    .venv/bin/python benchmarks/data_load_times.py

Uses a fresh temporary ``GANKIT_CACHE_DIR`` so the first load really reads, verifies and caches
the source (both splits are read and cached together; the test split's "first" load is then
already served from that cache).
"""

import os
import tempfile
import time

os.environ["GANKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="gankit-cache-")

from gankit.data import catalog, integrity  # noqa: E402

for name in ("mnist", "fashion_mnist", "colored_mnist"):
    for split in ("train", "test"):
        start = time.perf_counter()
        x, y = catalog.load_arrays(name, split)
        first = time.perf_counter() - start
        start = time.perf_counter()
        x, y = catalog.load_arrays(name, split)
        cached = time.perf_counter() - start
        print(f"{name:14s} {split:5s} {len(x):6d} images  per-class {integrity.class_counts(y)}  "
              f"first {first:5.2f} s  cached {cached:5.3f} s  (source: {catalog.locate(name)})")
