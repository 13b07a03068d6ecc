"""Writes a reproduction's Markdown page under `docs/results/`: one page per benchmark script.

Every reproduction script (`benchmarks/report003_table1.py`, ...) ends by calling `write_page`,
so each page says the same things in the same order: what was run (the exact command), on which
CPU, how long it took, the table next to the seed report's numbers, notes, and the plots.

Example:

```python
from results_page import markdown_table, write_page

table = markdown_table(["row", "ours", "report"], [["real test set", "9.75", "9.962"]])
write_page("example", "Example", table, command="python benchmarks/x.py", minutes=1.5)
```
"""

import os
import sys

from gankit.machine import cpu_description  # noqa: F401  (the pages' "Measured on" line)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_DIR = os.path.join(ROOT, "docs", "results")


def mnist_splits(limit_real=None, limit_test=None):
    """MNIST's `(images, labels)` training and test splits, each cut to its limit (quick tests)."""
    from gankit.data import load_arrays

    real, test = load_arrays("mnist", "train"), load_arrays("mnist", "test")
    return (real[0][:limit_real], real[1][:limit_real]), (test[0][:limit_test], test[1][:limit_test])


def markdown_table(headers, rows, align=None):
    """A Markdown table; `align`: one of `"l"`/`"r"` per column (default: first left, rest right)."""
    align = align or ["l"] + ["r"] * (len(headers) - 1)
    rule = ["---" if a == "l" else "---:" for a in align]
    lines = [headers, rule] + [[str(cell) for cell in row] for row in rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def command_line():
    """How this script was called, as a shell command relative to the repository root."""
    script = os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)
    return " ".join(["python", script, *sys.argv[1:]])


def write_page(name, title, body, command=None, minutes=None, images=(), notes=(), out_dir=None):
    """Writes `docs/results/<name>.md` (or under `out_dir`) and returns its path.

    Args:
        name: file stem, e.g. `"report003_table1"`.
        title: the page title.
        body: Markdown (usually one or more `markdown_table`s with their captions).
        command: the command that reproduces the page (default: this process's command line).
        minutes: CPU wall-clock minutes the run took (said in the header), or `None`.
        images: file names of plots in the same folder, shown below the body.
        notes: extra Markdown paragraphs (what differs from the report, and why).
        out_dir: folder to write to (default `docs/results/`).

    Returns:
        The path of the written page.
    """
    out_dir = out_dir or RESULTS_DIR
    os.makedirs(out_dir, exist_ok=True)
    lines = [f"# {title}", "",
             f"Reproduce: `{command or command_line()}`", "",
             f"Measured on: {cpu_description()}"
             + (f"; {minutes:.1f} minutes of wall-clock time." if minutes is not None else "."),
             "", body.strip(), ""]
    for note in notes:
        lines += [note.strip(), ""]
    for image in images:
        lines += [f"![{os.path.splitext(image)[0]}]({image})", ""]
    path = os.path.join(out_dir, f"{name}.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    return path
