"""gankit.labs: the quick/full switch, the start-up noise filter, self-checks and the notebook builder.

The lab notebooks themselves are run in tests/test_lab_notebooks.py.
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from gankit import labs
from gankit.labs import notebooks

# Lines TensorFlow 2.21 printed in a notebook kernel on this machine (the noise the filter drops).
TF_NOISE = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1795546824.540453    9910 port.cc:153] oneDNN custom operations are on. You may see "
    "slightly different numerical results due to floating-point round-off errors.",
    "I0000 00:00:1795546824.541630    9910 cudart_stub.cc:31] Could not find cuda drivers on your "
    "machine, GPU will not be used.",
    "I0000 00:00:1795546824.882290    9910 cpu_feature_guard.cc:227] This TensorFlow binary is optimized "
    "to use available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, "
    "rebuild TensorFlow with the appropriate compiler flags.",
    "E0000 00:00:1795546828.122209    9910 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA "
    "error: Failed call to cuInit: UNKNOWN ERROR (303)",
    "I0000 00:00:1795546973.518996   10229 service.cc:161]   StreamExecutor [0]: Host, Default Version",
    "E0000 00:00:1.0 1 meta_optimizer.cc:967] remapper failed: INVALID_ARGUMENT: Mutation::Apply error",
]
REAL = [
    "python warning line",
    "E0000 00:00:1.0 1 something.cc:1] a real error",
    "UserWarning: the generator's BatchNorm layers are in training mode",
    "Traceback (most recent call last):",
]


def test_quick_mode_reads_one_variable_and_refuses_typos():
    assert labs.quick_mode({}) is False
    assert labs.quick_mode({labs.QUICK_ENV: "1"}) is True
    assert labs.quick_mode({labs.QUICK_ENV: "yes"}) is True
    assert labs.quick_mode({labs.QUICK_ENV: "0"}) is False
    with pytest.raises(ValueError, match="GANKIT_LAB_QUICK"):
        labs.quick_mode({labs.QUICK_ENV: "fast please"})


def test_lab_picks_the_value_of_its_mode():
    assert labs.Lab("t", quick=True).pick(full=20, quick=1) == 1
    assert labs.Lab("t", quick=False).pick(full=20, quick=1) == 20
    assert labs.Lab("t", quick=True).mode == "quick"


@pytest.mark.parametrize("line", TF_NOISE)
def test_tensorflow_start_up_lines_are_noise(line):
    assert labs.is_noise(line)


@pytest.mark.parametrize("line", REAL)
def test_real_warnings_are_not_noise(line):
    assert not labs.is_noise(line)


def test_quiet_startup_drops_tensorflow_noise_and_keeps_real_lines():
    script = textwrap.dedent("""
        import os, sys
        from gankit.labs import quiet_startup
        quiet_startup()
        os.write(2, b"I0000 00:00:1.0 1 port.cc:153] oneDNN custom operations are on. You may see\\n")
        import tensorflow as tf
        tf.constant(1.0) + 1
        print("python warning line", file=sys.stderr)
        os.write(2, b"E0000 00:00:1.0 1 something.cc:1] a real error\\n")
        os.write(2, b"last line without newline")
    """)
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "oneDNN" not in done.stderr and "cuda" not in done.stderr.lower()
    assert "python warning line" in done.stderr
    assert "a real error" in done.stderr
    assert done.stderr.endswith("last line without newline")


def test_self_check_reports_each_mark():
    lab = labs.Lab("t", quick=False)
    check = labs.self_check(lab, {"IS": 9.1, "FD": 4.0}, {"IS": 9.0, "FD": ("<=", 3.0)})
    assert [m.passed for m in check.marks] == [True, False]
    assert not check.passed
    assert "MISS  FD" in check.summary() and "some marks missed" in check.summary()
    assert labs.self_check(lab, {"IS": 9.1}, {"IS": 9.0}).passed
    assert not labs.self_check(lab, {"IS": float("nan")}, {"IS": 9.0}).passed
    with pytest.raises(ValueError, match="no measured value"):
        labs.self_check(lab, {"IS": 9.1}, {"accuracy": 0.9})
    with pytest.raises(ValueError, match="operator"):
        labs.self_check(lab, {"IS": 9.1}, {"IS": ("==", 9.1)})


def test_self_check_grades_the_grid(tmp_path):
    from gankit.data import load_arrays

    x, y = load_arrays("mnist", "test")
    order = np.concatenate([np.flatnonzero(y == c)[:10] for c in range(10)])
    images = x[order].astype("float32") / 127.5 - 1.0
    path = str(tmp_path / "grid.png")
    import gankit

    gankit.save_grid(images, path, rows=10, cols=10, labels=np.repeat(np.arange(10), 10))
    lab = labs.Lab("t", quick=True)
    check = labs.self_check(lab, {"IS": 9.1}, {"IS": 9.0}, grid=path,
                            expect={"dataset": "mnist", "rows": 10, "cols": 10})
    assert check.grid.passed and check.passed
    noise = np.random.default_rng(0).uniform(-1, 1, images.shape).astype("float32")
    gankit.save_grid(noise, path, rows=10, cols=10)
    assert not labs.self_check(lab, {"IS": 9.1}, {"IS": 9.0}, grid=path).passed


def test_show_table_rounds_and_marks_missing_cells():
    text = labs.show_table(["", "IS", "acc"], [["yours", 9.12345, None], ["report", 10.0, 0.997]])
    assert text.splitlines()[2] == "| yours | 9.123 | — |"
    assert "---:" in text.splitlines()[1]


SOURCE = '''\
# %% [markdown]
# # Lab 1: test

# %%
import numpy as np

# %% [markdown]
# Write `double`.

# %%
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION

# %% tags=["autograde"]
assert double(2) == 4
### BEGIN HIDDEN TESTS
assert double(-1) == -2
### END HIDDEN TESTS

# %%
### BEGIN SOLUTION
answer = double(21)
### END SOLUTION

# %%
print("answer", answer)
'''


def write_lab(folder, text=SOURCE, name="01_test.py"):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return str(folder / name)


def test_solution_and_student_notebooks_carry_nbgrader_markup(tmp_path):
    source = write_lab(tmp_path)
    solution = notebooks.solution_notebook(source)
    student = notebooks.student_notebook(solution)
    grade = [c.metadata.get("nbgrader") for c in solution.cells if c.cell_type == "code"]
    assert grade[1]["solution"] and grade[1]["grade_id"] == "01_test_exercise_1"
    assert grade[2]["grade"] and grade[2]["locked"] and grade[2]["points"] == 1
    assert grade[3]["grade_id"] == "01_test_exercise_2"
    assert solution.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    code = [c.source for c in student.cells if c.cell_type == "code"]
    assert "return 2 * x" not in code[1] and "    # YOUR CODE HERE\n    raise NotImplementedError" in code[1]
    assert "double(-1)" not in code[2] and "double(2) == 4" in code[2]
    assert code[3].startswith("# YOUR CODE HERE\nraise NotImplementedError")
    assert "return 2 * x" in solution.cells[3].source   # the solution is unchanged


def test_build_writes_then_reports_stale_notebooks(tmp_path):
    source = write_lab(tmp_path)
    written = notebooks.build(str(tmp_path))
    assert sorted(os.path.relpath(p, tmp_path) for p in written) == ["01_test.ipynb", "student/01_test.ipynb"]
    assert notebooks.build(str(tmp_path), check=True) == []
    with open(source, "a") as f:
        f.write("\n# %%\nprint('more')\n")
    assert len(notebooks.build(str(tmp_path), check=True)) == 2
    assert len(notebooks.build(str(tmp_path))) == 2 and notebooks.build(str(tmp_path), check=True) == []


def test_builder_refuses_bad_markup(tmp_path):
    with pytest.raises(FileNotFoundError, match="no lab sources"):
        notebooks.lab_sources(str(tmp_path))
    source = write_lab(tmp_path, SOURCE.replace("    ### END SOLUTION\n", "", 1))
    with pytest.raises(ValueError, match="never closed"):
        notebooks.solution_notebook(source)


def test_refresh_copies_prose_only_while_the_code_is_unchanged(tmp_path):
    import nbformat

    source = write_lab(tmp_path)
    executed = notebooks.solution_notebook(source)
    header = nbformat.v4.new_markdown_cell("> executed", metadata={"tags": ["executed-header"]})
    executed.cells.insert(0, header)
    executed.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="answer 42\n")]
    (tmp_path / "executed").mkdir()
    nbformat.write(executed, str(tmp_path / "executed" / "01_test.ipynb"))
    write_lab(tmp_path, SOURCE.replace("# # Lab 1: test", "# # Lab 1: measured 42"))
    path = notebooks.refresh(source)
    again = nbformat.read(path, as_version=4)
    assert again.cells[1].source == "# Lab 1: measured 42"
    assert again.cells[-1].outputs[0]["text"] == "answer 42\n" and again.cells[0].source == "> executed"
    write_lab(tmp_path, SOURCE.replace("answer = double(21)", "answer = double(20)"))
    with pytest.raises(ValueError, match="run the lab again"):
        notebooks.refresh(source)


def test_verify_runs_stubs_then_solutions(tmp_path, monkeypatch):
    # A user's own "python3" kernel spec (another Python, here a broken one) must not be used.
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text('{"argv": ["/bin/false", "{connection_file}"], '
                                      '"display_name": "other", "language": "python"}')
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    source = write_lab(tmp_path / "labs")
    solution, exercises = notebooks.verify(source, str(tmp_path / "work"))
    assert exercises == [("01_test_exercise_1", "test"), ("01_test_exercise_2", "exercise")]
    assert solution.cells[-1].outputs[0]["text"] == "answer 42\n"
    assert not kernels_left_running()   # each run shuts its kernel down


def kernels_left_running():
    """The ipykernel processes that are children of this process (Linux /proc)."""
    if not os.path.isdir("/proc/self"):
        return []
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and "ipykernel" in command:
            found.append(pid)
    return found


def test_verify_catches_a_stub_that_does_not_raise(tmp_path):
    text = SOURCE.replace('# %% tags=["autograde"]\nassert double(2) == 4\n', "# %%\nassert True\n")
    text = text.replace("### BEGIN HIDDEN TESTS\nassert double(-1) == -2\n### END HIDDEN TESTS\n", "")
    source = write_lab(tmp_path / "labs", text)
    with pytest.raises(AssertionError, match="without raising NotImplementedError"):
        notebooks.verify(source, str(tmp_path / "work"))
