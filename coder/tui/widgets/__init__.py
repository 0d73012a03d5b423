"""Widgets of the coding screen, one module per screen region."""
