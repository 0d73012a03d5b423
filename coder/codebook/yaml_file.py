"""The YAML codebook format: reading with line-exact errors, and writing.

    name: Social work workload and practice     # optional (default: file name)
    version: 1                                  # optional
    method: framework                           # optional
    themes:
      - id: workload                            # required, unique, no spaces
        index: "1"                              # optional (default: position, 1, 2 ...)
        label: Workload and caseloads           # required
        description: ...                        # optional
        codes:
          - id: caseload                        # required, unique across themes and codes
            index: "1.1"                        # optional (default: theme index . position)
            label: Caseload size and allocation # required
            definition: ...                     # optional
            include: [rule, ...]                # optional lists of strings
            exclude: [rule, ...]
            keywords: [word or phrase, ...]
            color: "#1f77b4"                    # optional
            key: c                              # optional UI shortcut
            retired: false                      # optional
            codable: true                       # optional (false: a category of sub-codes)
            codes:                              # optional: sub-codes, laid out as codes,
              - id: caseload_weighting          #   nested to any depth
                label: Caseload weighting

A theme may have `codable: true` (a category its source program let codings go
on; kept for a REFI-QDA export) and a `color`. A sub-code's index defaults to its parent's
index . position (1.1.1).

Any other key is an error (it is usually a typo), reported with its line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from coder import __version__
from coder.codebook.keys import check_key, usable_key
from coder.codebook.rules import UniqueValues, check_color, check_id, check_keywords
from coder.errors import InputError
from coder.records import Code, Codebook, Theme
from coder.store.codebook_read import record_data

TOP_KEYS = ("name", "version", "method", "description", "themes")
THEME_KEYS = ("id", "index", "label", "description", "codes", "retired", "codable", "color")
SPELLINGS = {"colour": "color"}   # read as the key they spell (the README and the screens say colour)
CODE_KEYS = ("id", "index", "label", "definition", "include", "exclude", "keywords", "color",
             "key", "retired", "codable", "codes")
# A codebook nests five levels (codebook, themes, a theme, codes, a code, a list),
# and two more per level of sub-codes; PyYAML builds nodes recursively, so
# thousands of levels would overflow the stack.
MAX_DEPTH = 50
# libyaml's parser when PyYAML has it (ten times faster on a large codebook).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off", ""}


class _Reader:
    """Walks the YAML node tree (which keeps line numbers) and builds records."""

    def __init__(self, file: str):
        self.file = file
        self.ids = UniqueValues("id", file)
        self.indexes = UniqueValues("index", file)

    def error(self, reason: str, node: yaml.Node, field: str | None = None, hint: str | None = None):
        return InputError(reason, file=self.file, line=node.start_mark.line + 1, column=field, hint=hint)

    def mapping(self, node: yaml.Node, allowed: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(f"expected a {what} (key: value lines)", node)
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = SPELLINGS.get(str(key_node.value), str(key_node.value))
            if key not in allowed:
                raise self.error(f"unknown key {key!r} in a {what}", key_node, key,
                                 hint=f"allowed: {', '.join(allowed)}")
            if key in fields:
                raise self.error(f"key {key!r} appears twice in one {what}", key_node, key)
            fields[key] = value_node
        return fields

    def text(self, fields: dict, key: str, default: str = "") -> str:
        node = fields.get(key)
        if node is None or node.tag.endswith(":null"):
            return default
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(f"{key!r} must be a single value, not a list or mapping", node, key)
        return str(node.value).strip()

    def strings(self, fields: dict, key: str) -> tuple[str, ...]:
        node = fields.get(key)
        if node is None or node.tag.endswith(":null"):
            return ()
        if isinstance(node, yaml.ScalarNode):
            return (node.value.strip(),) if node.value.strip() else ()
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(f"{key!r} must be a list of strings", node, key)
        items = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                raise self.error(f"{key!r} must be a list of strings", item, key)
            if item.value.strip():
                items.append(item.value.strip())
        return tuple(items)

    def flag(self, fields: dict, key: str) -> bool:
        value = self.text(fields, key).lower()
        if value not in _TRUE | _FALSE:
            raise self.error(f"{key!r} must be true or false", fields[key], key)
        return value in _TRUE

    def required(self, fields: dict, key: str, node: yaml.Node, what: str) -> str:
        value = self.text(fields, key)
        if not value:
            raise self.error(f"{what} has no {key}", fields.get(key, node), key,
                             hint=f"add `{key}:` to it")
        return value

    def line(self, fields: dict, key: str, node: yaml.Node) -> int:
        return (fields.get(key) or node).start_mark.line + 1

    def codebook(self, root: yaml.Node, default_name: str) -> Codebook:
        top = self.mapping(root, TOP_KEYS, "codebook")
        themes_node = top.get("themes")
        themes, codes = [], []
        if themes_node is not None and not themes_node.tag.endswith(":null"):
            if not isinstance(themes_node, yaml.SequenceNode):
                raise self.error("'themes' must be a list of themes", themes_node, "themes")
            for position, node in enumerate(themes_node.value):
                theme, theme_codes = self.theme(node, position)
                themes.append(theme)
                codes.extend(theme_codes)
        return Codebook(name=self.text(top, "name") or default_name, themes=tuple(themes),
                        codes=tuple(codes), version=self.text(top, "version"),
                        method=self.text(top, "method"))

    def theme(self, node: yaml.Node, position: int) -> tuple[Theme, list[Code]]:
        fields = self.mapping(node, THEME_KEYS, "theme")
        id_ = check_id(self.required(fields, "id", node, "a theme"), file=self.file,
                       line=self.line(fields, "id", node))
        self.ids.claim(id_, self.line(fields, "id", node), "id")
        index = self.text(fields, "index") or str(position + 1)
        self.indexes.claim(index, self.line(fields, "index", node), "index")
        theme = Theme(id_, index, self.required(fields, "label", node, f"theme {id_!r}"),
                      self.text(fields, "description"), position, self.flag(fields, "retired"),
                      self.flag(fields, "codable"),
                      check_color(self.text(fields, "color") or None, file=self.file,
                                  line=self.line(fields, "color", node)))
        codes: list[Code] = []
        self.codes(fields, theme, None, index, codes)
        return theme, codes

    def codes(self, fields: dict, theme: Theme, parent_id: str | None, parent_index: str,
              out: list[Code]) -> None:
        """Append the codes listed under `fields` ("codes:"), each followed by its sub-codes."""
        codes_node = fields.get("codes")
        if codes_node is None or codes_node.tag.endswith(":null"):
            return
        if not isinstance(codes_node, yaml.SequenceNode):
            raise self.error("'codes' must be a list of codes", codes_node, "codes")
        for n, node in enumerate(codes_node.value, start=1):
            self.code(node, theme, parent_id, f"{parent_index}.{n}", out)

    def code(self, node: yaml.Node, theme: Theme, parent_id: str | None, default_index: str,
             out: list[Code]) -> None:
        fields = self.mapping(node, CODE_KEYS, "code")
        id_line = self.line(fields, "id", node)
        id_ = check_id(self.required(fields, "id", node, "a code"), file=self.file, line=id_line)
        self.ids.claim(id_, id_line, "id")
        index = self.text(fields, "index") or default_index
        self.indexes.claim(index, self.line(fields, "index", node), "index")
        codable = self.flag(fields, "codable") if "codable" in fields else True
        out.append(Code(id_, theme.id, index, self.required(fields, "label", node, f"code {id_!r}"),
                        definition=self.text(fields, "definition"),
                        include=self.strings(fields, "include"), exclude=self.strings(fields, "exclude"),
                        keywords=check_keywords(_split_commas(self.strings(fields, "keywords")), file=self.file,
                                                line=self.line(fields, "keywords", node)),
                        color=check_color(self.text(fields, "color") or None, file=self.file,
                                          line=self.line(fields, "color", node)),
                        key=check_key(self.text(fields, "key") or None, file=self.file,
                                      line=self.line(fields, "key", node)), position=len(out),
                        retired=self.flag(fields, "retired"), parent_id=parent_id, codable=codable))
        self.codes(fields, theme, id_, index, out)


def _split_commas(keywords: tuple[str, ...]) -> tuple[str, ...]:
    """Keywords written as one comma-separated string (`keywords: food, meal`), as the UI's
    keyword field takes them, are several keywords: a keyword is a word or phrase, never a list."""
    return tuple(part.strip() for keyword in keywords for part in keyword.split(",") if part.strip())


def read_yaml_codebook(path: Path) -> Codebook:
    """Read and validate a YAML codebook; InputError names the file, line and field."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", file=file) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=file,
                         hint="save the file as UTF-8") from None
    try:
        _check_depth(text, file)
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
        tab = "\t" in line[:len(line) - len(line.lstrip())]
        raise InputError(f"not valid YAML: {exc.problem or exc.context}", file=file,
                         line=mark.line + 1 if mark else None,
                         hint="the line is indented with a tab: YAML takes spaces only" if tab else None) from None
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow
        raise InputError(f"not valid YAML: character {exc.character!r} is not allowed ({exc.reason})",
                         file=file, line=text[:exc.position].count("\n") + 1,
                         hint="remove it, or save the file as plain UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {str(exc).splitlines()[0]}", file=file) from None
    if root is None:
        raise InputError("the codebook is empty", file=file, hint="see README 'Codebook format'")
    return _Reader(file).codebook(root, default_name=path.stem)


def _check_depth(text: str, file: str) -> None:
    """Raise InputError if lists and mappings nest deeper than MAX_DEPTH (PyYAML's parser is not recursive)."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"lists and mappings nest more than {MAX_DEPTH} levels deep",
                                 file=file, line=event.start_mark.line + 1,
                                 hint="a codebook nests five; see README 'Codebook format'")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def codebook_to_data(codebook: Codebook) -> dict:
    """The codebook as plain data in the YAML layout (empty optional fields left out)."""
    themes = []
    tree = codebook.tree()
    for theme in codebook.themes:
        entry = {"id": theme.id, "index": theme.index, "label": theme.label}
        if theme.description:
            entry["description"] = theme.description
        if theme.retired:
            entry["retired"] = True
        if theme.codable:
            entry["codable"] = True
        if theme.color:
            entry["color"] = theme.color
        entry["codes"] = [_code_data(code, tree) for code in tree.get((theme.id, None), ())]
        themes.append(entry)
    data = {"name": codebook.name}
    if codebook.version:
        data["version"] = codebook.version
    if codebook.method:
        data["method"] = codebook.method
    data["themes"] = themes
    return data


def _code_data(code: Code, tree: dict) -> dict:
    full = record_data(code)
    entry = {key: full[key] for key in ("id", "index", "label", "definition")}
    for key in ("include", "exclude", "keywords", "color"):
        if full[key]:
            entry[key] = full[key]
    if usable_key(full["key"]):   # one an older coder stored that the coding screen cannot give would be refused
        entry["key"] = full["key"]
    if code.retired:
        entry["retired"] = True
    if not code.codable:
        entry["codable"] = False
    sub_codes = tree.get((code.theme_id, code.id), ())
    if sub_codes:
        entry["codes"] = [_code_data(sub, tree) for sub in sub_codes]
    return entry


def write_yaml_codebook(codebook: Codebook, path: Path) -> None:
    """Write the codebook as YAML that `read_yaml_codebook` reads back unchanged."""
    header = f"# Codebook exported by coder {__version__}. Format: see README 'Codebook format'.\n"
    body = yaml.safe_dump(codebook_to_data(codebook), sort_keys=False, allow_unicode=True,
                          width=100, default_flow_style=False)
    path.write_text(header + body, encoding="utf-8")
