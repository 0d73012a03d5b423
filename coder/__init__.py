"""coder: qualitative coding of free-text survey responses."""

__version__ = "0.1.0"
