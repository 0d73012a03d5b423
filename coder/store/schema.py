"""The project file's schema: numbered forward migrations.

The tables are a documented, stable format (see README "The project file"):
researchers query them with SQL or pandas, so names and key columns do not change;
later versions only add columns and tables. `MIGRATIONS[n]` takes a project from
schema version n to n + 1.
"""

from __future__ import annotations

# Indexes a suggestion run drops while it writes (rows at random places in an
# index make each chunk's write several times dearer) and builds when it ends.
RUN_INDEXES = {
    "suggestion_scores_by_unsure_code":
        "CREATE INDEX IF NOT EXISTS suggestion_scores_by_unsure_code ON suggestion_scores(unsure_code, uncertainty DESC)",
}

SCHEMA_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE responses (
    id          TEXT PRIMARY KEY,
    text        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    attributes  TEXT NOT NULL DEFAULT '{}',   -- JSON object: column -> value
    imported_at TEXT NOT NULL,
    source      TEXT                          -- file the response came from
);
CREATE INDEX responses_by_position ON responses(position);

CREATE TABLE themes (
    id          TEXT PRIMARY KEY,
    "index"     TEXT NOT NULL,
    label       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL,
    retired     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE codes (
    id          TEXT PRIMARY KEY,
    theme_id    TEXT NOT NULL REFERENCES themes(id),
    "index"     TEXT NOT NULL,
    label       TEXT NOT NULL,
    definition  TEXT NOT NULL DEFAULT '',
    include     TEXT NOT NULL DEFAULT '[]',   -- JSON list of rules
    exclude     TEXT NOT NULL DEFAULT '[]',   -- JSON list of rules
    keywords    TEXT NOT NULL DEFAULT '[]',   -- JSON list of words and phrases
    color       TEXT,
    key         TEXT,                         -- keyboard shortcut in the UI
    position    INTEGER NOT NULL,
    retired     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX codes_by_theme ON codes(theme_id, position);

CREATE TABLE codings (
    id          INTEGER PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    code_id     TEXT NOT NULL REFERENCES codes(id),
    coder       TEXT NOT NULL,
    start       INTEGER,                      -- code-point offsets; NULL = whole response
    "end"       INTEGER,
    origin      TEXT NOT NULL CHECK (origin IN ('manual', 'accepted', 'imported', 'consensus')),
    created_at  TEXT NOT NULL,
    CHECK ((start IS NULL) = ("end" IS NULL)),
    CHECK (start IS NULL OR (start >= 0 AND "end" > start))
);
CREATE UNIQUE INDEX codings_unique
    ON codings(response_id, code_id, coder, ifnull(start, -1), ifnull("end", -1));
CREATE INDEX codings_by_code ON codings(code_id);
CREATE INDEX codings_by_coder ON codings(coder, response_id);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'done', 'interrupted', 'failed')),
    engine      TEXT NOT NULL,
    scope       TEXT NOT NULL,
    coder       TEXT,
    params      TEXT NOT NULL DEFAULT '{}',   -- JSON: options the run was started with
    total       INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE suggestions (
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    code_id     TEXT NOT NULL REFERENCES codes(id),
    score       REAL NOT NULL,
    threshold   REAL NOT NULL,
    engine      TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '{}',   -- JSON
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    PRIMARY KEY (response_id, code_id)
);
CREATE INDEX suggestions_by_code ON suggestions(code_id);

-- Per response scored by a run: how unsure the engine was (1 = a score at a
-- threshold) and its best code, for the active-learning queue.
CREATE TABLE suggestion_scores (
    response_id TEXT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    uncertainty REAL NOT NULL,
    best_code   TEXT,
    best_score  REAL NOT NULL DEFAULT 0
);
CREATE INDEX suggestion_scores_by_uncertainty ON suggestion_scores(uncertainty DESC);

-- Cross-validated quality of suggestions (`coder evaluate`), per code.
CREATE TABLE evaluations (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT NOT NULL,
    coder       TEXT,                         -- whose coding; NULL = everyone's
    engine      TEXT NOT NULL,
    folds       INTEGER NOT NULL,
    texts       INTEGER NOT NULL,
    overall     TEXT NOT NULL DEFAULT '{}',   -- JSON: micro/macro/samples F1, exact match
    curve       TEXT NOT NULL DEFAULT '[]'    -- JSON: learning curve points
);
CREATE TABLE evaluation_codes (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    code_id       TEXT NOT NULL,
    positives     INTEGER NOT NULL,
    precision     REAL NOT NULL,
    recall        REAL NOT NULL,
    f1            REAL NOT NULL,
    engine        TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, code_id)
);

CREATE TABLE memos (
    id          INTEGER PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN ('project', 'response', 'theme', 'code')),
    target_id   TEXT NOT NULL DEFAULT '',
    coder       TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (target_type, target_id, coder)
);

CREATE TABLE charts (
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    theme_id    TEXT NOT NULL REFERENCES themes(id),
    coder       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (response_id, theme_id, coder)
);

-- Append-only: every change to codings, memos, charts and the codebook.
-- `action` names the change (e.g. 'coding.add'); `data` is JSON with what is
-- needed to apply and to invert it. `undoes` points at the event an undo or
-- redo event reverses or re-applies.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    coder   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    data    TEXT NOT NULL DEFAULT '{}',
    undoes  INTEGER REFERENCES events(id)
);
CREATE INDEX events_by_coder ON events(coder, id);
CREATE INDEX events_by_target ON events(target, coder);  -- a response's history (rejections)

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"""

# Version 2: no index of suggestions by code. Only deleting a code's suggestions
# (merging or deleting the code) used it, and rebuilding it cost every batch run
# a quarter of a second per million suggestions.
SCHEMA_V2 = """
DROP INDEX IF EXISTS suggestions_by_code;
"""

# Version 3: drafts of notes (memos, chart summaries) as they are typed in the
# coding UI, so a killed terminal loses no typed text. `note` is the UI's key of
# what the note is on, `title` what the editor called it.
SCHEMA_V3 = """
CREATE TABLE drafts (
    coder    TEXT NOT NULL,
    note     TEXT NOT NULL,
    title    TEXT NOT NULL,
    text     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (coder, note)
);
"""

# Version 4: what a REFI-QDA exchange keeps (coder.refi). `coders` holds the
# coders a project knows whether or not they have coded (a User of an imported
# project who coded nothing); `refi_guids` the GUID each imported element had,
# written back on export so the program that made the file sees its own elements
# again. `kind` and `key` name the element in coder's terms (coder.store.exchange);
# `name` is what a client called it where coder has no field (a selection's, a note's).
SCHEMA_V4 = """
CREATE TABLE coders (
    name     TEXT PRIMARY KEY,
    added_at TEXT NOT NULL
);
CREATE TABLE refi_guids (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    guid TEXT NOT NULL,
    name TEXT,
    PRIMARY KEY (kind, key)
);
"""

# Version 5: samples of responses drawn for double coding (`coder sample`): what
# each was drawn with, and its responses with the stratum each came from.
SCHEMA_V5 = """
CREATE TABLE samples (
    name         TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    by_attribute TEXT,                        -- stratified by this attribute; NULL = simple random
    seed         INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE TABLE sample_responses (
    sample      TEXT NOT NULL REFERENCES samples(name) ON DELETE CASCADE,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    stratum     TEXT,                         -- the attribute value it was drawn under
    PRIMARY KEY (sample, response_id)
);
"""

# Version 6: the code tree (coder.records.Code). `parent_id` makes a code a
# sub-code of another at any depth (NULL: directly under its theme, as every
# code of an older project is); a sub-code keeps its parent's theme_id, so the
# framework view (theme -> codes) and everything keyed by theme stay as they were.
# `codable` keeps REFI's isCodable as a codebook came: on codes (1, as coder has
# always exported them) and on themes (0, likewise); a theme's `color` is what a
# category had in the program it came from. Only columns are added: every
# decision of a version-5 project is kept as it is.
SCHEMA_V6 = """
ALTER TABLE codes ADD COLUMN parent_id TEXT REFERENCES codes(id);
ALTER TABLE codes ADD COLUMN codable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE themes ADD COLUMN codable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE themes ADD COLUMN color TEXT;
CREATE INDEX codes_by_parent ON codes(parent_id);
"""

# Version 7: the code of a scored response's closest call (coder.suggest.scoring.closeness),
# the code its `uncertainty` is measured on, so the coding queue varies its picks by
# what each response would teach the engine about (rows of older runs hold NULL,
# and the queue falls back to their best code).
SCHEMA_V7 = """
ALTER TABLE suggestion_scores ADD COLUMN unsure_code TEXT;
"""

# Version 8: that closest call's score and its code's threshold, so the coding screen can say how
# close the call is without the model (rows of older runs hold NULL, and their best code stands in
# for the call's code, as the queue read it). The queue takes each code's most unsure responses
# from an index by code and uncertainty, which replaces the one by uncertainty alone.
SCHEMA_V8 = """
ALTER TABLE suggestion_scores ADD COLUMN unsure_score REAL;
ALTER TABLE suggestion_scores ADD COLUMN unsure_threshold REAL;
UPDATE suggestion_scores SET unsure_code = best_code WHERE unsure_code IS NULL;
DROP INDEX IF EXISTS suggestion_scores_by_uncertainty;
CREATE INDEX suggestion_scores_by_unsure_code ON suggestion_scores(unsure_code, uncertainty DESC);
"""

# MIGRATIONS[n] upgrades version n to n + 1; version 0 is an empty file.
MIGRATIONS: list[str] = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6, SCHEMA_V7, SCHEMA_V8]

SCHEMA_VERSION = len(MIGRATIONS)
# A read-only open (exports, statistics) cannot upgrade a file, and needs not from
# this version on: later versions only add what readers do without (drafts; the
# tables of version 4 read as empty where absent, see coder.store.exchange; samples,
# which a schema 2 to 4 file cannot hold; the columns of version 6 read as a flat
# tree of codable codes where absent, see coder.store.codebook_read; the column of
# version 7, which only the coding queue reads, reads as each response's best code, and those of
# version 8 as calls whose score was not kept).
OLDEST_READABLE = 2
