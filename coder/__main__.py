"""`python -m coder` runs the command-line interface."""

from coder.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
