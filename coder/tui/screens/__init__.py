"""Screens of the UI: coding (default), codebook, stats, and the dialogs they open."""
