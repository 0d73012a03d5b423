"""Exports: theme counts, crosstabs, co-occurrence, the framework matrix, codings, 0/1 tables, memos.

Pure functions from project data to pandas DataFrames (reusable by the UI's
stats screen), plus writers for CSV/XLSX (formula-safe) and charts:

    from coder.export import load_project_data, theme_code_counts
    data = load_project_data(conn, source="coding", coder=None)
    table = theme_code_counts(data.codebook, data.segments, data.attributes, by="setting")

Names are imported from their modules on first use, so `import coder.export`
(and every `coder` command) stays fast; pandas, scipy and matplotlib load only
when an export runs.
"""

import importlib

_HOMES = {
    "build_tables": "build", "check_by": "build", "check_base": "build",
    "export_chart": "chart", "theme_chart_data": "chart", "write_theme_chart": "chart",
    "theme_code_counts": "counts", "group_values": "counts", "counts_notes": "counts",
    "base_note": "counts",
    "crosstab": "crosstabs", "cooccurrence": "crosstabs", "cooccurrence_counts": "crosstabs",
    "cooccurrence_matrix": "crosstabs", "jaccard": "crosstabs",
    "ProjectData": "data", "load_project_data": "data", "segments_from": "data",
    "source_note": "data", "settled_note": "data", "data_notes": "data", "listed_framework": "data", "check_coder": "data",
    "rolled_up": "data",
    "TABLE_KINDS": "kinds", "SOURCES": "kinds",
    "memos_table": "memos", "memo_tables": "memos",
    "binary_table": "records", "codings_table": "records", "framework_matrix": "records",
    "ExportTables": "tables", "neutralise": "tables", "neutralise_frame": "tables",
    "write_tables": "tables",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'coder.export' has no attribute {name!r}")
    return getattr(importlib.import_module(f"coder.export.{_HOMES[name]}"), name)
