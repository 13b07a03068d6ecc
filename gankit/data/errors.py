"""Errors raised by gankit's dataset loaders."""


class DatasetNotFoundError(FileNotFoundError):
    """No source of a dataset was found; the message lists every place looked at."""


class DatasetIntegrityError(ValueError):
    """A dataset was found but its contents are not the expected ones (counts or checksum)."""
