"""`python -m gankit`: the gankit command line."""

from gankit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
