"""Building and running the lab notebooks from their jupytext sources.

A lab's source is `labs/NN_name.py` in jupytext's percent format. From it, `build` writes:

* `labs/NN_name.ipynb`: the solution notebook (no outputs), paired with the source through
  jupytext's `formats` metadata, with nbgrader metadata on the exercise and test cells;
* `labs/student/NN_name.ipynb`: the student version, where each solution region is replaced by
  `# YOUR CODE HERE` and `raise NotImplementedError(...)`, and hidden tests are removed.

`run` executes a solution notebook (full or quick mode) with nbclient and keeps the executed copy
under `labs/executed/`, its first cell stating the minutes it took and on which CPU.

The markup is nbgrader's, so a course can take the notebooks into its own grading system:

* an exercise is a code cell holding `### BEGIN SOLUTION` ... `### END SOLUTION` (several regions
  per cell are allowed);
* an autograder test cell carries the tag `autograde` (`# %% tags=["autograde"]` in the
  source); its `### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS` lines are removed from the
  student version.

These functions need the `dev` extra (jupytext, nbformat, nbclient, ipykernel).
"""

import contextlib
import copy
import datetime
import glob
import os
import re
import time

from gankit.labs.mode import QUICK_ENV, cpu_description

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
TEST_TAG = "autograde"
STUDENT_STUB = 'raise NotImplementedError("Exercise: replace this line with your code")'
_SOURCE_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.py$")


def _need(module):
    try:
        return __import__(module)
    except ImportError as err:
        raise ImportError(f"building or running the labs needs {module}: pip install -e '.[dev]'") from err


def lab_sources(labs_dir="labs"):
    """The lab sources in `labs_dir`: files named `NN_name.py`, in order.

    Raises:
        FileNotFoundError: `labs_dir` holds no lab source.
    """
    candidates = glob.glob(os.path.join(labs_dir, "*.py"))
    found = sorted(p for p in candidates if _SOURCE_NAME.match(os.path.basename(p)))
    if not found:
        raise FileNotFoundError(f"no lab sources (NN_name.py) in {os.path.abspath(labs_dir)}")
    return found


def is_exercise(cell):
    """True for a code cell holding a `### BEGIN SOLUTION` region."""
    return cell.cell_type == "code" and BEGIN_SOLUTION in cell.source


def is_test(cell):
    """True for an autograder test cell (tag `autograde`)."""
    return cell.cell_type == "code" and TEST_TAG in cell.metadata.get("tags", [])


def solution_notebook(source_path):
    """Reads a lab source into its solution notebook, with nbgrader and jupytext metadata.

    Args:
        source_path: a `NN_name.py` jupytext percent file.

    Returns:
        An `nbformat` notebook (version 4, no outputs).

    Raises:
        ValueError: an exercise region is not closed, or a cell is both exercise and test.
    """
    jupytext = _need("jupytext")
    nb = jupytext.read(source_path, fmt="py:percent")
    stem = os.path.splitext(os.path.basename(source_path))[0]
    exercise = test = 0
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("lines_to_next_cell", None)
        cell.id = f"cell-{index:03d}"   # stable ids: a rebuild from an unchanged source is identical
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        if is_exercise(cell) and is_test(cell):
            raise ValueError(f"{source_path}: cell {index} is both an exercise and an autograder test")
        if is_exercise(cell):
            _check_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, source_path, index)
            exercise += 1
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": f"{stem}_exercise_{exercise}",
                                         "locked": False, "schema_version": 3, "solution": True,
                                         "task": False}
        elif is_test(cell):
            _check_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, source_path, index)
            test += 1
            points = cell.metadata.pop("points", 1)
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"{stem}_test_{test}", "locked": True,
                                         "points": points, "schema_version": 3, "solution": False,
                                         "task": False}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    return nb


def _check_regions(source, begin, end, path, index):
    depth = 0
    for line in source.splitlines():
        if line.strip() == begin:
            if depth:
                raise ValueError(f"{path}: cell {index}: {begin} inside another region")
            depth = 1
        elif line.strip() == end:
            if not depth:
                raise ValueError(f"{path}: cell {index}: {end} without {begin}")
            depth = 0
    if depth:
        raise ValueError(f"{path}: cell {index}: {begin} is never closed by {end}")


def _strip_regions(source, begin, end, replacement):
    out, inside = [], False
    for line in source.splitlines():
        if line.strip() == begin:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + r for r in replacement]
        elif line.strip() == end:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def student_notebook(solution):
    """The student version of a solution notebook (a new notebook; the argument is unchanged).

    Each `### BEGIN SOLUTION` ... `### END SOLUTION` region becomes `# YOUR CODE HERE` and a
    `raise NotImplementedError(...)`, hidden test regions disappear, outputs are cleared.

    Args:
        solution: a notebook from `solution_notebook`.

    Returns:
        The student notebook.
    """
    nb = copy.deepcopy(solution)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        if is_exercise(cell):
            cell.source = _strip_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION,
                                         ["# YOUR CODE HERE", STUDENT_STUB])
        elif is_test(cell):
            cell.source = _strip_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, [])
    nb.metadata.pop("jupytext", None)
    return nb


def _targets(source_path):
    folder, name = os.path.split(source_path)
    stem = os.path.splitext(name)[0]
    return (os.path.join(folder, stem + ".ipynb"), os.path.join(folder, "student", stem + ".ipynb"))


def _same(path, nb):
    nbformat = _need("nbformat")
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        return f.read() == nbformat.writes(nb) + "\n"


def build(labs_dir="labs", check=False):
    """Writes (or checks) every lab's solution and student notebook from its source.

    Args:
        labs_dir: the folder of the `NN_name.py` sources.
        check: write nothing; return the notebooks that are missing or differ from their source.

    Returns:
        The paths written (or, with `check=True`, the stale ones).
    """
    nbformat = _need("nbformat")
    touched = []
    for source in lab_sources(labs_dir):
        solution = solution_notebook(source)
        student = student_notebook(solution)
        for path, nb in zip(_targets(source), (solution, student)):
            nbformat.validate(nb)
            if _same(path, nb):
                continue
            touched.append(path)
            if not check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(nbformat.writes(nb) + "\n")
    return touched


@contextlib.contextmanager
def _environment(quick):
    """The kernel's environment: the lab mode, and TensorFlow's log level as a student has it.

    `TF_CPP_MIN_LOG_LEVEL` is removed (the Makefile and the tests set it), so what the executed
    notebook shows is what a student sees: start-up noise is filtered by `gankit.labs.start`, not
    hidden by the environment.
    """
    changes = {QUICK_ENV: "1" if quick else "0", "TF_CPP_MIN_LOG_LEVEL": None}
    saved = {key: os.environ.get(key) for key in changes}
    try:
        _set_environment(changes)
        yield
    finally:
        _set_environment(saved)


def _set_environment(values):
    """Sets each variable of `values`, removing those whose value is None."""
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _this_python_kernel_manager():
    """A kernel manager class that finds only ipykernel's native kernel: this Python's."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from traitlets import default

    class ThisPythonKernelManager(KernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return KernelSpecManager(kernel_dirs=[])

    return ThisPythonKernelManager


def _client(nb, workdir, timeout):
    """An nbclient runner whose kernel is this Python (the one with gankit installed).

    Only ipykernel's native kernel spec is searched, so a `python3` kernel spec the user installed
    for another Python (a system or conda one, without gankit) cannot be picked by mistake. The
    client creates (and so shuts down) its own kernel.
    """
    nbclient = _need("nbclient")
    os.makedirs(workdir, exist_ok=True)
    return nbclient.NotebookClient(nb, kernel_manager_class=_this_python_kernel_manager(), timeout=timeout,
                                   kernel_name="python3", resources={"metadata": {"path": workdir}})


def execute(nb, quick, workdir, timeout=3600):
    """Runs a notebook top to bottom in a fresh Python 3 kernel (in place) and returns the minutes.

    Args:
        nb: the notebook.
        quick: run in quick mode (`GANKIT_LAB_QUICK=1` in the kernel's environment).
        workdir: the kernel's working directory (where the lab writes its run folders).
        timeout: seconds any one cell may take.

    Returns:
        Minutes of wall-clock time.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised (the message shows the cell).
    """
    started = time.perf_counter()
    with _environment(quick):
        _client(nb, workdir, timeout).execute()
    return (time.perf_counter() - started) / 60.0


def verify(source_path, workdir, quick=True, timeout=600):
    """Runs a lab as a student would meet it: every exercise stub raises, every solution passes.

    One kernel walks the notebook cell by cell. At each exercise it first runs the student's
    version (the stub) and checks that it raises `NotImplementedError`, either in the cell itself
    or in the autograder test cell that follows it; then it runs the solution and goes on, so the
    tests after it must pass and the rest of the lab runs on the solution.

    Args:
        source_path: the lab's `NN_name.py` source.
        workdir: the kernel's working directory.
        quick: quick mode (the default: this is what the test suite runs).
        timeout: seconds any one cell may take.

    Returns:
        `(solution, exercises)`: the executed solution notebook (outputs filled) and, per
        exercise, `(grade_id, where)` with `where` `"exercise"` or `"test"`: the cell whose
        student version raised `NotImplementedError`.

    Raises:
        AssertionError: an exercise stub does not raise `NotImplementedError`.
        nbclient.exceptions.CellExecutionError: a solution or test cell raised.
    """
    nbclient = _need("nbclient")
    solution = solution_notebook(source_path)
    student = student_notebook(solution)
    client = _client(solution, workdir, timeout)
    exercises = []

    def raises_not_implemented(cell, index):
        try:
            client.execute_cell(copy.deepcopy(cell), index)
        except nbclient.exceptions.CellExecutionError as err:
            if err.ename == "NotImplementedError":
                return True
            raise
        return False

    with _environment(quick), client.setup_kernel():
        for index, cell in enumerate(solution.cells):
            if cell.cell_type != "code":
                continue
            if is_exercise(cell):
                grade_id = cell.metadata["nbgrader"]["grade_id"]
                if raises_not_implemented(student.cells[index], index):
                    exercises.append((grade_id, "exercise"))
                else:
                    test = next((j for j in range(index + 1, len(solution.cells))
                                 if is_test(solution.cells[j]) or is_exercise(solution.cells[j])), None)
                    if test is None or not is_test(solution.cells[test]) or \
                            not raises_not_implemented(student.cells[test], test):
                        raise AssertionError(f"{source_path}: the student version of {grade_id} runs "
                                             "without raising NotImplementedError, in its cell or its test")
                    exercises.append((grade_id, "test"))
            client.execute_cell(cell, index)
    return solution, exercises


def run(source_path, quick=False, out_dir=None, workdir=None, timeout=3600):
    """Executes a lab's solution notebook and writes the executed copy with a timing header.

    Args:
        source_path: the lab's `NN_name.py` source.
        quick: quick mode (CI) instead of full mode.
        out_dir: where the executed copy goes (default: `executed/` beside the source).
        workdir: the kernel's working directory (default: `runs/` beside the source).
        timeout: seconds any one cell may take.

    Returns:
        The path of the executed notebook.
    """
    nbformat = _need("nbformat")
    folder, name = os.path.split(os.path.abspath(source_path))
    workdir = workdir or os.path.join(folder, "runs")
    nb = solution_notebook(source_path)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    minutes = execute(nb, quick, workdir, timeout=timeout)
    mode = "quick mode (CI smoke run)" if quick else "full mode"
    header = nbformat.v4.new_markdown_cell(
        f"> **Executed copy, {mode}**: this notebook ran top to bottom in **{minutes:.1f} min** on "
        f"{cpu_description()} (load average {load:.1f} at the start), "
        f"{datetime.date.today().isoformat()}. It is generated from `{name}` by "
        f"`make labs-run`; edit the source, not this copy.")
    header.metadata["tags"] = ["executed-header"]
    nb.cells.insert(0, header)
    path = executed_copy(source_path, out_dir)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(nbformat.writes(nb) + "\n")
    return path


def _code_sources(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def executed_copy(source_path, out_dir=None):
    """The path of a lab's executed copy (`executed/NN_name.ipynb` beside the source by default)."""
    folder, name = os.path.split(os.path.abspath(source_path))
    return os.path.join(out_dir or os.path.join(folder, "executed"), os.path.splitext(name)[0] + ".ipynb")


def refresh(source_path, out_dir=None):
    """Brings an executed copy's prose up to date with its source, when no code cell changed.

    Prose written after the full run (the measured numbers) then needs no second full run: the
    markdown cells are taken from the source, the code cells and their outputs are kept.

    Args:
        source_path: the lab's `NN_name.py` source.
        out_dir: the folder of the executed copy (default: `executed/` beside the source).

    Returns:
        The path of the executed copy.

    Raises:
        FileNotFoundError: there is no executed copy yet (run the lab).
        ValueError: a code cell changed since the run, or cells were added or removed: run the
            lab again.
    """
    nbformat = _need("nbformat")
    path = executed_copy(source_path, out_dir)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no executed copy at {path}: run `python -m gankit.labs run {source_path}`")
    executed = nbformat.read(path, as_version=4)
    solution = solution_notebook(source_path)
    body = [c for c in executed.cells if "executed-header" not in c.metadata.get("tags", [])]
    if [c.cell_type for c in body] != [c.cell_type for c in solution.cells] or \
            _code_sources(executed) != _code_sources(solution):
        raise ValueError(f"the code of {source_path} changed since {path} was executed: run the lab again")
    for old, new in zip(body, solution.cells):
        if new.cell_type == "markdown":
            old.source = new.source
    with open(path, "w", encoding="utf-8") as f:
        f.write(nbformat.writes(executed) + "\n")
    return path
