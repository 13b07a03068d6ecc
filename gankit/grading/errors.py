"""The error raised for handed-in files that cannot be graded."""


class SubmissionError(ValueError):
    """A submitted file is unusable: missing, too large, not a PNG/JPEG, corrupt, or not a grid.

    The message says what is wrong in one line, naming the file, so a grading script (or the
    `gankit` command line, which maps it to exit code 2) can show it to the student as is.
    It subclasses `ValueError`, so `except ValueError` also catches it.

    Example:

    ```python
    try:
        report = gankit.check_grid("alice.png", expect={"dataset": "mnist"})
    except gankit.grading.SubmissionError as err:
        print(f"unusable: {err}")
    ```
    """
