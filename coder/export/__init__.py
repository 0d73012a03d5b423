"""Exports: theme counts, crosstabs, co-occurrence, the framework matrix, codings, 0/1 tables.

Pure functions from project data to pandas DataFrames (reusable by the UI's
stats screen), plus writers for CSV/XLSX (formula-safe) and charts:

    from coder.export import load_project_data, theme_code_counts
    data = load_project_data(conn, source="coding", coder=None)
    table = theme_code_counts(data.codebook, data.segments, data.attributes, by="setting")
"""

from coder.export.build import TABLE_KINDS, build_tables
from coder.export.chart import theme_chart_data, write_theme_chart
from coder.export.counts import group_values, theme_code_counts
from coder.export.crosstab import cooccurrence, cooccurrence_counts, cooccurrence_matrix, crosstab, jaccard
from coder.export.data import SOURCES, ProjectData, load_project_data, segments_from, source_note
from coder.export.records import binary_table, codings_table, framework_matrix
from coder.export.tables import ExportTables, neutralise, neutralise_frame, write_tables

__all__ = [
    "TABLE_KINDS", "SOURCES", "ProjectData", "ExportTables", "load_project_data", "segments_from",
    "source_note", "build_tables", "theme_code_counts", "group_values", "crosstab", "cooccurrence",
    "cooccurrence_counts", "cooccurrence_matrix", "jaccard", "codings_table", "binary_table",
    "framework_matrix", "theme_chart_data", "write_theme_chart", "neutralise", "neutralise_frame",
    "write_tables",
]
