"""Memos on a span or a coding in a .qdpx (NVivo's NoteRefs on selections and codings and its
annotation Links, QualCoder's annotations) become memos on the response that quote the span, as
a selection's Description does; what is joined or left out is said in the import's summary."""

from __future__ import annotations

import pytest
from helpers import PROJECT_XSD, run_cli
from lxml import etree
from qdpx_files import make_qdpx

from coder.store import open_project, tables

pytestmark = pytest.mark.slow  # real processes

ANNOTATED = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="notes" origin="NVivo 14">
  <Users>
    <User guid="a1000000-0000-0000-0000-000000000001" name="Alice Smith" id="AS"/>
    <User guid="a1000000-0000-0000-0000-000000000002" name="Bob" id="BB"/>
    <User guid="a1000000-0000-0000-0000-000000000003" id="CK"/>
  </Users>
  <CodeBook><Codes><Code guid="c1000000-0000-0000-0000-000000000001" name="Workload" isCodable="true"/></Codes></CodeBook>
  <Variables>
    <Variable guid="e1000000-0000-0000-0000-000000000001" name="age" typeOfVariable="Integer">
      <Description>age in years</Description></Variable>
  </Variables>
  <Sources>
    <TextSource guid="b1000000-0000-0000-0000-000000000001" name="r1">
      <PlainTextContent>Our workload is huge and managers ignore us.</PlainTextContent>
      <PlainTextSelection guid="f1000000-0000-0000-0000-000000000001" startPosition="4" endPosition="12"
                          creatingUser="a1000000-0000-0000-0000-000000000002">
        <Coding guid="11000000-0000-0000-0000-000000000001" creatingUser="a1000000-0000-0000-0000-000000000002">
          <CodeRef targetGUID="c1000000-0000-0000-0000-000000000001"/>
          <NoteRef targetGUID="d1000000-0000-0000-0000-000000000002"/>
        </Coding>
        <NoteRef targetGUID="d1000000-0000-0000-0000-000000000001"/>
      </PlainTextSelection>
      <PlainTextSelection guid="f1000000-0000-0000-0000-000000000002" startPosition="25" endPosition="43"
                          creatingUser="a1000000-0000-0000-0000-000000000003">
        <Coding guid="11000000-0000-0000-0000-000000000002" creatingUser="a1000000-0000-0000-0000-000000000003">
          <CodeRef targetGUID="c1000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
      <Coding guid="11000000-0000-0000-0000-000000000003" creatingUser="a1000000-0000-0000-0000-000000000001">
        <CodeRef targetGUID="c1000000-0000-0000-0000-000000000001"/>
        <NoteRef targetGUID="d1000000-0000-0000-0000-000000000004"/>
      </Coding>
      <NoteRef targetGUID="d1000000-0000-0000-0000-000000000005"/>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="d1000000-0000-0000-0000-000000000001" creatingUser="a1000000-0000-0000-0000-000000000002">
      <PlainTextContent>memo on the selection</PlainTextContent></Note>
    <Note guid="d1000000-0000-0000-0000-000000000002" creatingUser="a1000000-0000-0000-0000-000000000002">
      <PlainTextContent>memo on the coding</PlainTextContent></Note>
    <Note guid="d1000000-0000-0000-0000-000000000003" creatingUser="a1000000-0000-0000-0000-000000000003">
      <PlainTextContent>annotation by a Link</PlainTextContent></Note>
    <Note guid="d1000000-0000-0000-0000-000000000004" creatingUser="a1000000-0000-0000-0000-000000000001">
      <PlainTextContent>on the whole answer's coding</PlainTextContent></Note>
    <Note guid="d1000000-0000-0000-0000-000000000005" creatingUser="a1000000-0000-0000-0000-000000000001">
      <PlainTextContent>QualCoder's annotation</PlainTextContent>
      <PlainTextSelection guid="f1000000-0000-0000-0000-000000000003" startPosition="16" endPosition="20"/></Note>
  </Notes>
  <Links>
    <Link guid="81000000-0000-0000-0000-000000000001" direction="OneWay" originGUID="d1000000-0000-0000-0000-000000000003"
          targetGUID="f1000000-0000-0000-0000-000000000002"/>
  </Links>
  <Sets>
    <Set guid="91000000-0000-0000-0000-000000000001" name="Wave 1"><Description>first wave</Description>
      <MemberSource targetGUID="b1000000-0000-0000-0000-000000000001"/></Set>
  </Sets>
</Project>
"""


def test_memos_on_spans_and_codings_quote_their_span_and_the_summary_says_what_was_joined_or_left_out(tmp_path):
    schema = etree.XMLSchema(etree.parse(str(PROJECT_XSD)))
    assert schema.validate(etree.fromstring(ANNOTATED.encode())), schema.error_log
    result = run_cli("import-qdpx", make_qdpx(tmp_path / "a.qdpx", ANNOTATED), tmp_path / "a.coder")
    assert result.returncode == 0, result.stderr
    conn = open_project(tmp_path / "a.coder", readonly=True)
    memos = {(m.target_id, m.coder): m.text for m in tables.memos_frame(conn).itertuples()}
    conn.close()
    assert memos == {
        # Bob's two notes, on his selection and on its coding: one memo (one per coder on a response)
        ("r1", "Bob"): "“workload”: memo on the selection\n\n“workload”: memo on the coding",
        ("r1", "CK"): "“managers ignore us”: annotation by a Link",
        # a coding of the whole text has no span to quote; QualCoder's note has its own span
        ("r1", "Alice Smith"): "on the whole answer's coding\n\n“huge”: QualCoder's annotation"}
    assert ("(4 memos on a coded span or a coding filed on its response, quoting the span; "
            "2 memos joined to another by the same coder on the same target (coder keeps one memo per "
            "coder on each); 2 user ids, 1 variable description, 1 set description left out "
            "(coder has no place for them))") in result.stdout


def test_a_memo_on_a_whole_text_selection_quotes_nothing(tmp_path):
    """A selection (or QualCoder annotation) of the whole answer, as survey data is often coded, put
    the whole answer in quotes before the memo."""
    text = "Our workload is huge and managers ignore us."
    whole = (ANNOTATED.replace('startPosition="4" endPosition="12"', f'startPosition="0" endPosition="{len(text)}"')
             .replace('startPosition="16" endPosition="20"', f'startPosition="0" endPosition="{len(text)}"'))
    result = run_cli("import-qdpx", make_qdpx(tmp_path / "w.qdpx", whole), tmp_path / "w.coder")
    assert result.returncode == 0, result.stderr
    conn = open_project(tmp_path / "w.coder", readonly=True)
    memos = {(m.target_id, m.coder): m.text for m in tables.memos_frame(conn).itertuples()}
    conn.close()
    assert memos[("r1", "Bob")] == "memo on the selection\n\nmemo on the coding"
    assert memos[("r1", "Alice Smith")] == "on the whole answer's coding\n\nQualCoder's annotation"
    assert "(1 memo on a coded span" in result.stdout   # the Link's, on a part of the text
