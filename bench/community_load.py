"""Load the community pages on the seeded 1,000,000-post database, next to a raw-SQL baseline.

    .venv/bin/python bench/community_seed.py            # once (about a minute)
    .venv/bin/python bench/community_load.py --out var/bench_community.md

Starts ``kindred serve`` (uvicorn, ``--workers 2``, DEBUG off, settings
``bench.bench_settings`` = product settings + baseline URLs) against ``kindred_bench`` and
measures, for the thread page (the longest visible thread: first page and a deep ``?after=``
page), the space index (first page and a deep ``?before=`` cursor), and the raw-SQL
baseline of each:

* queries per request: in-process, Django test ``Client`` + ``CaptureQueriesContext``, same
  database and settings (a separate step; the slowest queries are EXPLAIN ANALYZEd into
  ``--explain``);
* server time p50/p99: ``--requests`` sequential keep-alive requests from one client
  (``http.client``), so the number includes the loopback HTTP round trip;
* requests/s under concurrent load: ``wrk`` (``--duration`` s, ``--connections``
  connections, 2 threads) against 127.0.0.1, with wrk's own p50/p99 under load.

Requests are anonymous (the spaces are public); ``--signed-in`` adds product rows for a
signed-in member (session cookie), whose pages do more (read markers, visit records).
The server is always stopped at the end, even on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.community_seed import ROOT, bench_env, dsn, migrate

VISIBLE = "NOT is_hidden AND NOT is_deleted AND NOT is_held"
T_VISIBLE = "NOT t.is_hidden AND NOT t.is_deleted AND NOT t.is_held"
POST_VISIBLE = "NOT is_hidden AND NOT is_held AND NOT is_deleted"


@dataclass
class Target:
    page: str  # "thread page" / "space index"
    variant: str  # "first page" / "deep page"
    impl: str  # "Kindred" / "baseline" / "Kindred, signed in"
    path: str
    cookie: str = ""
    queries: int | None = None
    inproc_p50: float | None = None
    p50: float | None = None
    p99: float | None = None
    rps: float | None = None
    wrk_p50: str = ""
    wrk_p99: str = ""
    errors: str = ""
    load: str = ""
    bytes: int = 0
    notes: list[str] = field(default_factory=list)


def pick_targets(db: str) -> dict[str, str]:
    with psycopg.connect(dsn(db)) as conn:
        seeded = conn.execute("SELECT to_regclass('bench_seed_info') IS NOT NULL").fetchone()
        if not seeded or not seeded[0]:
            sys.exit(f"{db} is not seeded: run bench/community_seed.py first.")
        public = (
            "SELECT id FROM community_space WHERE NOT is_archived AND visibility = 'public' "
            "AND age_band = 'adult'"
        )
        space = conn.execute(
            f"SELECT s.slug, s.id, count(*) FROM community_space s JOIN community_thread t "  # noqa: S608
            f"ON t.space_id = s.id WHERE s.id IN ({public}) AND {T_VISIBLE} "
            "GROUP BY s.slug, s.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        assert space is not None
        slug, space_id, nthreads = space
        # The deep index page: page 51 (after 1,500 threads), or the middle of a small space.
        offset = min(1500, nthreads // 2)
        deep = conn.execute(
            f"SELECT id, last_activity_at FROM community_thread WHERE space_id = %s AND {VISIBLE} "  # noqa: S608
            "ORDER BY last_activity_at DESC, id DESC OFFSET %s LIMIT 1",
            [space_id, offset - 1],
        ).fetchone()
        assert deep is not None
        cursor = f"{int(deep[1].timestamp() * 1_000_000)}.{deep[0]}"
        thread = conn.execute(
            f"SELECT t.id, s.slug, t.reply_count FROM community_thread t JOIN community_space s "  # noqa: S608
            f"ON s.id = t.space_id WHERE s.id IN ({public}) AND {T_VISIBLE} "
            "ORDER BY t.reply_count DESC LIMIT 1"
        ).fetchone()
        assert thread is not None
        thread_id, thread_slug, replies = thread
        nvisible = conn.execute(
            f"SELECT count(*) FROM community_post WHERE thread_id = %s AND {POST_VISIBLE}",  # noqa: S608
            [thread_id],
        ).fetchone()
        assert nvisible is not None
        after = conn.execute(
            f"SELECT id FROM community_post WHERE thread_id = %s AND {POST_VISIBLE} "  # noqa: S608
            "ORDER BY id OFFSET %s LIMIT 1",
            [thread_id, int(nvisible[0] * 0.8)],
        ).fetchone()
        assert after is not None
    return {
        "slug": slug,
        "nthreads": str(nthreads),
        "index_offset": str(offset),
        "cursor": cursor,
        "thread_id": str(thread_id),
        "thread_slug": thread_slug,
        "replies": str(replies),
        "after": str(after[0]),
        "after_offset": str(int(nvisible[0] * 0.8)),
    }


def build_targets(t: dict[str, str], signed_in_cookie: str) -> list[Target]:
    thread = f"/spaces/{t['thread_slug']}/threads/{t['thread_id']}/"
    base_thread = f"/bench/baseline{thread}"
    index = f"/spaces/{t['slug']}/"
    base_index = f"/bench/baseline{index}"
    deep_thread = f"?after={t['after']}"
    deep_index = f"?before={t['cursor']}"
    out = []
    for page, variant, product, baseline in (
        ("thread page", "first page", thread, base_thread),
        ("thread page", "deep page", thread + deep_thread, base_thread + deep_thread),
        ("space index", "first page", index, base_index),
        ("space index", "deep page", index + deep_index, base_index + deep_index),
    ):
        out.append(Target(page, variant, "Kindred", product))
        out.append(Target(page, variant, "raw-SQL baseline", baseline))
        if signed_in_cookie and variant == "first page":
            out.append(Target(page, variant, "Kindred, signed in", product, signed_in_cookie))
    return out


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
    import django

    django.setup()


def signed_in_session() -> str:
    """A session cookie for ``bench-reader`` (an ordinary member), made in the database."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from kindred.accounts.models import User

    user = User.objects.get(handle="bench-reader")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def count_queries(targets: list[Target], explain_path: Path, runs: int) -> None:
    """Queries per request and in-process time (test Client), plus EXPLAIN ANALYZE output."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    explains: list[str] = []
    for target in targets:
        client = Client(HTTP_HOST="127.0.0.1")
        if target.cookie:
            name, value = target.cookie.split("=", 1)
            client.cookies[name] = value
        first = client.get(target.path)
        if first.status_code != 200:
            raise SystemExit(f"{target.path}: HTTP {first.status_code}")
        with CaptureQueriesContext(connection) as ctx:
            client.get(target.path)
        # Snapshot now: the next request's request_started signal resets the query log.
        captured = list(ctx.captured_queries)
        target.queries = len(captured)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(target.path)
            times.append((time.perf_counter() - started) * 1000)
        target.inproc_p50 = statistics.median(times)
        explains.append(
            f"## {target.impl} — {target.page}, {target.variant}: {target.path}\n\n"
            f"{target.queries} queries; in-process p50 {target.inproc_p50:.2f} ms\n"
        )
        with connection.cursor() as cursor:
            for i, q in enumerate(captured, 1):
                sql = q["sql"]
                explains.append(
                    f"### Query {i} ({float(q['time']) * 1000:.2f} ms)\n\n```sql\n{sql}\n```\n"
                )
                if sql.lstrip().upper().startswith("SELECT"):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(r[0] for r in cursor.fetchall())
                    explains.append(f"```\n{plan}\n```\n")
    explain_path.write_text("\n".join(explains))


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kindred"), "collectstatic", "--noinput", "-v", "0"],
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.bench_settings"},
        check=True,
        cwd=ROOT,
    )


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    cmd = [
        str(ROOT / ".venv" / "bin" / "kindred"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    handle = log.open("w")
    return subprocess.Popen(
        cmd,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.bench_settings"},
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: we stop uvicorn and its workers
    )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}; see the server log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not answer within 60 s")


def sequential(port: int, target: Target, n: int, warmup: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if target.cookie:
        headers["Cookie"] = target.cookie
    times = []
    for i in range(warmup + n):
        started = time.perf_counter()
        conn.request("GET", target.path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{target.path}: HTTP {response.status}")
        if i >= warmup:
            times.append(elapsed)
        target.bytes = len(body)
    conn.close()
    target.p50 = statistics.median(times)
    target.p99 = statistics.quantiles(times, n=100, method="inclusive")[98]


def run_wrk(port: int, target: Target, duration: int, connections: int) -> None:
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        "Host: 127.0.0.1",
    ]
    if target.cookie:
        cmd += ["-H", f"Cookie: {target.cookie}"]
    cmd.append(f"http://127.0.0.1:{port}{target.path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True)
    text = out.stdout
    target.load = Path("/proc/loadavg").read_text().split()[0]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    target.rps = float(rps.group(1)) if rps else None
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    target.wrk_p50 = p50.group(1) if p50 else "?"
    target.wrk_p99 = p99.group(1) if p99 else "?"
    errors = []
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non2xx:
        errors.append(f"{non2xx.group(1)} non-2xx")
    sock = re.search(r"Socket errors: (.*)", text)
    if sock:
        errors.append(sock.group(1).strip())
    target.errors = "; ".join(errors) or "0"


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.rstrip()
    return (
        f"- CPU: {cpu}; `nproc` = {os.cpu_count()}\n"
        f"- Python {platform.python_version()}, "
        f"PostgreSQL {server_version()}, wrk {wrk_version()}\n"
        f"- `free -g`:\n\n```\n{free}\n```\n"
    )


def server_version() -> str:
    with psycopg.connect(dsn("postgres")) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return row[0] if row else "?"


def wrk_version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout + out.stderr).split("[")[0].replace("wrk ", "").strip()


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def table(targets: list[Target]) -> str:
    lines = [
        "| Page | Variant | Implementation | Queries/req | p50 ms | p99 ms | in-process p50 ms "
        "| req/s (wrk) | vs baseline | wrk p50 / p99 under load | errors | load avg | bytes |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|---|---|--:|--:|",
    ]
    baselines = {
        (t.page, t.variant): t.rps for t in targets if t.impl == "raw-SQL baseline" and t.rps
    }
    for t in targets:
        base = baselines.get((t.page, t.variant))
        ratio = f"{t.rps / base:.2f}×" if t.rps and base and t.impl != "raw-SQL baseline" else ""
        lines.append(
            f"| {t.page} | {t.variant} | {t.impl} | {t.queries if t.queries is not None else '–'} "
            f"| {fmt(t.p50)} | {fmt(t.p99)} | {fmt(t.inproc_p50)} | {fmt(t.rps, 0)} | {ratio} "
            f"| {t.wrk_p50} / {t.wrk_p99} | {t.errors} | {t.load} | {t.bytes:,} |"
        )
    return "\n".join(lines)


def verdict(targets: list[Target]) -> str:
    out = []
    for t in targets:
        if t.page != "thread page" or t.impl != "Kindred":
            continue
        base = next(
            b
            for b in targets
            if b.page == t.page
            and b.variant == t.variant
            and b.impl != "Kindred"
            and "baseline" in b.impl
        )
        ratio = (t.rps or 0) / (base.rps or 1)
        ok_p50 = t.p50 is not None and t.p50 <= 15
        out.append(
            f"- Thread page, {t.variant}: p50 {fmt(t.p50)} ms "
            f"({'meets' if ok_p50 else 'misses'} ≤ 15 ms); throughput {ratio:.2f}× baseline "
            f"({'meets' if ratio >= 0.5 else 'misses'} ≥ 0.5×)."
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="kindred_bench")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=300, help="sequential requests per row")
    parser.add_argument("--duration", type=int, default=20, help="wrk seconds per row")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--signed-in", action="store_true", help="add signed-in product rows")
    parser.add_argument("--out", type=Path, required=True, help="Markdown results file")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve anonymous pages uncached (KINDRED_PAGE_CACHE=false): measures rendering",
    )
    parser.add_argument(
        "--explain", type=Path, help="EXPLAIN ANALYZE output (default: next to --out)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    explain_path = args.explain or args.out.with_suffix(".explain.md")

    # SIGTERM (e.g. a timeout) must still stop the server: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    load_before = Path("/proc/loadavg").read_text().strip()
    env = bench_env(args.db)
    env["KINDRED_PAGE_CACHE"] = "false" if args.no_page_cache else "true"
    os.environ["KINDRED_PAGE_CACHE"] = env["KINDRED_PAGE_CACHE"]
    picked = pick_targets(args.db)
    migrate(args.db)  # the product's schema may have moved on since the seed
    collectstatic(env)  # DEBUG off: the manifest storage needs it
    print(f"Targets: {picked}", flush=True)
    setup_django(env)
    cookie = signed_in_session() if args.signed_in else ""
    targets = build_targets(picked, cookie)

    print("Queries per request (in-process test Client) …", flush=True)
    count_queries(targets, explain_path, runs=50)
    log = ROOT / "var" / "bench_server.log"
    proc = start_server(env, args.port, args.workers, log)
    try:
        wait_ready(args.port, proc)
        for target in targets:
            sequential(args.port, target, args.requests, warmup=30)
            run_wrk(args.port, target, args.duration, args.connections)
            print(
                f"  {target.impl:20} {target.page}, {target.variant}: {target.queries} q, "
                f"p50 {fmt(target.p50)} ms, p99 {fmt(target.p99)} ms, {fmt(target.rps, 0)} req/s "
                f"(load {target.load})",
                flush=True,
            )
    finally:
        stop_server(proc)
    load_after = Path("/proc/loadavg").read_text().strip()
    result = "\n".join(
        [
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {time.monotonic() - started:.0f} s. "
            f"`kindred serve --workers {args.workers}` (uvicorn, DEBUG off, "
            f"PostgreSQL connection pool, anonymous page cache "
            f"{'off' if args.no_page_cache else 'on'}), wrk -t2 -c{args.connections} -d{args.duration}s, "
            f"{args.requests} sequential requests per row (after 30 warm-up).",
            "",
            f"Thread: /spaces/{picked['thread_slug']}/threads/{picked['thread_id']}/ "
            f"({picked['replies']} replies); deep page `?after={picked['after']}` "
            f"(post #{picked['after_offset']} of the thread). Space: /spaces/{picked['slug']}/ "
            f"({picked['nthreads']} visible threads); deep page `?before={picked['cursor']}` "
            f"(after thread #{picked['index_offset']}).",
            "",
            machine(),
            f"- /proc/loadavg before: `{load_before}`; after: `{load_after}`",
            "",
            table(targets),
            "",
            verdict(targets),
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(result)
    print()
    print(result)
    print(f"Written to {args.out}; EXPLAIN ANALYZE in {explain_path}; server log {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
