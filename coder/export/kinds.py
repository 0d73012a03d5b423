"""The names of export kinds and sources (kept import-light for the command line)."""

TABLE_KINDS = ("counts", "crosstab", "cooccurrence", "matrix", "codings", "binary")
SOURCES = ("coding", "suggestions", "both")
