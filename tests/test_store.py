"""The project file: creation, opening, migrations, transactions, the event log."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from coder.errors import ProjectError
from coder.store import create_project, get_meta, open_project, transaction
from coder.store.browse import any_uncoded, first_uncoded
from coder.store.codebook import list_codes, list_themes
from coder.store.codings import add_coding, codings_for_response, import_codings, remove_coding
from coder.store.drafts import draft_titles, drop_draft, get_draft, save_draft
from coder.store.events import list_events
from coder.store.exchange import add_coders, keep_guids, kept_guids, known_coders
from coder.store.responses import (count_responses, existing_ids, get_response, insert_responses,
                                   iter_responses)
from coder.store.suggestions import queue_candidates, start_run, write_chunk
from coder.store.schema import SCHEMA_VERSION
from helpers import downgrade, file_digest


def _add_code(conn, code_id="c1"):
    # The codebook module owns theme/code writes; a bare row is enough for these tests.
    with transaction(conn):
        conn.execute("INSERT OR IGNORE INTO themes(id, \"index\", label, position) VALUES ('t', '1', 'T', 0)")
        conn.execute("INSERT INTO codes(id, theme_id, \"index\", label, position) VALUES (?, 't', '1.1', ?, 0)",
                     (code_id, code_id))


def test_new_project_has_schema_wal_and_foreign_keys(conn):
    meta = get_meta(conn)
    assert meta["app"] == "coder"
    assert int(meta["schema_version"]) == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "responses", "themes", "codes", "codings", "suggestions", "memos", "charts",
            "events", "runs"} <= tables


def test_create_refuses_an_existing_file(project_path):
    before = file_digest(project_path)
    with pytest.raises(ProjectError, match="already exists"):
        create_project(project_path)
    assert file_digest(project_path) == before


def test_failed_setup_leaves_no_file(tmp_path):
    def setup(conn):
        conn.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")
        raise ValueError("bad codebook")

    with pytest.raises(ValueError):
        create_project(tmp_path / "new.coder", setup=setup)
    assert list(tmp_path.iterdir()) == []


def test_open_rejects_missing_and_foreign_files(tmp_path):
    with pytest.raises(ProjectError, match="no such project file"):
        open_project(tmp_path / "missing.coder")
    text_file = tmp_path / "notes.coder"
    text_file.write_text("not a database")
    with pytest.raises(ProjectError, match="not a coder project"):
        open_project(text_file)
    other_db = tmp_path / "other.db"
    sqlite3.connect(other_db).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(ProjectError, match="not a coder project"):
        open_project(other_db)


def test_open_refuses_a_newer_schema_and_leaves_it_alone(project_path):
    raw = sqlite3.connect(project_path)
    raw.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    raw.commit()
    raw.close()
    before = file_digest(project_path)
    with pytest.raises(ProjectError, match="newer coder"):
        open_project(project_path)
    assert file_digest(project_path) == before


def test_a_schema_1_project_is_upgraded_when_opened_for_writing(project_path):
    downgrade(project_path, 1)
    with pytest.raises(ProjectError, match="schema 1 needs upgrading"):
        open_project(project_path, readonly=True)
    conn = open_project(project_path)
    assert int(get_meta(conn)["schema_version"]) == SCHEMA_VERSION == 8
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'suggestions_by_code'").fetchone()
    save_draft(conn, "alice", "memo:project:", "Project memo", "half a thought")
    assert get_draft(conn, "alice", "memo:project:") == "half a thought"
    conn.close()


def test_a_schema_2_project_is_read_as_it_is_and_upgraded_only_for_writing(project_path):
    downgrade(project_path, 2)
    before = file_digest(project_path)
    reader = open_project(project_path, readonly=True)   # an export after upgrading coder
    assert count_responses(reader) == 0
    assert known_coders(reader) == [] and kept_guids(reader, "code") == {}   # no tables yet
    reader.close()
    assert file_digest(project_path) == before
    conn = open_project(project_path)
    assert int(get_meta(conn)["schema_version"]) == SCHEMA_VERSION and get_draft(conn, "alice", "x") is None
    add_coders(conn, ["cy"])
    assert known_coders(conn) == ["cy"]
    conn.close()


def test_coders_and_kept_guids_are_stored_once_each(conn):
    add_coders(conn, ["ben", "ana", "ben"])
    add_coders(conn, ["ana"])
    assert known_coders(conn) == ["ana", "ben"]
    keep_guids(conn, [("code", "c1", "AAAA", None), ("selection", "k", "BBBB", "so cross")])
    keep_guids(conn, [("code", "c1", "CCCC", None)])   # a second import of the same code wins
    assert kept_guids(conn, "code") == {"c1": ("CCCC", None)}
    assert kept_guids(conn, "selection") == {"k": ("BBBB", "so cross")}


def test_drafts_are_kept_per_coder_until_dropped(conn):
    save_draft(conn, "alice", "memo:response:r1", "Memo on response r1", "first")
    save_draft(conn, "alice", "memo:response:r1", "Memo on response r1", "first words, then more")
    save_draft(conn, "bob", "memo:response:r1", "Memo on response r1", "bob's")
    save_draft(conn, "alice", "chart:r1:t", "Chart summary: r1 under theme 1", "cell")
    assert get_draft(conn, "alice", "memo:response:r1") == "first words, then more"
    assert draft_titles(conn, "alice") == ["Memo on response r1", "Chart summary: r1 under theme 1"]
    drop_draft(conn, "alice", "memo:response:r1")
    assert get_draft(conn, "alice", "memo:response:r1") is None
    assert get_draft(conn, "bob", "memo:response:r1") == "bob's"
    assert draft_titles(conn, "alice") == ["Chart summary: r1 under theme 1"]
    assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)   # drafts are not decisions


def test_transaction_rolls_back_everything_on_error(conn):
    with pytest.raises(RuntimeError):
        with transaction(conn):
            insert_responses(conn, [("r1", "one", {})])
            raise RuntimeError("stop")
    assert count_responses(conn) == 0


def test_responses_keep_order_attributes_and_detect_existing_ids(conn):
    insert_responses(conn, [("b", "second?", {"setting": "adults"}), ("a", "first", {})], source="x.csv")
    insert_responses(conn, [("c", "third", {"n": 3})])
    assert [r.id for chunk in iter_responses(conn, chunk_size=2) for r in chunk] == ["b", "a", "c"]
    assert get_response(conn, "b").attributes == {"setting": "adults"}
    assert existing_ids(conn, ["a", "z", "c"]) == {"a", "c"}
    with pytest.raises(sqlite3.IntegrityError):
        insert_responses(conn, [("a", "again", {})])
    insert_responses(conn, [("a", "replaced", {"k": 1})], replace=True)
    assert get_response(conn, "a").text == "replaced"
    assert get_response(conn, "a").position == 1


def test_codings_are_logged_and_unique(conn):
    insert_responses(conn, [("r1", "some text here", {})])
    _add_code(conn)
    assert add_coding(conn, "r1", "c1", "alice") is not None
    assert add_coding(conn, "r1", "c1", "alice") is None  # already there
    assert add_coding(conn, "r1", "c1", "alice", start=0, end=4) is not None
    assert add_coding(conn, "r1", "c1", "bob") is not None
    assert len(codings_for_response(conn, "r1", coder="alice")) == 2
    removed = remove_coding(conn, "r1", "c1", "alice", start=0, end=4)
    assert (removed.start, removed.end) == (0, 4)
    assert remove_coding(conn, "r1", "c1", "alice", start=0, end=4) is None
    actions = [(e.coder, e.action) for e in list_events(conn)]
    assert actions == [("alice", "coding.add"), ("alice", "coding.add"), ("bob", "coding.add"),
                       ("alice", "coding.remove")]


def test_spans_must_be_well_formed(conn):
    insert_responses(conn, [("r1", "text", {})])
    _add_code(conn)
    with pytest.raises(sqlite3.IntegrityError):
        add_coding(conn, "r1", "c1", "alice", start=3, end=3)
    with pytest.raises(sqlite3.IntegrityError):
        add_coding(conn, "r1", "unknown-code", "alice")


def test_import_codings_logs_one_event_and_skips_existing(conn):
    insert_responses(conn, [("r1", "a", {}), ("r2", "b", {})])
    _add_code(conn)
    add_coding(conn, "r1", "c1", "alice")
    assert import_codings(conn, [("r1", "c1"), ("r2", "c1")], "alice", source="old.csv") == 1
    imports = [e for e in list_events(conn) if e.action == "codings.import"]
    assert len(imports) == 1 and imports[0].data["added"] == 1


def test_event_log_is_append_only(conn):
    insert_responses(conn, [("r1", "a", {})])
    _add_code(conn)
    add_coding(conn, "r1", "c1", "alice")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET coder = 'mallory'")


def test_a_killed_writer_loses_no_committed_decision(project_path):
    """SIGKILL in the middle of a stream of commits: every committed coding survives."""
    conn = open_project(project_path)
    insert_responses(conn, [(f"r{i}", f"text {i}", {}) for i in range(5000)])
    _add_code(conn)
    conn.close()
    script = textwrap.dedent(f"""
        import sys
        from coder.store import open_project
        from coder.store.codings import add_coding
        conn = open_project({str(project_path)!r})
        for i in range(5000):
            add_coding(conn, f"r{{i}}", "c1", "alice")
            print(i, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 200:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = open_project(project_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    logged = conn.execute("SELECT count(*) FROM events WHERE action = 'coding.add'").fetchone()[0]
    assert stored >= acknowledged + 1
    assert stored == logged
    conn.close()


def test_any_uncoded_per_coder(tmp_path):
    conn = create_project(tmp_path / "u.coder")
    _add_code(conn)
    insert_responses(conn, [("a", "one", {}), ("b", "two", {})])
    assert any_uncoded(conn, None) and any_uncoded(conn, "alice")
    import_codings(conn, [("a", "c1"), ("b", "c1")], "alice")
    import_codings(conn, [("a", "c1")], "bob")
    assert not any_uncoded(conn, None) and not any_uncoded(conn, "alice")
    assert any_uncoded(conn, "bob")
    conn.close()


def test_first_uncoded_looks_ahead_then_wraps_round_reading_a_chunk_at_a_time(tmp_path):
    conn = create_project(tmp_path / "u.coder")
    _add_code(conn)
    ids = [f"r{i}" for i in range(7)]
    insert_responses(conn, [(rid, "text", {}) for rid in ids])
    import_codings(conn, [(rid, "c1") for rid in ("r2", "r3", "r4", "r5", "r6")], "alice")
    import_codings(conn, [("r0", "c1")], "bob")
    for chunk in (2, 500):
        assert first_uncoded(conn, ids, "alice", start=2, chunk=chunk) == 0     # past the end, round to r0
        assert first_uncoded(conn, ids, "alice", start=1, chunk=chunk) == 1
        assert first_uncoded(conn, ids, None, start=2, chunk=chunk) == 1        # bob coded r0
        assert first_uncoded(conn, ids[::-1], "alice", start=0, chunk=chunk) == 5   # the order given
    import_codings(conn, [("r0", "c1"), ("r1", "c1")], "alice")
    assert first_uncoded(conn, ids, "alice", start=3, chunk=2) is None
    assert first_uncoded(conn, [], "alice") is None
    conn.close()


def test_a_schema_5_project_upgrades_to_the_code_tree_keeping_every_decision(project_path):
    conn = open_project(project_path)
    _add_code(conn)
    insert_responses(conn, [("r1", "one", {})])
    add_coding(conn, "r1", "c1", "alice")
    conn.close()
    downgrade(project_path, 5)
    before = sqlite3.connect(project_path)
    decisions = before.execute("SELECT * FROM codings").fetchall() + before.execute("SELECT * FROM events").fetchall()
    before.close()
    reader = open_project(project_path, readonly=True)   # read as it is: a flat tree
    [code] = list_codes(reader)
    assert (code.parent_id, code.codable, list_themes(reader)[0].codable) == (None, True, False)
    reader.close()
    conn = open_project(project_path)
    assert int(get_meta(conn)["schema_version"]) == SCHEMA_VERSION == 8
    assert conn.execute("SELECT parent_id, codable FROM codes").fetchall() == [(None, 1)]
    assert conn.execute("SELECT codable FROM themes").fetchall() == [(0,)]
    assert (conn.execute("SELECT * FROM codings").fetchall() + conn.execute("SELECT * FROM events").fetchall()
            == decisions)
    conn.close()


def test_a_schema_6_project_read_as_it_is_orders_its_queue_by_the_best_codes_it_kept(project_path):
    conn = open_project(project_path)
    insert_responses(conn, [("r1", "printer jammed", {}), ("r2", "lunch late", {})])
    run_id = start_run(conn, engine="keywords", scope="all", coder=None, params={}, total=2)
    write_chunk(conn, run_id, [], [("r1", 0.9, "printer", 0.6, "lunch", 0.3, 0.35),
                                   ("r2", 0.5, "lunch", 0.7, "printer", 0.2, 0.5)], done=2)
    conn.close()
    downgrade(project_path, 6)
    before = file_digest(project_path)
    reader = open_project(project_path, readonly=True)
    assert queue_candidates(reader) == [("r1", 0.9, "printer", None, None), ("r2", 0.5, "lunch", None, None)]
    reader.close()
    assert file_digest(project_path) == before


def test_a_schema_7_run_upgraded_queues_an_older_runs_responses_by_their_best_code(project_path):
    conn = open_project(project_path)
    insert_responses(conn, [("r1", "printer jammed", {}), ("r2", "lunch late", {}), ("r3", "", {})])
    run_id = start_run(conn, engine="keywords", scope="all", coder=None, params={}, total=3)
    write_chunk(conn, run_id, [], [("r1", 0.9, "printer", 0.6, "lunch", 0.3, 0.35),
                                   ("r2", 0.5, "lunch", 0.7, "printer", 0.2, 0.5),
                                   ("r3", 0.0, None, 0.0, None, 0.0, 1.0)], done=3)
    conn.execute("UPDATE suggestion_scores SET unsure_code = NULL WHERE response_id = 'r2'")   # an older run's row
    conn.close()
    downgrade(project_path, 7)
    reader = open_project(project_path, readonly=True)
    assert queue_candidates(reader) == [("r1", 0.9, "lunch", None, None), ("r2", 0.5, "lunch", None, None),
                                        ("r3", 0.0, None, None, None)]
    reader.close()
    conn = open_project(project_path)
    assert queue_candidates(conn) == [("r1", 0.9, "lunch", None, None), ("r2", 0.5, "lunch", None, None),
                                      ("r3", 0.0, None, None, None)]
    assert conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'suggestion_scores' AND type = 'index' "
                        "AND sql IS NOT NULL").fetchall() == [("suggestion_scores_by_unsure_code",)]
    conn.close()


def test_a_failed_upgrade_leaves_the_schema_5_file_as_it_was(project_path):
    downgrade(project_path, 5)
    raw = sqlite3.connect(project_path)
    raw.execute("CREATE TABLE in_the_way (x)")
    raw.execute("CREATE INDEX codes_by_parent ON in_the_way(x)")   # the upgrade's index name is taken
    raw.commit()
    raw.close()
    with pytest.raises(ProjectError, match="codes_by_parent already exists"):
        open_project(project_path)
    raw = sqlite3.connect(project_path)
    assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("5",)
    assert "parent_id" not in {row[1] for row in raw.execute("PRAGMA table_info(codes)")}
    raw.close()
