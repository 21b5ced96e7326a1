"""Seed a dedicated PostgreSQL database with 10,000 threads and 1,000,000 posts.

    .venv/bin/python bench/community_seed.py [--db kindred_bench] [--reset]

Creates the database, runs ``kindred migrate`` against it, then fills it with set-based SQL
(``INSERT … SELECT generate_series``), never the ORM per row: 200 authors (plus one reader
account, ``bench-reader``), 10,000 threads over the seeded spaces with a heavy-tailed size
distribution (median ~35 posts, a few thousand-post threads, hundreds over 200), 1,000,000
posts inserted in time order so a thread's posts are scattered over the table as in real
life, ~3% of replies hidden or held, reactions on ~14% of posts, and ThreadRead rows. Ends with
``ANALYZE``. Idempotent: a seeded database is left alone unless ``--reset`` is given.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
THREADS = 10_000
POSTS = 1_000_000
AUTHORS = 200
SEED = 20240601


def bench_env(db: str, redis_db: int = 11) -> dict[str, str]:
    """Production-like environment (DEBUG off) pointing at the benchmark database."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "DEBUG": "false",
            "SECRET_KEY": env.get("BENCH_SECRET_KEY", "bench-only-" + "x" * 40),
            "KINDRED_ENCRYPTION_KEYS": env.get(
                "BENCH_ENCRYPTION_KEYS", Fernet.generate_key().decode("ascii")
            ),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(ROOT / "var" / "bench_static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    # Fixed for the whole run (server, query counter) so they agree.
    env["BENCH_SECRET_KEY"] = env["SECRET_KEY"]
    env["BENCH_ENCRYPTION_KEYS"] = env["KINDRED_ENCRYPTION_KEYS"]
    return env


def dsn(db: str) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{db}"


def thread_sizes(rng: random.Random) -> list[int]:
    """Posts per thread (opening post included), summing to exactly POSTS.

    Heavy-tailed: most threads short, a few hundred over 200 posts, a handful of
    thousand-post "megathreads" (Pareto, capped at 6,000)."""
    weights = [min(rng.paretovariate(1.3), 200.0) for _ in range(THREADS)]
    scale = (POSTS - THREADS) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    # Guarantee a few long threads whatever the draw, then fix the total.
    for i, n in enumerate((3000, 1500, 800, 450, 320, 260, 230, 210)):
        sizes[i * 97] = max(sizes[i * 97], n)
    diff = POSTS - sum(sizes)
    order = sorted(range(THREADS), key=lambda i: -sizes[i])
    i = 0
    while diff:
        j = order[i % 200]  # spread the correction over the 200 biggest threads
        step = 1 if diff > 0 else -1
        if sizes[j] + step >= 1:
            sizes[j] += step
            diff -= step
        i += 1
    return sizes


def _is_seeded(db: str) -> bool:
    with psycopg.connect(dsn(db)) as conn:
        table = conn.execute("SELECT to_regclass('bench_seed_info') IS NOT NULL").fetchone()
        if not table or not table[0]:
            return False
        return bool(conn.execute("SELECT 1 FROM bench_seed_info WHERE key = 'seeded'").fetchone())


def ensure_database(db: str, reset: bool) -> bool:
    """True when the database was (re)created and needs seeding.

    A database left half-seeded by an interrupted run is dropped and made again."""
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if exists and not reset and _is_seeded(db):
            return False
        if exists:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [db]
            )
            conn.execute(f'DROP DATABASE "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')
    return True


def migrate(db: str) -> None:
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kindred"), "migrate", "--noinput", "-v", "0"],
        env=bench_env(db),
        check=True,
        cwd=ROOT,
    )


def step(label: str, started: float) -> float:
    now = time.monotonic()
    print(f"  {label}: {now - started:.1f}s", flush=True)
    return now


SENTENCES = [
    "Some days are harder than others and today was one of them.",
    "I tried the breathing exercise someone posted here and it helped a little.",
    "Thank you all for listening, it means more than I can say.",
    "My sleep has been all over the place since the change in medication.",
    "I finally told my sister how I have been feeling and she was kind about it.",
    "Does anyone else find the evenings the worst part of the day?",
    "Going for a short walk every morning has made a small difference for me.",
    "I am three weeks in and still taking it one day at a time.",
    "It is okay not to be okay, I keep reminding myself of that.",
    "I wrote down three things that went well today, like someone suggested.",
]


def seed(db: str) -> None:
    rng = random.Random(SEED)
    sizes = thread_sizes(rng)
    t0 = time.monotonic()
    t = t0
    with psycopg.connect(dsn(db)) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET work_mem = '256MB'")
        # Generated ids are valid by construction: skip per-row FK trigger checks.
        conn.execute("SET session_replication_role = replica")

        spaces = conn.execute(
            "SELECT id, slug, age_band FROM community_space ORDER BY position"
        ).fetchall()
        adult = [s[0] for s in spaces if s[2] == "adult"]
        teen = [s[0] for s in spaces if s[2] == "teen"]

        # Users: 200 authors (adult) + 20 teen authors + one reader for signed-in runs.
        # Unusable password ('!'): the benchmark signs in by session, never by password.
        conn.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined,
                email, handle, legal_name, country, timezone, age_band)
            SELECT '!bench', false, false, true, now() - interval '800 days',
                   'bench-' || g || '@example.invalid', 'member' || lpad(g::text, 4, '0'),
                   '', '', 'UTC', CASE WHEN g > %s THEN 'teen' ELSE 'adult' END
            FROM generate_series(1, %s) g
            """,
            [AUTHORS, AUTHORS + 20],
        )
        conn.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined,
                email, handle, legal_name, country, timezone, age_band)
            VALUES ('!bench', false, false, true, now(), 'bench-reader@example.invalid',
                    'bench-reader', '', '', 'UTC', 'adult')
            """
        )
        conn.execute(
            """
            INSERT INTO accounts_userrole (user_id, role, granted_at)
            SELECT id, 'member', now() FROM accounts_user WHERE email LIKE 'bench-%'
            """
        )
        users = conn.execute(
            "SELECT min(id), max(id) FROM accounts_user "
            "WHERE email LIKE 'bench-%' AND age_band = 'adult' AND handle <> 'bench-reader'"
        ).fetchone()
        teen_users = conn.execute(
            "SELECT min(id), max(id) FROM accounts_user WHERE email LIKE 'bench-%' "
            "AND age_band = 'teen'"
        ).fetchone()
        assert users is not None and teen_users is not None
        t = step("users", t)

        # Threads: explicit ids; 95% in adult spaces (uneven), 5% in the teen space.
        base = conn.execute("SELECT coalesce(max(id), 0) FROM community_thread").fetchone()
        assert base is not None
        first_thread = base[0] + 1
        rows = []
        for i, n in enumerate(sizes):
            if teen and i % 20 == 19:
                space, lo, hi = teen[0], teen_users[0], teen_users[1]
            else:
                # Skewed: the first space gets the most threads.
                space = adult[min(int(rng.expovariate(0.7)), len(adult) - 1)]
                lo, hi = users
            hidden = rng.random() < 0.01
            rows.append(
                (
                    first_thread + i,
                    space,
                    rng.randint(lo, hi),
                    n,
                    rng.uniform(0, 700),  # created this many days ago
                    hidden,
                    not hidden and rng.random() < 0.005,  # held
                    rng.random() < 0.02,  # locked
                )
            )
        conn.execute(
            "CREATE TEMP TABLE bench_threads (id bigint, space_id bigint, author_id bigint, "
            "n int, age_days float8, hidden bool, held bool, locked bool)"
        )
        with conn.cursor().copy("COPY bench_threads FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.execute(
            """
            INSERT INTO community_thread (id, space_id, author_id, title, created_at,
                last_activity_at, last_post_id, reply_count, is_locked, is_hidden,
                hidden_reason, is_deleted, is_held)
            SELECT id, space_id, author_id,
                   (ARRAY['Struggling this week', 'Small win today', 'Anyone else?',
                          'How do you cope with evenings', 'Checking in', 'Advice welcome',
                          'One year on', 'Bad night'])[1 + id % 8] || ' #' || id,
                   now() - age_days * interval '1 day', now(), 0, 0, locked, hidden,
                   CASE WHEN hidden THEN 'Off topic' ELSE '' END, false, held
            FROM bench_threads
            """
        )
        t = step("threads", t)

        # Posts: drop secondary indexes, insert in time order, rebuild the indexes.
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'community_post' "
            "AND indexname NOT LIKE '%_pkey'"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("CREATE TEMP TABLE bench_sentences (i int, s text)")
        with conn.cursor().copy("COPY bench_sentences FROM STDIN") as copy:
            for i, s in enumerate(SENTENCES):
                copy.write_row((i, s))
        base = conn.execute("SELECT coalesce(max(id), 0) FROM community_post").fetchone()
        assert base is not None
        # Post k of a thread lands between its creation and now, spaced so the thread
        # ends some way into its life; ids follow created_at across all threads.
        conn.execute(
            """
            INSERT INTO community_post (id, thread_id, author_id, is_opening, body, body_html,
                content_warning, created_at, edited_at, is_deleted, is_hidden, hidden_reason,
                is_held, risk_level)
            SELECT %s + row_number() OVER (ORDER BY created_at, thread_id, k),
                   thread_id, author_id, k = 1, body, '<p>' || body || '</p>', cw, created_at,
                   NULL, false, hidden, CASE WHEN hidden THEN 'Unkind' ELSE '' END,
                   held, 'none'
            FROM (
                SELECT bt.id AS thread_id, k,
                       CASE WHEN k = 1 THEN bt.author_id
                            ELSE %s + (hashint4(bt.id::int * 7919 + k) & 2147483647) %% %s END
                           AS author_id,
                       s1.s || ' ' || s2.s || CASE WHEN k %% 3 = 0 THEN ' ' || s3.s ELSE '' END
                           AS body,
                       CASE WHEN k %% 97 = 5 THEN 'difficult topic' ELSE '' END AS cw,
                       now() - bt.age_days * interval '1 day'
                           + (k - 1) * (bt.age_days * interval '1 day') / (bt.n + 5)
                           AS created_at,
                       k > 1 AND k %% 53 = 7 AS hidden,
                       k > 1 AND k %% 89 = 11 AS held
                FROM bench_threads bt
                CROSS JOIN LATERAL generate_series(1, bt.n) AS k
                JOIN bench_sentences s1 ON s1.i = (bt.id + k) %% 10
                JOIN bench_sentences s2 ON s2.i = (bt.id * 3 + k * 7) %% 10
                JOIN bench_sentences s3 ON s3.i = (k * 3) %% 10
            ) x
            """,
            [base[0], users[0], users[1] - users[0] + 1],
        )
        # Teen threads' replies come from teen authors.
        conn.execute(
            """
            UPDATE community_post p SET author_id = %s + p.id %% 20
            FROM bench_threads bt
            WHERE bt.id = p.thread_id AND bt.space_id = ANY(%s) AND NOT p.is_opening
            """,
            [teen_users[0], teen],
        )
        t = step("posts (1,000,000 rows)", t)
        for name, indexdef in indexes:
            conn.execute(indexdef)
            t = step(f"index {name}", t)

        conn.execute(
            """
            UPDATE community_thread t
            SET last_activity_at = a.last_at, last_post_id = a.last_id, reply_count = a.n - 1
            FROM (SELECT thread_id, max(created_at) AS last_at, max(id) AS last_id,
                         count(*) AS n
                  FROM community_post GROUP BY thread_id) a
            WHERE a.thread_id = t.id
            """
        )
        t = step("thread counters", t)

        # Reactions on ~15% of posts, 1–3 each, from distinct users.
        conn.execute(
            """
            INSERT INTO community_reaction (post_id, user_id, kind, created_at)
            SELECT p.id, %s + (p.id + g * 37) %% %s,
                   (ARRAY['me_too', 'strength', 'thank_you', 'not_alone'])[1 + (p.id + g) %% 4],
                   p.created_at + interval '1 hour'
            FROM community_post p
            CROSS JOIN LATERAL generate_series(1, 1 + p.id %% 3) g
            WHERE p.id %% 7 = 0 AND NOT p.is_hidden AND NOT p.is_held
            """,
            [users[0], users[1] - users[0] + 1],
        )
        t = step("reactions", t)
        # Read markers: each author has read ~150 threads partway; the reader 300.
        conn.execute(
            """
            INSERT INTO community_threadread (user_id, thread_id, last_read_post_id, muted)
            SELECT u.id, t.id, t.last_post_id - (u.id + t.id) % 3, (u.id + t.id) % 50 = 0
            FROM accounts_user u
            JOIN community_thread t ON (t.id * 31 + u.id) % 67 = 0
            WHERE u.email LIKE 'bench-%' AND u.age_band = 'adult'
            """
        )
        t = step("thread reads", t)

        for table in ("accounts_user", "community_thread", "community_post", "community_reaction"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constant names
                f"(SELECT max(id) FROM {table}))"
            )
        conn.execute("SET session_replication_role = origin")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed_info (key text PRIMARY KEY, value text)"
        )
        conn.execute(
            "INSERT INTO bench_seed_info VALUES ('seeded', now()::text) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        conn.commit()
    with psycopg.connect(dsn(db), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    t = step("vacuum analyze", t)
    print(f"Seeded {THREADS:,} threads / {POSTS:,} posts in {t - t0:.1f}s", flush=True)


def summary(db: str) -> None:
    with psycopg.connect(dsn(db)) as conn:
        for label, sql in (
            ("threads", "SELECT count(*) FROM community_thread"),
            ("posts", "SELECT count(*) FROM community_post"),
            (
                "threads with 200+ replies",
                "SELECT count(*) FROM community_thread WHERE reply_count >= 200",
            ),
            ("longest thread (replies)", "SELECT max(reply_count) FROM community_thread"),
            (
                "median thread (replies)",
                "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY reply_count) FROM community_thread",
            ),
            ("reactions", "SELECT count(*) FROM community_reaction"),
            ("thread reads", "SELECT count(*) FROM community_threadread"),
            (
                "community_post size",
                "SELECT pg_size_pretty(pg_total_relation_size('community_post'))",
            ),
        ):
            row = conn.execute(sql).fetchone()
            print(f"  {label}: {row[0] if row else '?'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="kindred_bench")
    parser.add_argument("--reset", action="store_true", help="drop and re-create the database")
    args = parser.parse_args()
    started = time.monotonic()
    if not ensure_database(args.db, args.reset):
        print(f"{args.db} is already seeded (use --reset to redo).")
        summary(args.db)
        return 0
    migrate(args.db)
    step("create + migrate", started)
    seed(args.db)
    summary(args.db)
    print(f"Total: {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
