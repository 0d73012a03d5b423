"""Search as a person expects it in any language: case and accents aside, offsets of the original text."""

from __future__ import annotations

from tui_project import make_project

from coder.store import open_project
from coder.store.browse import ListFilter, filtered_ids
from coder.store.responses import insert_responses
from coder.text_search import find, fold

TEXT = "Los niños y las Überstunden; cafe\u0301 y CAFÉ. が か. ΟΔΟΣ. İstanbul"


def found(query: str, text: str = TEXT) -> list[str]:
    return [text[start:end] for start, end in find(query, text)]


def test_case_is_folded_in_every_script_and_latin_accents_are_dropped():
    assert found("überstunden") == found("UBERSTUNDEN") == ["Überstunden"]
    assert found("NINOS") == found("niños") == ["niños"]
    assert found("café") == found("cafe") == ["cafe\u0301", "CAFÉ"]   # an accent of its own goes with its letter
    assert found("οδοσ") == ["ΟΔΟΣ"] and found("istanbul") == ["İstanbul"]


def test_a_mark_that_makes_another_letter_is_kept():
    assert found("か") == ["か"] and found("が") == ["が"]


def test_matches_do_not_overlap_and_an_empty_query_finds_nothing():
    assert find("aa", "aaaa") == [(0, 2), (2, 4)]
    assert find("", TEXT) == [] and find("  ", "a b") == []


def test_fold_is_the_form_both_sides_are_compared_in():
    assert fold("Überstunden") == "uberstunden" and fold("ABC") == "abc"


def test_the_list_search_finds_what_sqlite_lower_missed(tmp_path):
    """SQLite's lower() folds A-Z only: "überstunden" found no "Überstunden"."""
    path = make_project(tmp_path / "p.coder", n=3)
    conn = open_project(path)
    try:
        insert_responses(conn, [("de1", "Zu viele Überstunden.", {}), ("es1", "Los NIÑOS primero.", {}),
                                ("Ñ-7", "sin acento", {})])
        assert filtered_ids(conn, ListFilter(text="überstunden"), None) == ["de1"]
        assert filtered_ids(conn, ListFilter(text="ninos"), None) == ["es1"]
        assert filtered_ids(conn, ListFilter(text="ñ-7"), None) == ["Ñ-7"]     # ids too
    finally:
        conn.close()


def test_the_list_search_finds_what_fold_finds_whichever_way_sqlite_compares_a_text(tmp_path):
    """ASCII texts are compared by LIKE in SQLite, the others by `fold`: the two must agree,
    wildcards and escapes in the query included."""
    texts = ["Caseload TOO high", "100% of my time", "file_name and path", "back\\slash here", "Café au lait",
             "cafe\u0301 decomposed", "ﬁle with a ligature", "ÜBER the limit", "tab\tand NUL\x00inside", "caseloads"]
    path = make_project(tmp_path / "p.coder", n=0)
    conn = open_project(path)
    try:
        insert_responses(conn, [(f"r{i}", text, {}) for i, text in enumerate(texts)] + [("ID_50%", "x", {})])
        rows = conn.execute("SELECT id, text FROM responses ORDER BY position").fetchall()
        for query in ["caseload", "CASELOAD", "100%", "%", "_", "e_n", "\\", "h\\s", "cafe", "CAFÉ", "file",
                      "uber", "nul\x00i", "d_50", "_50%", "x" * 50_000]:
            expected = [rid for rid, text in rows if fold(query) in fold(text) or fold(query) in fold(rid)]
            assert filtered_ids(conn, ListFilter(text=query), None) == expected, query
    finally:
        conn.close()


def test_turkish_i_and_marks_written_apart_are_found_and_marked_whole():
    """kız missed KIZ; a か written with a separate dakuten was listed but not marked."""
    import unicodedata

    assert found("kız", "KIZLAR ve kız") == found("KIZ", "KIZLAR ve kız") == ["KIZ", "kız"]
    decomposed = unicodedata.normalize("NFD", "言語が難しい")
    assert found("が", decomposed) == [unicodedata.normalize("NFD", "が")] and found("か", decomposed) == []


def test_the_suggested_filter_leaves_out_what_the_coder_rejected(tmp_path):
    """The list's "suggested: code" filter counted a suggestion the coding screen no longer offers."""
    from tui_project import kw, write_run

    from coder.coding import reject_suggestion

    path = make_project(tmp_path / "rejected.coder", n=3)
    write_run(path, [kw("q0001", "staffing", 0.8), kw("q0002", "staffing", 0.7)])
    conn = open_project(path)
    try:
        reject_suggestion(conn, "q0001", "staffing", "alice")
        assert filtered_ids(conn, ListFilter(suggested="staffing"), "alice") == ["q0002"]
        assert filtered_ids(conn, ListFilter(suggested="staffing"), "bob") == ["q0001", "q0002"]
    finally:
        conn.close()
