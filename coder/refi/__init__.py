"""REFI-QDA (QDA-XML 1.0) exchange: the codebook file `.qdc` and its CodeBook element.

`coder.refi.qdc` converts a `Codebook` to and from the `CodeBook` element, which
a `.qdc` file holds as its root (namespace urn:QDA-XML:codebook:1.0) and a
`.qdpx` project's `project.qde` holds inside `Project` (urn:QDA-XML:project:1.0).
Only xml.etree and expat are used at run time.
"""

from coder.refi.qdc import (CODEBOOK_NS, PROJECT_NS, code_guid, codebook_and_guids_from_xml,
                            codebook_from_xml, codebook_to_xml, normal_guid, read_qdc, theme_guid,
                            write_qdc)

__all__ = ["CODEBOOK_NS", "PROJECT_NS", "code_guid", "theme_guid", "normal_guid", "codebook_to_xml",
           "codebook_from_xml", "codebook_and_guids_from_xml", "read_qdc", "write_qdc"]
