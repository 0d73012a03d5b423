"""`python -m coder` runs the command-line interface."""

from coder.cli import run

if __name__ == "__main__":
    run()
