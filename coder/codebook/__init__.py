"""The codebook: its rules, how it is edited, merged and undone, and its file formats.

The codebook lives in the project; `coder.store.codebook` (changes) and
`coder.store.codebook_read` (queries) are the only code that touches its tables.
This package is everything above them, one job a module:

    rules.py      what every codebook keeps (ids, indexes, colours) and ids made from labels
    edit.py       editing with the choices made for the researcher (new ids, next index, renumbering)
    merge.py      merging a codebook file into a project (by id; retiring what it no longer has)
    undo.py       undoing and redoing codebook edits (part of `coder.history`)
    files.py      reading and writing a codebook file, the format chosen by its extension
    yaml_file.py  the YAML format
    qdc.py        the REFI-QDA format (`.qdc`, and the CodeBook inside a `.qdpx`)

Each name is importable from one module only; this file exports nothing.
"""
