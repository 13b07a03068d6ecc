"""Results of grading: one `CheckResult` per check, gathered in a `GridReport`."""

import dataclasses
import json
import math

import numpy as np


def _plain(value):
    """Makes numpy scalars/arrays and non-finite floats JSON-ready."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """The outcome of one check of a grid.

    Args:
        name: the check ("layout", "contrast", "diversity", "realism", "confidence",
            "inception_score", "coverage" or "label_accuracy").
        passed: whether the grid passes this check.
        value: the measured number (None when the check could not run).
        threshold: the pass mark it was compared with (None for the layout check).
        message: one sentence for the student, saying what was measured and why it passed or
            failed.
        details: extra measurements (JSON-ready dict), e.g. per-class accuracy.

    Example:

    ```python
    for check in report.checks:
        print(check.name, "ok" if check.passed else "FAILED", check.message)
    ```
    """

    name: str
    passed: bool
    value: float | None
    threshold: float | None
    message: str
    details: dict = dataclasses.field(default_factory=dict)

    def to_dict(self):
        """The result as a JSON-ready dict."""
        return {"name": self.name, "passed": bool(self.passed), "value": _plain(self.value),
                "threshold": _plain(self.threshold), "message": self.message,
                "details": _plain(self.details)}


@dataclasses.dataclass(frozen=True)
class GridReport:
    """The verdict on one grid: `passed` when every check passed.

    Args:
        path: the graded file.
        checks: list of `CheckResult`, in the order they ran.
        layout: the grid layout used to cut the cells (embedded or detected).
        expect: the `Expectation` graded against, as a dict (`conditional` resolved to True
            or False: how the grid was actually graded).

    Example:

    ```python
    report = gankit.check_grid("alice.png", expect={"dataset": "mnist"})
    print(report.summary())
    open("alice.json", "w").write(report.to_json())
    ```
    """

    path: str
    checks: tuple
    layout: dict
    expect: dict

    @property
    def passed(self):
        """True when every check passed."""
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self):
        """The checks that failed."""
        return [c for c in self.checks if not c.passed]

    def __getitem__(self, name):
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"No check named {name!r}; checks are {[c.name for c in self.checks]}.")

    def summary(self):
        """One line: the verdict and, for a failed grid, the reason of each failed check."""
        if self.passed:
            return f"{self.path}: PASSED ({', '.join(c.name for c in self.checks)})"
        reasons = "; ".join(f"{c.name}: {c.message.rstrip('.')}" for c in self.failed)
        return f"{self.path}: FAILED ({reasons})"

    def to_dict(self):
        """The report as a JSON-ready dict (path, passed, summary, checks, layout, expect)."""
        return {"path": self.path, "passed": self.passed, "summary": self.summary(),
                "checks": [c.to_dict() for c in self.checks], "layout": _plain(self.layout),
                "expect": _plain(self.expect)}

    def to_json(self, indent=2):
        """The report as a JSON string (see `to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent)
