"""Load and faults together: HTTP writers and room sockets while Redis restarts and the task
worker is killed, in production mode.

    .venv/bin/python bench/fault_load.py                         # the issue's scale
    .venv/bin/python bench/fault_load.py --sockets 40 --http-users 20 --rate 8 --duration 60

What it does (everything on 127.0.0.1, everything stopped at the end):

1. starts a private ``redis-server`` on a free port (never a shared one: it is restarted),
   drops and re-creates the PostgreSQL database ``--db``, migrates it and seeds
   ``--sockets`` room members over ``--rooms`` rooms (:mod:`bench.rooms_kind`) with a
   session each, and ``--http-users`` members with an API token each, all replying in
   one community thread;
2. starts ``--processes`` uvicorn processes (``bench.rooms_asgi``: the product ASGI
   application, DEBUG off, PostgreSQL, Redis for cache, channel layer and tasks) and one
   task worker (``manage.py run_huey``);
3. for ``--duration`` seconds: every HTTP user posts a reply every ``--reply-interval``
   seconds with an ``Idempotency-Key``, retrying the same key after an error or a
   timeout until it gets 201; the sockets send ``--rate`` room messages per second in
   all, each with a ``client_id``, and a socket that drops comes back with
   ``?after=<last seq>`` and sends its unacknowledged messages again, as room.js does;
4. injects faults under that load: at 30 % of the run Redis is killed and started again
   on the same port ``--redis-down`` seconds later; at 65 % the task worker is killed
   (SIGKILL) and started again ``--worker-down`` seconds later. A probe task is queued
   while the worker is down.

Printed: acknowledged writes lost (acknowledged replies or room messages that are not in
the database exactly once, or a room message some member never received), duplicates
(stored twice, or delivered twice to one socket), room acknowledgement latency p50/p99
(send → ack frame on the sender's socket; all messages, and outside the fault windows),
HTTP write latency, errors by kind, and the time to recover after each fault: from the
repair (Redis started, worker started) until writes are acknowledged again on both
paths and /healthz answers 200 on every process (Redis), or until the probe task
queued during the outage has run (worker).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rooms_load import (  # noqa: E402
    CHAT,
    PYTHON,
    free_port,
    percentile,
    recreate_database,
    recreate_database_drop,
    seed,
    server_env,
    wait_port,
)
from bench.roomsocket import open_room_socket  # noqa: E402

HTTP_TIMEOUT = 10.0
NO_PERSISTENCE = ["--save", "", "--appendonly", "no"]


# --- Services ------------------------------------------------------------------------------


class Redis:
    """A private redis-server that can be killed and started again on the same port."""

    def __init__(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            sys.exit("redis-server is not installed")
        self.server = server
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.server, "--port", str(self.port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
            stdout=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


def uvicorn_args(port: int) -> list[str]:
    return [
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--lifespan",
        "off",
    ]


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(ROOT / "var" / "bench_fault_worker.log", "ab")  # noqa: SIM115
    return subprocess.Popen(
        [PYTHON, "manage.py", "run_huey"], env=env, cwd=ROOT, stdout=log, stderr=log
    )


def seed_http_users(count: int) -> tuple[int, list[str]]:
    """A thread and ``count`` members with a write token each. Returns (thread id, tokens)."""
    from datetime import date

    from django.db import connections

    from kindred.accounts.models import AgeBand, Role, User, UserRole
    from kindred.api.actions import do_create_token
    from kindred.api.models import Scope
    from kindred.community import actions as community
    from kindred.community.models import Space

    space = Space.objects.create(slug="faults", name="Faults", description="", guidelines="Kind.")
    users = []
    for n in range(count):
        user = User(
            email=f"hu{n}@bench.test",
            handle=f"hu{n}",
            age_band=AgeBand.ADULT,
            date_of_birth=date(1990, 1, 1),
            country="GB",
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    users = list(User.objects.filter(handle__startswith="hu").order_by("pk"))
    UserRole.objects.bulk_create([UserRole(user=u, role=Role.MEMBER) for u in users])
    for user in users:
        community.do_accept_guidelines(user, space)
    thread = community.do_create_thread(users[0], space, title="Load", body="Replies below.")
    tokens = [do_create_token(u, name="bench", scopes=[Scope.READ, Scope.WRITE])[1] for u in users]
    connections.close_all()
    return thread.post.thread.pk, tokens


# --- Clients -------------------------------------------------------------------------------


@dataclass
class Stats:
    # Room messages: client_id → (room, sender index, sent at); acks: client_id → (seq, at).
    sent: dict[str, tuple[int, int, float]] = field(default_factory=dict)
    acked: dict[str, tuple[int, float]] = field(default_factory=dict)
    ack_latency: list[tuple[float, float]] = field(default_factory=list)  # (at, seconds)
    received: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    delivered_twice: int = 0
    # HTTP replies: key → post id; (at, seconds) from first try to the 201.
    replies: dict[str, int] = field(default_factory=dict)
    reply_latency: list[tuple[float, float]] = field(default_factory=list)
    reply_ids_differ: int = 0
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reconnects: int = 0
    connected: int = 0

    def error(self, what: str) -> None:
        self.errors[what[:70]] += 1


async def http(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, bytes]:
    """One HTTP/1.1 request on its own connection (enough for a few dozen a second)."""
    payload = b"" if body is None else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    head, _, content = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), content


async def http_user(
    n: int, token: str, port: int, thread: int, interval: float, until: float, stats: Stats
) -> None:
    await asyncio.sleep(random.uniform(0, interval))
    sent = 0
    while time.perf_counter() < until:
        sent += 1
        key = f"u{n}-{sent}"
        started = time.perf_counter()
        first_id: int | None = None
        # The same key until it is acknowledged: what a careful client does.
        while True:
            try:
                status, content = await asyncio.wait_for(
                    http(
                        port,
                        "POST",
                        f"/api/v1/threads/{thread}/posts",
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
                        body={"body": f"reply {key}"},
                    ),
                    HTTP_TIMEOUT,
                )
            except Exception as exc:
                stats.error(f"reply: {type(exc).__name__}")
            else:
                if status == 201:
                    post_id = int(json.loads(content)["id"])
                    if first_id is not None and post_id != first_id:
                        stats.reply_ids_differ += 1
                    stats.replies[key] = post_id
                    now = time.perf_counter()
                    stats.reply_latency.append((now, now - started))
                    break
                stats.error(f"reply: HTTP {status}")
            await asyncio.sleep(0.5)
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))


class Socket:
    def __init__(self, index: int, room: int, session: str, port: int, stats: Stats) -> None:
        self.index, self.room, self.session, self.port, self.stats = (
            index,
            room,
            session,
            port,
            stats,
        )
        self.seen: set[int] = set()
        self.last_seq = 0
        self.ws: Any = None
        self.alive = False
        self.closing = False
        self.pending: dict[str, str] = {}  # client_id → frame, until acknowledged
        self.reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.ws = await open_room_socket(
            self.port, self.room, self.session, after=self.last_seq, open_timeout=30
        )
        self.alive = True
        self.reader = asyncio.create_task(self.read())
        for frame in list(self.pending.values()):  # room.js sends these again
            await self.ws.send(frame)

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message":
                    seq = frame["seq"]
                    if seq in self.seen:
                        self.stats.delivered_twice += 1
                        continue
                    self.seen.add(seq)
                    self.last_seq = max(self.last_seq, seq)
                    self.stats.received[frame["body"].split(" ", 1)[0]] += 1
                elif kind == "ack":
                    client_id = frame["client_id"]
                    if client_id in self.pending and client_id not in self.stats.acked:
                        sent_at = self.stats.sent[client_id][2]
                        self.stats.acked[client_id] = (frame["seq"], now)
                        self.stats.ack_latency.append((now, now - sent_at))
                    self.pending.pop(client_id, None)
                elif kind == "error":
                    self.stats.error(f"room error: {frame.get('detail', '?')}")
        except Exception as exc:
            self.stats.error(f"socket: {type(exc).__name__}")
        self.alive = False
        while not self.closing:
            await asyncio.sleep(random.uniform(0.5, 1.5))
            try:
                await self.connect()
                self.stats.reconnects += 1
                return
            except Exception as exc:
                self.stats.error(f"reconnect: {type(exc).__name__}")

    async def send(self, n: int) -> None:
        client_id = f"c{self.index}-{n}"
        frame = json.dumps(
            {
                "type": "message",
                "body": f"{client_id} {CHAT[n % len(CHAT)]}",
                "client_id": client_id,
            }
        )
        self.stats.sent[client_id] = (self.room, self.index, time.perf_counter())
        self.pending[client_id] = frame
        if self.alive:
            try:
                await self.ws.send(frame)
            except Exception as exc:  # sent again on reconnect
                self.stats.error(f"send: {type(exc).__name__}")

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            await self.ws.close()


# --- Faults --------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    started: float = 0.0
    repaired: float = 0.0
    recovered: float | None = None
    note: str = ""


async def healthy_everywhere(ports: list[int]) -> bool:
    for port in ports:
        try:
            status, _ = await asyncio.wait_for(http(port, "GET", "/healthz"), 5)
        except Exception:
            return False
        if status != 200:
            return False
    return True


async def redis_fault(
    redis: Redis, ports: list[int], stats: Stats, at: float, down: float
) -> Fault:
    fault = Fault("Redis killed, started again")
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    fault.started = time.perf_counter()
    await asyncio.to_thread(redis.kill)
    await asyncio.sleep(down)
    await asyncio.to_thread(redis.start)
    fault.repaired = time.perf_counter()
    # Recovered: /healthz 200 on every process, and a reply and a room message sent after
    # the repair have both been acknowledged.
    while time.perf_counter() - fault.repaired < 120:
        room_ok = any(
            stats.sent[c][2] >= fault.repaired for c, (_s, _at) in list(stats.acked.items())
        )
        reply_ok = any(at - lat >= fault.repaired for at, lat in list(stats.reply_latency))
        if room_ok and reply_ok and await healthy_everywhere(ports):
            fault.recovered = time.perf_counter()
            break
        await asyncio.sleep(0.2)
    return fault


async def worker_fault(
    env: dict[str, str], holder: dict[str, subprocess.Popen[bytes]], at: float, down: float
) -> Fault:
    fault = Fault("task worker killed (SIGKILL), started again")
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    fault.started = time.perf_counter()
    holder["worker"].send_signal(signal.SIGKILL)
    await asyncio.to_thread(holder["worker"].wait)
    await asyncio.sleep(min(1.0, down))
    from kindred.safety.tasks import escalate_flag

    # An escalation timer (for no flag: it finds nothing to do) queued while no worker runs.
    probe = await asyncio.to_thread(escalate_flag, 0)
    await asyncio.sleep(max(0.0, down - 1.0))
    holder["worker"] = start_worker(env)
    fault.repaired = time.perf_counter()
    # Recovered: the task queued during the outage has run (its result, False, is stored).
    while time.perf_counter() - fault.repaired < 120:
        if await asyncio.to_thread(probe.get) is not None:
            fault.recovered = time.perf_counter()
            break
        await asyncio.sleep(0.1)
    return fault


async def run(
    args: argparse.Namespace,
    members: list[tuple[int, int, str]],
    thread: int,
    tokens: list[str],
    ports: list[int],
    redis: Redis,
    env: dict[str, str],
    holder: dict[str, subprocess.Popen[bytes]],
) -> tuple[Stats, list[Socket], list[Fault], float]:
    stats = Stats()
    sockets = [
        Socket(i, room, key, ports[i % len(ports)], stats)
        for i, (room, _n, key) in enumerate(members)
    ]
    gate = asyncio.Semaphore(20)

    async def open_one(sock: Socket) -> None:
        async with gate:
            try:
                await sock.connect()
                stats.connected += 1
            except Exception as exc:
                stats.error(f"connect: {type(exc).__name__}")

    t = time.perf_counter()
    await asyncio.gather(*(open_one(s) for s in sockets))
    print(f"  {stats.connected}/{len(sockets)} sockets open in {time.perf_counter() - t:.1f}s")
    await asyncio.sleep(2)

    start = time.perf_counter()
    until = start + args.duration
    users = [
        asyncio.create_task(
            http_user(n, token, ports[n % len(ports)], thread, args.reply_interval, until, stats)
        )
        for n, token in enumerate(tokens)
    ]
    faults = [
        asyncio.create_task(
            redis_fault(redis, ports, stats, start + 0.30 * args.duration, args.redis_down)
        ),
        asyncio.create_task(
            worker_fault(env, holder, start + 0.65 * args.duration, args.worker_down)
        ),
    ]

    # One room message every 1/rate seconds, from the sockets in turn (random order).
    order = list(range(len(sockets)))
    random.shuffle(order)
    counts: dict[int, int] = defaultdict(int)
    tick = 0
    while time.perf_counter() < until:
        sock = sockets[order[tick % len(order)]]
        counts[sock.index] += 1
        await sock.send(counts[sock.index])
        tick += 1
        await asyncio.sleep(max(0.0, start + tick / args.rate - time.perf_counter()))
    elapsed = time.perf_counter() - start

    await asyncio.gather(*users)
    done = await asyncio.gather(*faults)
    # Stragglers: every sent message acknowledged and delivered to every member, or --drain.
    per_room: dict[int, int] = defaultdict(int)
    for s in sockets:
        per_room[s.room] += 1
    drain_until = time.perf_counter() + args.drain
    while time.perf_counter() < drain_until:
        expected = sum(per_room[stats.sent[c][0]] for c in stats.acked)
        if (
            len(stats.acked) == len(stats.sent)
            and sum(stats.received[c] for c in stats.acked) >= expected
        ):
            break
        await asyncio.sleep(0.5)
    for s in sockets:
        await s.close()
    return stats, sockets, list(done), elapsed


# --- Report --------------------------------------------------------------------------------


def check_database(stats: Stats, thread: int) -> dict[str, int]:
    from django.db import connections
    from django.db.models import Count

    from kindred.community.models import Post
    from kindred.rooms.models import RoomMessage

    bodies: dict[str, int] = defaultdict(int)
    ids: dict[str, set[int]] = defaultdict(set)
    for pk, body in Post.objects.filter(thread_id=thread, body__startswith="reply ").values_list(
        "pk", "body"
    ):
        key = body.removeprefix("reply ")
        bodies[key] += 1
        ids[key].add(pk)
    stored_messages = dict(
        RoomMessage.objects.exclude(client_id="")
        .values_list("client_id")
        .annotate(n=Count("pk"))
        .values_list("client_id", "n")
    )
    connections.close_all()
    return {
        "replies_lost": sum(
            1 for k, pk in stats.replies.items() if bodies.get(k, 0) == 0 or pk not in ids[k]
        ),
        "replies_twice": sum(n - 1 for n in bodies.values() if n > 1),
        "messages_lost": sum(1 for c in stats.acked if stored_messages.get(c, 0) == 0),
        "messages_twice": sum(n - 1 for n in stored_messages.values() if n > 1),
        "replies_stored": sum(bodies.values()),
        "messages_stored": sum(stored_messages.values()),
    }


def report(
    args: argparse.Namespace,
    stats: Stats,
    sockets: list[Socket],
    faults: list[Fault],
    elapsed: float,
    db: dict[str, int],
) -> str:
    per_room: dict[int, int] = defaultdict(int)
    for s in sockets:
        per_room[s.room] += 1
    expected = sum(per_room[stats.sent[c][0]] for c in stats.acked)
    undelivered = expected - sum(
        min(stats.received[c], per_room[stats.sent[c][0]]) for c in stats.acked
    )
    windows = [(f.started, (f.recovered or f.repaired) + 1.0) for f in faults]

    def steady(samples: list[tuple[float, float]]) -> list[float]:
        return [lat for at, lat in samples if not any(a <= at <= b for a, b in windows)]

    def ms(values: list[float], q: float) -> str:
        return f"{percentile(values, q) * 1000:.0f} ms"

    acks = [lat for _, lat in stats.ack_latency]
    calm = steady(stats.ack_latency)
    replies = [lat for _, lat in stats.reply_latency]
    load = os.getloadavg()
    lost = db["replies_lost"] + db["messages_lost"] + undelivered
    dupes = db["replies_twice"] + db["messages_twice"] + stats.delivered_twice
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load avg {load[0]:.1f} at end",
        f"{args.processes} uvicorn processes + 1 task worker; {stats.connected}/{len(sockets)} "
        f"sockets in {args.rooms} rooms sending {args.rate}/s; {args.http_users} "
        f"HTTP users, one reply each every {args.reply_interval}s; {elapsed:.0f}s",
        f"room messages: sent {len(stats.sent)}, acknowledged {len(stats.acked)}, "
        f"stored {db['messages_stored']} ({len(stats.acked) / elapsed:.1f}/s acknowledged)",
        f"replies: acknowledged {len(stats.replies)}, stored {db['replies_stored']} "
        f"({len(stats.replies) / elapsed:.1f}/s)",
        f"ACKNOWLEDGED WRITES LOST: {lost} (replies {db['replies_lost']}, room messages "
        f"{db['messages_lost']}, room deliveries missing {undelivered})",
        f"DUPLICATES: {dupes} (replies stored twice {db['replies_twice']}, room messages stored "
        f"twice {db['messages_twice']}, delivered twice {stats.delivered_twice}; retried "
        f"replies answered with another id {stats.reply_ids_differ})",
        f"room ack latency, all: p50 {ms(acks, 0.5)}, p99 {ms(acks, 0.99)}, "
        f"max {max(acks, default=float('nan')) * 1000:.0f} ms",
        f"room ack latency, outside fault windows: p50 {ms(calm, 0.5)}, p99 {ms(calm, 0.99)}",
        f"reply latency (first try to 201), all: p50 {ms(replies, 0.5)}, p99 {ms(replies, 0.99)}",
        f"socket reconnects {stats.reconnects}",
    ]
    for f in faults:
        down = f.repaired - f.started
        if f.recovered is None:
            lines.append(f"fault: {f.name}: down {down:.1f}s, NOT recovered within 120 s")
        else:
            lines.append(
                f"fault: {f.name}: down {down:.1f}s, recovered {f.recovered - f.repaired:.1f}s "
                f"after the repair ({f.recovered - f.started:.1f}s after the fault)"
            )
    if stats.errors:
        lines.append(
            "errors (retried): " + "; ".join(f"{k} ×{v}" for k, v in sorted(stats.errors.items()))
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--sockets", type=int, default=160)
    parser.add_argument("--rooms", type=int, default=16)
    parser.add_argument("--rate", type=float, default=30.0, help="room messages per second")
    parser.add_argument("--http-users", type=int, default=100)
    parser.add_argument("--reply-interval", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--redis-down", type=float, default=5.0)
    parser.add_argument("--worker-down", type=float, default=10.0)
    parser.add_argument("--drain", type=float, default=30.0)
    parser.add_argument("--db", default="kindred_bench_faults")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    redis = Redis()
    procs: list[subprocess.Popen[bytes]] = []
    holder: dict[str, subprocess.Popen[bytes]] = {}
    try:
        redis.start()
        env = server_env(argparse.Namespace(db=args.db), redis.url)
        env.update(
            {
                # The benchmark's writers pace themselves; the product limits would stop
                # 100 accounts replying every few seconds from one address.
                "KINDRED_RATE_LIMITS": "api=;community.reply=;community.thread=",
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                "DB_POOL_MAX": "20",
            }
        )
        os.environ.update(env)
        print(f"database {args.db}: create, migrate, seed", flush=True)
        recreate_database(args.db)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
        )
        members = seed(argparse.Namespace(clients=args.sockets, rooms=args.rooms))
        thread, tokens = seed_http_users(args.http_users)

        ports = [free_port() for _ in range(args.processes)]
        server_log = open(ROOT / "var" / "bench_fault_servers.log", "ab")  # noqa: SIM115
        print("server logs: var/bench_fault_servers.log, var/bench_fault_worker.log")
        for port in ports:
            procs.append(
                subprocess.Popen(
                    [PYTHON, "-m", "uvicorn", "bench.rooms_asgi:application", *uvicorn_args(port)],
                    env=env,
                    cwd=ROOT,
                    stdout=server_log,
                    stderr=server_log,
                )
            )
        holder["worker"] = start_worker(env)
        for port in ports:
            wait_port(port)
        print(f"servers up on {ports}, worker pid {holder['worker'].pid}", flush=True)
        with contextlib.suppress(ImportError):
            import uvloop

            uvloop.install()
        stats, sockets, faults, elapsed = asyncio.run(
            run(args, members, thread, tokens, ports, redis, env, holder)
        )
        print()
        print(report(args, stats, sockets, faults, elapsed, check_database(stats, thread)))
    finally:
        for proc in [*procs, *holder.values()]:
            proc.terminate()
        for proc in [*procs, *holder.values()]:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        redis.kill()
        if not args.keep_db:
            try:
                recreate_database_drop(args.db)
            except Exception as exc:  # the numbers are printed already
                print(f"could not drop {args.db}: {exc}")


if __name__ == "__main__":
    main()
