"""Full-text search indexes for community posts, one kind per database.

PostgreSQL: GIN expression indexes on ``to_tsvector('english', …)`` of post bodies and
thread titles; kindred.community.search writes the same expressions so the planner uses them.

SQLite: two external-content FTS5 tables (porter stemming) kept in step by triggers.
External content means the text is stored once, in the real tables; the delete
triggers hand FTS5 the old values, which is what it needs to remove them, so a plain
``DELETE FROM community_post`` (Django's test flush) keeps the index consistent.

Caveat for later migrations on SQLite: when Django has to rebuild ``community_post``
or ``community_thread`` (``_remake_table``), the triggers are dropped with the old
table. Such a migration must run ``install_sqlite`` again (it is idempotent and
rebuilds the index).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS community_post_body_fts ON community_post USING gin (to_tsvector('english', body))",
    "CREATE INDEX IF NOT EXISTS community_thread_title_fts ON community_thread USING gin (to_tsvector('english', title))",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS community_post_body_fts",
    "DROP INDEX IF EXISTS community_thread_title_fts",
]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS community_post_fts USING fts5("
    "body, content='community_post', content_rowid='id', tokenize='porter unicode61')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS community_thread_fts USING fts5("
    "title, content='community_thread', content_rowid='id', tokenize='porter unicode61')",
    # Posts.
    """CREATE TRIGGER IF NOT EXISTS community_post_fts_insert AFTER INSERT ON community_post BEGIN
        INSERT INTO community_post_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS community_post_fts_delete AFTER DELETE ON community_post BEGIN
        INSERT INTO community_post_fts(community_post_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS community_post_fts_update AFTER UPDATE OF body ON community_post
    WHEN old.body IS NOT new.body BEGIN
        INSERT INTO community_post_fts(community_post_fts, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO community_post_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    # Thread titles.
    """CREATE TRIGGER IF NOT EXISTS community_thread_fts_insert AFTER INSERT ON community_thread BEGIN
        INSERT INTO community_thread_fts(rowid, title) VALUES (new.id, new.title);
    END""",
    """CREATE TRIGGER IF NOT EXISTS community_thread_fts_delete AFTER DELETE ON community_thread BEGIN
        INSERT INTO community_thread_fts(community_thread_fts, rowid, title) VALUES ('delete', old.id, old.title);
    END""",
    """CREATE TRIGGER IF NOT EXISTS community_thread_fts_update AFTER UPDATE OF title ON community_thread
    WHEN old.title IS NOT new.title BEGIN
        INSERT INTO community_thread_fts(community_thread_fts, rowid, title) VALUES ('delete', old.id, old.title);
        INSERT INTO community_thread_fts(rowid, title) VALUES (new.id, new.title);
    END""",
    # Index what is already there (and repair after a table rebuild).
    "INSERT INTO community_post_fts(community_post_fts) VALUES ('rebuild')",
    "INSERT INTO community_thread_fts(community_thread_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS community_post_fts_insert",
    "DROP TRIGGER IF EXISTS community_post_fts_delete",
    "DROP TRIGGER IF EXISTS community_post_fts_update",
    "DROP TRIGGER IF EXISTS community_thread_fts_insert",
    "DROP TRIGGER IF EXISTS community_thread_fts_delete",
    "DROP TRIGGER IF EXISTS community_thread_fts_update",
    "DROP TABLE IF EXISTS community_post_fts",
    "DROP TABLE IF EXISTS community_thread_fts",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
    else:
        install_sqlite(apps, schema_editor)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_REVERSE)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("community", "0002_seed_spaces")]

    operations = [migrations.RunPython(forward, reverse)]
