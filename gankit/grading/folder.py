"""Grading a whole class folder: one verdict and one CSV row per submission."""

import csv
import dataclasses
import os
from pathlib import Path

from gankit.grading.errors import SubmissionError
from gankit.grading.expectations import as_expectation
from gankit.grading.grid import check_grid
from gankit.grading.untrusted import as_limits

CHECK_NAMES = ("layout", "contrast", "diversity", "realism", "confidence", "inception_score",
               "coverage", "label_accuracy")
"""Every check `check_grid` can run, in the order of the CSV columns."""


@dataclasses.dataclass(frozen=True)
class FolderResult:
    """The outcome of `grade_folder`.

    Args:
        rows: one dict per submission (the CSV rows): `student`, `file`, `status`
            ("passed", "failed" or "unusable"), `message`, and `<check>_value` /
            `<check>_passed` for every check.
        reports: `{file: GridReport}` for the submissions that could be graded.
        csv_path: where the CSV was written, or None.

    Example:

    ```python
    result = gankit.grade_folder("submissions/", expect={"dataset": "mnist"}, csv_path="grades.csv")
    print(result.summary_line())
    ```
    """

    rows: list
    reports: dict
    csv_path: str | None = None

    @property
    def summary(self):
        """Counts: `{"total", "passed", "failed", "unusable"}`."""
        counts = {"total": len(self.rows), "passed": 0, "failed": 0, "unusable": 0}
        for row in self.rows:
            counts[row["status"]] += 1
        return counts

    def summary_line(self):
        """One line such as `12 submissions: 9 passed, 2 failed, 1 unusable`."""
        s = self.summary
        return (f"{s['total']} submissions: {s['passed']} passed, {s['failed']} failed, "
                f"{s['unusable']} unusable")


def student_of(path, root):
    """The student a submission belongs to: first folder under `root`, or the file's stem."""
    rel = Path(path).relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def csv_columns():
    """Column names of the grading CSV."""
    cols = ["student", "file", "status", "message"]
    for name in CHECK_NAMES:
        cols += [f"{name}_value", f"{name}_passed"]
    return cols


def _row(student, rel, status, message, report=None):
    row = dict.fromkeys(csv_columns(), "")
    row.update(student=student, file=rel, status=status, message=message)
    if report is not None:
        for check in report.checks:
            value = check.value
            row[f"{check.name}_value"] = "" if value is None else f"{value:.4g}"
            row[f"{check.name}_passed"] = "yes" if check.passed else "no"
    return row


def _found(root, pattern):
    """Matching paths under root, sorted; links are listed too (and refused when graded)."""
    found = []
    for path in sorted(root.glob(pattern)):
        if path.is_symlink() or path.is_file():
            found.append(path)
    return found


def grade_folder(root, pattern="**/*.png", expect=None, csv_path=None, classifier=None,
                 limits=None, progress=None):
    """Grades every submission under a folder; one unusable file never stops the run.

    The student of each file is the first folder under `root` (`root/alice/grid.png` ->
    "alice") or, for files directly in `root`, the file's stem (`root/bob.png` -> "bob").
    Symbolic links are not followed (reported as unusable) so a submission cannot point the
    grader at files outside the class folder.

    Args:
        root: the class folder.
        pattern: glob pattern of the submissions, relative to `root` (default every PNG in any
            sub-folder). The format is still checked by content, not by extension.
        expect: the `Expectation` (or dict) every grid is graded against.
        csv_path: where to write the CSV (one row per submission, see `FolderResult`); None
            writes none.
        classifier: passed to `check_grid`.
        limits: passed to `check_grid`.
        progress: optional callable receiving one line per graded file.

    Returns:
        A `FolderResult` with the rows, the reports and `summary` counts.

    Raises:
        FileNotFoundError: `root` is not a folder.
        ValueError: bad `expect` or `limits`.

    Example:

    ```python
    result = gankit.grade_folder("lab3/", expect={"dataset": "mnist", "conditional": True},
                                 csv_path="lab3_grades.csv")
    print(result.summary_line())   # 31 submissions: 27 passed, 3 failed, 1 unusable
    ```
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"No class folder at {os.fspath(root)!r}.")
    expect = as_expectation(expect)
    limits = as_limits(limits)
    if classifier is None:
        from gankit import classifier as _clf

        classifier = _clf.load_pretrained(expect.dataset)
    rows, reports = [], {}
    for path in _found(root, pattern):
        rel = path.relative_to(root).as_posix()
        student = student_of(path, root)
        try:
            if path.is_symlink():
                raise SubmissionError(f"{path.name}: symbolic links are not graded; hand in the "
                                      f"file itself.")
            report = check_grid(path, expect, classifier=classifier, limits=limits)
        except SubmissionError as err:
            row = _row(student, rel, "unusable", str(err))
        except Exception as err:  # an unexpected failure on one file must not stop the class
            row = _row(student, rel, "unusable", f"{path.name}: could not be graded "
                       f"({type(err).__name__}: {err})")
        else:
            reports[rel] = report
            status = "passed" if report.passed else "failed"
            message = "; ".join(f"{c.name}: {c.message.rstrip('.')}" for c in report.failed)
            message = message or "all checks passed"
            row = _row(student, rel, status, message, report)
        rows.append(row)
        if progress is not None:
            progress(f"{rel}: {row['status']}")
    if csv_path is not None:
        csv_path = os.fspath(csv_path)
        folder = os.path.dirname(os.path.abspath(csv_path))
        os.makedirs(folder, exist_ok=True)
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=csv_columns())
            writer.writeheader()
            writer.writerows(rows)
    return FolderResult(rows, reports, csv_path)
