"""What a lab shows at its end: a table beside the report's, and the self-check verdict."""

import dataclasses
import math

_OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}


def show_table(headers, rows, digits=3):
    """Shows a table in a notebook (Markdown) or prints it (a script); returns its Markdown.

    Args:
        headers: the column names.
        rows: a list of rows, each a list of cells (floats are rounded to `digits`).
        digits: significant decimals for float cells.

    Returns:
        The table as Markdown text.

    Example:

    ```python
    gankit.labs.show_table(["", "IS", "accuracy"], [["yours", 9.1, 0.95], ["report 003", 10.03, 0.997]])
    ```
    """
    def cell(value):
        if isinstance(value, float):
            if math.isnan(value):
                return "—"
            return f"{value:.{digits}g}" if abs(value) >= 100 else f"{value:.{digits}f}"
        return "—" if value is None else str(value)

    lines = [list(map(str, headers)), ["---"] + ["---:"] * (len(headers) - 1)]
    lines += [[cell(v) for v in row] for row in rows]
    markdown = "\n".join("| " + " | ".join(line) + " |" for line in lines)
    _display_markdown(markdown)
    return markdown


def _display_markdown(markdown):
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display

        if get_ipython() is not None:
            display(Markdown(markdown))
            return
    except ImportError:
        pass
    print(markdown)


@dataclasses.dataclass(frozen=True)
class MarkResult:
    """One line of a self-check: what was measured, the mark, and whether it was reached."""

    name: str
    value: float
    op: str
    mark: float
    passed: bool

    def line(self):
        verdict = "PASS" if self.passed else "MISS"
        return f"{verdict}  {self.name}: {self.value:.4g} (mark {self.op} {self.mark:g})"


@dataclasses.dataclass(frozen=True)
class SelfCheck:
    """The verdict of `self_check`: `passed` when every mark was reached."""

    marks: tuple
    grid: object
    quick: bool

    @property
    def passed(self):
        grid_ok = self.grid is None or self.grid.passed
        return grid_ok and all(m.passed for m in self.marks)

    def __repr__(self):
        return f"SelfCheck(passed={self.passed}, marks={len(self.marks)}, grid={self.grid is not None})"

    def summary(self):
        """The verdict, one line per mark (and the grid's checks), as printed by `self_check`."""
        lines = [m.line() for m in self.marks]
        if self.grid is not None:
            verdict = "PASS" if self.grid.passed else "MISS"
            lines.append(f"{verdict}  sample grid graded by gankit.check_grid:")
            lines += ["      " + line for line in self.grid.summary().splitlines()]
        if self.quick:
            verdict = "quick mode: the model trained a few steps only, so missed marks are expected"
        elif self.passed:
            verdict = "every mark reached: well done"
        else:
            verdict = "some marks missed: see the lab's 'if it went wrong' notes, then train longer or retune"
        return "\n".join(lines + [verdict])


def self_check(lab, measured, marks, grid=None, expect=None):
    """Tells the student whether their model reached the lab's marks, with gankit's own checks.

    Args:
        lab: the `Lab` (its mode decides how a miss is worded).
        measured: `{name: value}` of the student's numbers (floats; accuracies as fractions).
        marks: `{name: threshold}` (reached when value >= threshold) or `{name: (op, threshold)}`
            with `op` `">="` or `"<="` (e.g. a Fréchet distance).
        grid: the path of a sample grid PNG to grade with `gankit.check_grid`, or None.
        expect: the grid's `Expectation` (dict or object), passed to `check_grid`.

    Returns:
        A `SelfCheck` (`passed`, `summary()`); its summary is printed.

    Raises:
        ValueError: a mark names no measured value, or has an unknown operator.

    Example:

    ```python
    gankit.labs.self_check(lab, {"Inception Score": 8.9}, {"Inception Score": 8.5},
                           grid="run/samples/epoch_0010.png", expect={"rows": 10, "cols": 10})
    ```
    """
    results = []
    for name, mark in marks.items():
        op, threshold = mark if isinstance(mark, tuple) else (">=", mark)
        if op not in _OPS:
            raise ValueError(f"mark {name!r}: operator {op!r} is not one of {sorted(_OPS)}")
        if name not in measured:
            raise ValueError(f"mark {name!r} has no measured value; measured: {sorted(measured)}")
        value = float(measured[name])
        ok = math.isfinite(value) and _OPS[op](value, float(threshold))
        results.append(MarkResult(name, value, op, float(threshold), bool(ok)))
    report = None
    if grid is not None:
        from gankit.grading import check_grid

        report = check_grid(grid, expect=expect)
    check = SelfCheck(tuple(results), report, lab.quick)
    print(check.summary())
    return check
