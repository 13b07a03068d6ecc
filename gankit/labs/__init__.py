"""Support for the lab notebooks in `labs/`: run mode, quiet start-up, self-checks, building.

A lab starts with `lab = gankit.labs.start("Lab N: ...")`, which filters TensorFlow's start-up
noise, seeds everything and reads the one switch the labs have: `GANKIT_LAB_QUICK=1` runs every
lab in quick mode (a few steps on a small subset, for CI), unset is full mode (what a student
runs). Sizes come from `lab.pick(full=..., quick=...)`. A lab ends with `gankit.labs.show_table`
(the student's numbers beside the report's) and `gankit.labs.self_check` (marks and the graded
sample grid). `python -m gankit.labs build` (`make labs`) writes the solution and student
notebooks from the jupytext sources; see `gankit.labs.notebooks`.

Example:

```python
import gankit.labs
lab = gankit.labs.start("Lab 1: a first GAN", seed=0)
epochs = lab.pick(full=20, quick=1)
```
"""

from gankit.labs import notebooks
from gankit.labs.mode import QUICK_ENV, Lab, cpu_description, quick_mode, start
from gankit.labs.quiet import NOISE, is_noise, quiet_startup
from gankit.labs.report import MarkResult, SelfCheck, self_check, show_table

__all__ = [
    "Lab",
    "MarkResult",
    "NOISE",
    "QUICK_ENV",
    "SelfCheck",
    "cpu_description",
    "is_noise",
    "notebooks",
    "quick_mode",
    "quiet_startup",
    "self_check",
    "show_table",
    "start",
]
