"""Grading handed-in GAN sample grids: objective checks, class folders, hostile input.

`save_grid` / `read_grid` are the grid writer and reader the `SampleGrid` callback uses (from
`gankit.images`): the layout travels inside the PNG. `check_grid` grades one grid against an
`Expectation` (layout, contrast, diversity, realism, Inception Score, class coverage or label
accuracy) and returns a `GridReport`; `grade_folder` grades a whole class folder into a CSV.
Submissions are hostile input: unusable files raise `SubmissionError` (a `ValueError`) with a
one-line message, and `load_submitted_model` loads a handed-in `.keras` model in Keras safe
mode.

Example:

```python
import gankit

report = gankit.check_grid("alice.png", expect={"dataset": "mnist", "rows": 10, "cols": 10})
print(report.summary())
result = gankit.grade_folder("lab3/", expect={"dataset": "mnist"}, csv_path="grades.csv")
print(result.summary_line())
```
"""

from gankit.grading.checks import coverage_threshold, inception_score_threshold
from gankit.grading.errors import SubmissionError
from gankit.grading.expectations import (
    DATASETS,
    DEFAULT_THRESHOLDS,
    Expectation,
    Thresholds,
    as_expectation,
)
from gankit.grading.folder import CHECK_NAMES, FolderResult, grade_folder, student_of
from gankit.grading.grid import check_grid, read_submission
from gankit.grading.realism import reconstruction_errors
from gankit.grading.report import CheckResult, GridReport
from gankit.grading.untrusted import Limits, load_submitted_model
from gankit.images import read_grid, read_layout, save_grid

__all__ = [
    "CHECK_NAMES", "CheckResult", "DATASETS", "DEFAULT_THRESHOLDS", "Expectation",
    "FolderResult", "GridReport", "Limits", "SubmissionError", "Thresholds", "as_expectation",
    "check_grid", "coverage_threshold", "grade_folder", "inception_score_threshold",
    "load_submitted_model", "read_grid", "read_layout", "read_submission",
    "reconstruction_errors", "save_grid", "student_of",
]
