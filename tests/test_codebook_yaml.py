"""YAML codebooks: reading the shipped framework, line-exact errors, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CODEBOOK

from coder.codebook.files import read_codebook, write_codebook
from coder.errors import InputError

SHIPPED = CODEBOOK

GOOD = """\
name: Tiny
themes:
  - id: work
    label: Work
    codes:
      - id: hours
        label: Hours
        keywords: [late, overtime]
      - id: cases
        index: "1.9"
        label: Cases
        include: one rule
  - id: people
    index: "7"
    label: People
    codes:
      - id: team
        label: Team
        color: "#ff0000"
        retired: yes
"""


def write(tmp_path: Path, text: str, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_framework_reads():
    book = read_codebook(SHIPPED)
    assert (book.name, book.version, book.method) == ("Social work workload and practice", "1",
                                                     "framework")
    assert len(book.themes) == 6 and len(book.codes) == 23
    caseload = book.codes[0]
    assert (caseload.id, caseload.index, caseload.theme_id) == ("caseload", "1.1", "workload")
    assert "caseload" in caseload.keywords and len(caseload.include) == 3
    assert [c.id for c in book.codes_of("wellbeing")][-1] == "leaving"


def test_defaults_indexes_from_positions_and_reads_all_fields(tmp_path):
    book = read_codebook(write(tmp_path, GOOD))
    assert [(c.id, c.index) for c in book.codes] == [("hours", "1.1"), ("cases", "1.9"), ("team", "7.1")]
    assert book.codes[0].keywords == ("late", "overtime")
    assert book.codes[1].include == ("one rule",)
    assert book.codes[2].color == "#ff0000" and book.codes[2].retired
    assert [c.position for c in book.codes_of("work")] == [0, 1]


def test_keywords_written_as_one_comma_separated_string_are_several(tmp_path):
    """`keywords: food, meal` was one keyword "food, meal" that never matched, without a word."""
    text = ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
            "        keywords: food, hospital meal,\n        include: food, drink and meals\n"
            "      - id: d\n        label: D\n        keywords: [late, 'bus, train']\n")
    book = read_codebook(write(tmp_path, text))
    assert book.codes[0].keywords == ("food", "hospital meal")
    assert book.codes[0].include == ("food, drink and meals",)   # a rule is a sentence: commas stay
    assert book.codes[1].keywords == ("late", "bus", "train")


def test_colour_is_read_as_color(tmp_path):
    """`colour:` was refused ("unknown key"), while the README and the screens say colour."""
    text = ("themes:\n  - id: a\n    label: A\n    colour: '#00f'\n    codes:\n"
            "      - id: c\n        label: C\n        colour: '#123456'\n")
    book = read_codebook(write(tmp_path, text))
    assert (book.themes[0].color, book.codes[0].color) == ("#0000ff", "#123456")


@pytest.mark.parametrize("text, line, field, reason", [
    ("themes:\n  - id: a\n    label: A\n    codes: [\n", 5, None, "not valid YAML"),
    ("themes:\n  - id: a\n    label: A\n  - id: a\n    label: B\n", 4, "id", "duplicate id 'a'"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "      - id: d\n        index: '1.1'\n        label: D\n", 8, "index", "duplicate index '1.1'"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        definition: x\n",
     5, "label", "code 'c' has no label"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "        keyword: [x]\n", 7, "keyword", "unknown key 'keyword'"),
    ("themes:\n  - id: a\n    label: ''\n", 3, "label", "theme 'a' has no label"),
    ("themes:\n  - id: two words\n    label: A\n", 2, "id", "no spaces"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "        color: red\n", 7, "color", "not #RRGGBB"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "        keywords: {a: 1}\n", 7, "keywords", "list of strings"),
    ("nme: x\n", 1, "nme", "unknown key 'nme'"),
    ("- just\n- a list\n", 1, None, "expected a codebook"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n\t- id: c\n", 5, None, "indented with a tab: YAML takes spaces"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "        keywords: [work*, '*ing']\n", 7, "keywords", "keyword '*ing': a * goes at the end of one word"),
    # A key the coding screen uses for a command was stored, then silently replaced there (`q` quit).
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "        key: j\n", 7, "key", "key 'j' is taken by a command on the coding screen"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "        key: ab\n", 7, "key", "key 'ab' is not one letter or digit"),
    ("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n        label: C\n"
     "        key: ','\n", 7, "key", "key ',' is not one letter or digit"),   # a binding cannot take it
])
def test_errors_name_file_line_and_field(tmp_path, text, line, field, reason):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    error = caught.value
    assert error.file == str(path) and error.line == line and error.column == field
    assert reason in str(error) and str(path) in str(error) and f"line {line}" in str(error)


def test_other_bad_files(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_codebook(write(tmp_path, "# nothing\n"))
    with pytest.raises(InputError, match="no such file"):
        read_codebook(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="unknown codebook format '.txt'"):
        read_codebook(write(tmp_path, GOOD, "book.txt"))
    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_codebook(tmp_path / "latin1.yaml")


def test_yaml_round_trip_keeps_everything(tmp_path):
    for source in (SHIPPED, write(tmp_path, GOOD)):
        book = read_codebook(source)
        out = tmp_path / "out.yml"
        write_codebook(book, out)
        assert read_codebook(out) == book


def test_writing_into_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(InputError, match="folder does not exist"):
        write_codebook(read_codebook(SHIPPED), tmp_path / "no" / "book.yaml")
