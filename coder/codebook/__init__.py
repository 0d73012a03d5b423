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
    keys.py       which key toggles which code on the coding screen
    qdc.py        the REFI-QDA format (`.qdc`, and the CodeBook inside a `.qdpx`)
    qdc_file.py   a `.qdc` file: the CodeBook element, with coder's name and version in a comment
    qdc_description.py  coder's fields in a REFI Description (labelled lines), written and read back
    qdc_nesting.py      codes another program lifted to the top level, put back where they were
    refi_text.py  what REFI files share: names written apart, XML-safe text

Each name is importable from one module only; this file exports nothing.
"""
