"""The lab notebooks in labs/: each runs in quick mode, its student version raises until filled,
its generated notebooks match its source, and its executed full-mode copy is current and clean."""

import glob
import os
import re

import pytest

nbformat = pytest.importorskip("nbformat")
from gankit.labs import is_noise, notebooks  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABS = os.path.join(ROOT, "labs")
SOURCES = sorted(glob.glob(os.path.join(LABS, "[0-9][0-9]_*.py")))
# A C++ log line of TensorFlow (glog format): an INFO or WARNING line is noise to a student.
GLOG_INFO_OR_WARNING = re.compile(r"^[IW]\d{4} \d\d:\d\d:\d\d", re.MULTILINE)
MAX_EXECUTED_BYTES = 1_500_000


def lab_id(path):
    return os.path.splitext(os.path.basename(path))[0]


def stderr_text(nb):
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("name") == "stderr")


def assert_clean_outputs(nb, where):
    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
              if out.output_type == "error"]
    assert not errors, f"{where}: a cell raised {errors[0]['ename']}: {errors[0]['evalue']}"
    text = stderr_text(nb)
    noisy = [line for line in text.splitlines() if is_noise(line)]
    assert not noisy, f"{where}: TensorFlow start-up noise in the outputs: {noisy[:3]}"
    assert not GLOG_INFO_OR_WARNING.search(text), f"{where}: TensorFlow logs: {text[:800]}"
    assert "`shuffle=True` was passed" not in text


def test_there_are_six_labs_and_an_instructor_notebook():
    names = [lab_id(p) for p in SOURCES]
    assert len(names) >= 7, names
    assert [n[:2] for n in names[:7]] == ["01", "02", "03", "04", "05", "06", "07"]


def test_generated_notebooks_match_their_sources():
    stale = notebooks.build(LABS, check=True)
    assert not stale, f"run `make labs`: generated notebooks differ from their sources: {stale}"


@pytest.mark.parametrize("source", SOURCES, ids=lab_id)
def test_student_version_has_stubs_and_no_solutions(source):
    path = os.path.join(LABS, "student", lab_id(source) + ".ipynb")
    student = nbformat.read(path, as_version=4)
    nbformat.validate(student)
    text = "\n".join(cell.source for cell in student.cells)
    assert notebooks.BEGIN_SOLUTION not in text and notebooks.BEGIN_HIDDEN not in text
    exercises = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("solution")]
    if lab_id(source).startswith("07"):
        return   # the instructor notebook has no exercises
    assert len(exercises) >= 2, "a lab has at least two exercises"
    for cell in exercises:
        assert notebooks.STUDENT_STUB in cell.source
    tests = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert tests, "a lab has autograder test cells"


@pytest.mark.parametrize("source", SOURCES, ids=lab_id)
def test_lab_runs_in_quick_mode_and_its_stubs_raise(source, tmp_path):
    solution, exercises = notebooks.verify(source, str(tmp_path))
    if not lab_id(source).startswith("07"):
        assert len(exercises) >= 2
    assert_clean_outputs(solution, lab_id(source))
    images = [out for cell in solution.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
              if "image/png" in out.get("data", {})]
    assert images, "a lab shows its plots"
    printed = "".join(out.get("text", "") for cell in solution.cells if cell.cell_type == "code"
                      for out in cell.get("outputs", []))
    assert "quick mode" in printed   # the lab says which mode it ran in


@pytest.mark.parametrize("source", SOURCES, ids=lab_id)
def test_executed_full_run_is_current_and_clean(source):
    path = notebooks.executed_copy(source)
    assert os.path.exists(path), f"no executed copy: run `python -m gankit.labs run {source}`"
    assert os.path.getsize(path) < MAX_EXECUTED_BYTES, "executed notebook too large: fewer/smaller figures"
    executed = nbformat.read(path, as_version=4)
    header = executed.cells[0]
    assert "executed-header" in header.metadata.get("tags", [])
    assert "full mode" in header.source and re.search(r"\d+\.\d min", header.source)
    body = executed.cells[1:]
    solution = notebooks.solution_notebook(source)
    assert [c.source for c in body if c.cell_type == "code"] == \
        [c.source for c in solution.cells if c.cell_type == "code"], \
        "the source's code changed since the full run: run the lab again (`make labs-run`)"
    assert [c.source for c in body if c.cell_type == "markdown"] == \
        [c.source for c in solution.cells if c.cell_type == "markdown"], \
        "the prose changed since the full run: `python -m gankit.labs refresh` it"
    assert all(c.execution_count for c in body if c.cell_type == "code" and c.source.strip())
    assert_clean_outputs(executed, path)
