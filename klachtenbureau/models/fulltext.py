"""Full-text search over complaints: number, complainant name, description and timeline notes.

One searchable document per complaint, kept up to date by the database itself
(triggers), so every program that writes — this application on another PC,
an import, the command line — keeps it right without knowing it exists.

* SQLite: an FTS5 table ``complaint_fts`` whose rowid is the complaint id,
  tokenised with ``unicode61 remove_diacritics 2`` (``Ozturk`` finds ``Öztürk``);
  the letters that tokenizer keeps (ø, ł, æ, ß, …) are made plain by the
  triggers first (``folding.sqlite_letters``).
* PostgreSQL: a table ``complaint_search`` with a ``tsvector`` per complaint
  and a GIN index. The text is folded to plain lower-case letters and digits
  by the SQL function ``kb_search_text``, built on ``kb_fold`` (models/folding.py):
  no extension such as ``unaccent`` is needed, so an office without superuser
  rights can install it, and the server's locale does not matter.

The words searched for are folded the same way in Python (``folding.fold``).

Timeline entries of kind ``step`` are left out: they name the staff member who
took the step ("geregistreerd door Sanne de Vries"), and a search for a
complainant called De Vries should not find every complaint Sanne took.

``matching_ids(text)`` is the one thing callers use: a sub-query of complaint
ids that contain every word typed (each as a prefix), the same on both engines.
"""

from __future__ import annotations

import re

import peewee

from klachtenbureau.models.database import db, is_sqlite
from klachtenbureau.models.folding import fold, postgres_function, sqlite_letters

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_PREFIX = 2  # a single letter is matched as a whole word, not as the start of every word

# The document of one complaint, as SQL over ``complaint c`` (``r`` its relation).
_NOTES = ("(SELECT {agg} FROM timeline_entry t WHERE t.complaint_id = c.id AND t.kind <> 'step')")


def _sqlite_notes(complaint_id: str) -> str:
    return sqlite_letters(f"coalesce((SELECT group_concat(summary, ' ') FROM timeline_entry "
                          f"WHERE complaint_id = {complaint_id} AND kind <> 'step'), '')")


def _sqlite_triggers() -> dict[str, str]:
    name = sqlite_letters("coalesce((SELECT name FROM relation WHERE id = NEW.relation_id), '')")
    return {
        "complaint_fts_insert": f"""
            AFTER INSERT ON complaint BEGIN
                INSERT INTO complaint_fts (rowid, number, name, description, notes)
                VALUES (NEW.id, replace(NEW.number, '-', ' '), {name}, {sqlite_letters("NEW.description")}, '');
            END""",
        "complaint_fts_update": f"""
            AFTER UPDATE OF number, description, relation_id ON complaint BEGIN
                UPDATE complaint_fts SET number = replace(NEW.number, '-', ' '), name = {name},
                    description = {sqlite_letters("NEW.description")}
                WHERE rowid = NEW.id;
            END""",
        "complaint_fts_delete": """
            AFTER DELETE ON complaint BEGIN
                DELETE FROM complaint_fts WHERE rowid = OLD.id;
            END""",
        "relation_fts_name": f"""
            AFTER UPDATE OF name ON relation BEGIN
                UPDATE complaint_fts SET name = {sqlite_letters("NEW.name")}
                WHERE rowid IN (SELECT id FROM complaint WHERE relation_id = NEW.id);
            END""",
        "timeline_fts_insert": f"""
            AFTER INSERT ON timeline_entry WHEN NEW.kind <> 'step' BEGIN
                UPDATE complaint_fts SET notes = {_sqlite_notes("NEW.complaint_id")} WHERE rowid = NEW.complaint_id;
            END""",
        "timeline_fts_update": f"""
            AFTER UPDATE OF summary, kind ON timeline_entry BEGIN
                UPDATE complaint_fts SET notes = {_sqlite_notes("NEW.complaint_id")} WHERE rowid = NEW.complaint_id;
            END""",
        "timeline_fts_delete": f"""
            AFTER DELETE ON timeline_entry WHEN OLD.kind <> 'step' BEGIN
                UPDATE complaint_fts SET notes = {_sqlite_notes("OLD.complaint_id")} WHERE rowid = OLD.complaint_id;
            END""",
    }


def _sqlite_statements() -> list[str]:
    statements = [
        "CREATE VIRTUAL TABLE IF NOT EXISTS complaint_fts USING fts5("
        "number, name, description, notes, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    ]
    for name, body in _sqlite_triggers().items():  # replaced, so an upgrade brings the current ones
        statements += [f"DROP TRIGGER IF EXISTS {name}", f"CREATE TRIGGER {name} {body}"]
    return statements


def _postgres_statements() -> list[str]:
    notes = _NOTES.format(agg="string_agg(t.summary, ' ')")
    return [
        postgres_function(),
        """CREATE OR REPLACE FUNCTION kb_search_text(value text) RETURNS text AS $$
            SELECT regexp_replace(kb_fold(coalesce(value, '')), '[^[:alnum:]]+', ' ', 'g')
            $$ LANGUAGE sql IMMUTABLE""",
        """CREATE TABLE IF NOT EXISTS complaint_search (
               complaint_id integer PRIMARY KEY REFERENCES complaint (id) ON DELETE CASCADE,
               document tsvector NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS complaint_search_document ON complaint_search USING gin (document)",
        f"""CREATE OR REPLACE FUNCTION complaint_search_refresh(wanted integer) RETURNS void AS $$
            INSERT INTO complaint_search (complaint_id, document)
            SELECT c.id, to_tsvector('simple', kb_search_text(
                       c.number || ' ' || coalesce(r.name, '') || ' ' || c.description || ' '
                       || coalesce({notes}, '')))
            FROM complaint c LEFT JOIN relation r ON r.id = c.relation_id
            WHERE c.id = wanted
            ON CONFLICT (complaint_id) DO UPDATE SET document = EXCLUDED.document
            $$ LANGUAGE sql""",
        """CREATE OR REPLACE FUNCTION complaint_search_on_complaint() RETURNS trigger AS $$
            BEGIN PERFORM complaint_search_refresh(NEW.id); RETURN NULL; END $$ LANGUAGE plpgsql""",
        """CREATE OR REPLACE FUNCTION complaint_search_on_relation() RETURNS trigger AS $$
            BEGIN
                PERFORM complaint_search_refresh(c.id) FROM complaint c WHERE c.relation_id = NEW.id;
                RETURN NULL;
            END $$ LANGUAGE plpgsql""",
        """CREATE OR REPLACE FUNCTION complaint_search_on_timeline() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    IF OLD.kind <> 'step' THEN PERFORM complaint_search_refresh(OLD.complaint_id); END IF;
                ELSIF NEW.kind <> 'step' OR (TG_OP = 'UPDATE' AND OLD.kind <> 'step') THEN
                    PERFORM complaint_search_refresh(NEW.complaint_id);
                END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS complaint_search_complaint ON complaint",
        """CREATE TRIGGER complaint_search_complaint
               AFTER INSERT OR UPDATE OF number, description, relation_id ON complaint
               FOR EACH ROW EXECUTE FUNCTION complaint_search_on_complaint()""",
        "DROP TRIGGER IF EXISTS complaint_search_relation ON relation",
        """CREATE TRIGGER complaint_search_relation AFTER UPDATE OF name ON relation
               FOR EACH ROW EXECUTE FUNCTION complaint_search_on_relation()""",
        "DROP TRIGGER IF EXISTS complaint_search_timeline ON timeline_entry",
        """CREATE TRIGGER complaint_search_timeline
               AFTER INSERT OR UPDATE OF summary, kind OR DELETE ON timeline_entry
               FOR EACH ROW EXECUTE FUNCTION complaint_search_on_timeline()""",
    ]


def create_fulltext() -> None:
    """Create the search structures (idempotent); call inside the schema transaction."""
    for statement in _sqlite_statements() if is_sqlite() else _postgres_statements():
        db.execute_sql(statement)


def rebuild_fulltext() -> None:
    """Fill the search structures from the complaints already in the database."""
    if is_sqlite():
        notes = _NOTES.format(agg="group_concat(t.summary, ' ')")
        name, description, notes = (sqlite_letters(column) for column in (
            "coalesce(r.name, '')", "c.description", f"coalesce({notes}, '')"))
        db.execute_sql("DELETE FROM complaint_fts")
        db.execute_sql(
            "INSERT INTO complaint_fts (rowid, number, name, description, notes) "
            f"SELECT c.id, replace(c.number, '-', ' '), {name}, {description}, {notes} "
            "FROM complaint c LEFT JOIN relation r ON r.id = c.relation_id")
    else:
        notes = _NOTES.format(agg="string_agg(t.summary, ' ')")
        db.execute_sql("DELETE FROM complaint_search")
        db.execute_sql(
            "INSERT INTO complaint_search (complaint_id, document) "
            "SELECT c.id, to_tsvector('simple', kb_search_text(c.number || ' ' || coalesce(r.name, '') || ' ' "
            f"|| c.description || ' ' || coalesce({notes}, ''))) "
            "FROM complaint c LEFT JOIN relation r ON r.id = c.relation_id")


def search_words(text: str) -> list[str]:
    """The words of a search text, lower-case, in the order typed, without repeats."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in words:
            words.append(word)
    return words


def _pattern(word: str, quote: bool) -> str:
    prefix = len(word) >= MIN_PREFIX
    if quote:
        return f'"{word}"' + ("*" if prefix else "")
    return word + (":*" if prefix else "")


_MATCHING_SQLITE = "SELECT rowid FROM complaint_fts WHERE complaint_fts MATCH ?"
_MATCHING_POSTGRES = "SELECT complaint_id FROM complaint_search WHERE document @@ to_tsquery('simple', %s)"


def matching_ids(text: str) -> peewee.Node | None:
    """The ids of complaints containing every word of ``text``, for ``Complaint.id.in_(…)``; None for no words."""
    words = [fold(word) for word in search_words(text)]
    if is_sqlite():
        if not words:
            return None
        # Words are \w+ only, so they cannot carry FTS5 syntax; quoting keeps keywords like AND literal.
        expression = " ".join(_pattern(word, quote=True) for word in words)
        return peewee.SQL(f"({_MATCHING_SQLITE})", (expression,))
    folded = [w for w in ("".join(ch for ch in word if ch.isalnum()) for word in words) if w]
    if not folded:
        return None
    expression = " & ".join(_pattern(word, quote=False) for word in folded)
    return peewee.SQL(f"({_MATCHING_POSTGRES})", (expression,))


def matches_at_least(found: peewee.Node, count: int) -> bool:
    """Whether the ids of ``found`` (``matching_ids``) number ``count`` or more, reading no more than that."""
    inner = _MATCHING_SQLITE if is_sqlite() else _MATCHING_POSTGRES
    return db.execute_sql(f"SELECT COUNT(*) FROM ({inner} LIMIT {int(count)}) AS probe",
                          found.params).fetchone()[0] >= count
