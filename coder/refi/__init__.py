"""REFI-QDA (QDA-XML 1.0) exchange: `.qdpx` projects (reader, writer and their parts).

A `.qdpx` is a zip holding `project.qde` (namespace urn:QDA-XML:project:1.0),
with the codebook inside `Project` as a `CodeBook` element: that element, and
the `.qdc` codebook file whose root it is, are `coder.codebook.qdc`'s.
Only xml.etree and expat are used at run time.
"""
