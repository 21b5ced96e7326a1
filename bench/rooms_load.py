"""Load the real-time rooms: many WebSocket clients in many rooms over several ASGI processes.

    .venv/bin/python bench/rooms_load.py                      # 2,000 clients, 100 rooms
    .venv/bin/python bench/rooms_load.py --clients 200 --rooms 10 --duration 20   # a quick look

What it does, end to end (everything on 127.0.0.1, everything stopped at the end):

1. starts a private ``redis-server`` on a free port (``--redis-url`` uses an existing one),
   drops and re-creates the PostgreSQL database ``--db`` and migrates it;
2. creates ``--rooms`` rooms of a benchmark-only kind (:mod:`bench.rooms_kind`) with
   ``--clients / --rooms`` members each, and a login session per member, written straight
   into the session table (the clients send that session cookie, like a browser);
3. starts ``--processes`` uvicorn processes serving ``kindred.asgi`` (DEBUG off, Redis
   channel layer and cache via ``REDIS_URL``, PostgreSQL via ``DATABASE_URL``);
4. opens every client (``websockets``), round-robin over the processes, so every room
   spans all processes and each broadcast must cross Redis;
5. each client sends one message every ``--interval`` seconds (randomly phased) for
   ``--duration`` seconds, then everyone waits ``--drain`` seconds for stragglers.

Clients behave like room.js: they ping every 25 s and, when a socket drops, reconnect with
``?after=<last seq seen>``.

Reported: messages/s stored (acknowledged), deliveries/s, delivery latency p50/p99/max (the
sender's clock at send → each *other* member's clock at receipt; one process, one clock),
lost deliveries (acknowledged messages that some member of the room never received),
duplicated deliveries (a seq a client already had), out-of-order deliveries, errors.
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
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.roomsocket import open_room_socket  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


# What members write in a group room, so the risk screen on the send path reads real chat
# (a window of ordinary words, the odd distressed line), not just the benchmark's ids.
CHAT = (
    "thanks everyone, that really helped to hear tonight",
    "i had a rough week at work but i went to my meeting on tuesday",
    "does anyone else find mornings the hardest part of the day?",
    "my sponsor says to take it one day at a time and honestly it's working",
    "i feel so tired of everything lately, like nothing is going to change",
    "welcome to the group! glad you made it",
    "i tried the breathing exercise from last session and slept a bit better",
    "sorry i'm late, the bus was a nightmare",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def server_env(args: argparse.Namespace, redis_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kindred.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
            "REDIS_URL": redis_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-" + "x" * 40,
            "KINDRED_ENCRYPTION_KEYS": Fernet.generate_key().decode("ascii"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            # The benchmark paces itself far below the product's limit.
            "ROOM_RATE_LIMIT_MESSAGES": "100",
            # Every client connects from 127.0.0.1: the per-address cap would stop them.
            "ROOM_SOCKETS_PER_ADDRESS": "1000000",
        }
    )
    return env


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')


def seed(args: argparse.Namespace) -> list[tuple[int, int, str]]:
    """Rooms, members and their sessions. Returns (room pk, member index, session key)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connections
    from django.utils import timezone

    from bench.rooms_kind import KIND, member_handle, register
    from kindred.accounts.models import User
    from kindred.rooms.actions import get_or_create_room

    register()
    per_room = args.clients // args.rooms
    users = []
    for r in range(args.rooms):
        for n in range(per_room):
            handle = member_handle(r, n)
            user = User(email=f"{handle}@bench.test", handle=handle)
            user.set_unusable_password()
            users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    by_handle = {u.handle: u for u in User.objects.filter(handle__startswith="rb")}
    rooms = [get_or_create_room(KIND, r) for r in range(args.rooms)]
    store = SessionStore()
    expires = timezone.now() + timezone.timedelta(days=1)
    sessions, out = [], []
    for r, room in enumerate(rooms):
        for n in range(per_room):
            user = by_handle[member_handle(r, n)]
            key = f"bench{room.pk:05d}x{n:04d}" + "k" * 16
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            sessions.append(
                Session(session_key=key, session_data=store.encode(data), expire_date=expires)
            )
            out.append((room.pk, n, key))
    Session.objects.bulk_create(sessions, batch_size=1000)
    connections.close_all()
    return out


@dataclass
class Stats:
    sent: dict[str, tuple[int, float]] = field(default_factory=dict)  # id → (room, t_sent)
    acked: dict[str, int] = field(default_factory=dict)  # id → seq
    received: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    latencies: list[float] = field(default_factory=list)
    duplicates: int = 0
    out_of_order: int = 0
    errors: list[str] = field(default_factory=list)
    disconnects: int = 0
    reconnects: int = 0
    connected: int = 0
    loop_lag: list[float] = field(default_factory=list)


class Client:
    def __init__(self, index: int, room: int, session: str, port: int, stats: Stats) -> None:
        self.index = index
        self.room = room
        self.session = session
        self.port = port
        self.stats = stats
        self.seen: set[int] = set()
        self.last_seq = 0
        self.ws = None
        self.alive = False
        self.closing = False
        self.ever_connected = False
        self.reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.ws = await open_room_socket(
            self.port, self.room, self.session, after=self.last_seq, open_timeout=60
        )
        self.alive = True
        if not self.ever_connected:
            self.stats.connected += 1
        self.ever_connected = True
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message":
                    seq = frame["seq"]
                    if seq in self.seen:
                        self.stats.duplicates += 1
                        continue
                    if seq < self.last_seq:
                        self.stats.out_of_order += 1
                    self.seen.add(seq)
                    self.last_seq = max(self.last_seq, seq)
                    msg_id, sent_at = frame["body"].split(" ", 2)[:2]
                    self.stats.received[msg_id] += 1
                    if not msg_id.startswith(f"c{self.index}-"):
                        self.stats.latencies.append(now - float(sent_at))
                elif kind == "ack":
                    self.stats.acked[frame["client_id"]] = frame["seq"]
                elif kind == "error":
                    self.stats.errors.append(frame.get("detail", "?"))
        except Exception as exc:  # connection dropped
            self.stats.errors.append(f"reader: {type(exc).__name__}")
        finally:
            if self.alive:
                self.alive = False
                self.stats.disconnects += 1
        if not self.closing:
            # What room.js does: come back and resume after the last seq seen.
            await asyncio.sleep(random.uniform(0.5, 1.5))
            try:
                await self.connect()
                self.stats.reconnects += 1
            except Exception as exc:
                self.stats.errors.append(f"reconnect: {type(exc).__name__}")

    async def ping_loop(self) -> None:
        """What room.js does every 25 s; the server also uses it to heal a socket."""
        await asyncio.sleep(random.uniform(0, 25))
        while not self.closing:
            if self.alive and self.ws is not None:
                # A failed ping is noticed by the reader, which reconnects.
                with contextlib.suppress(Exception):
                    await self.ws.send('{"type": "ping"}')
            await asyncio.sleep(25)

    async def send_loop(self, interval: float, until: float) -> None:
        assert self.ws is not None
        await asyncio.sleep(random.uniform(0, interval))
        n = 0
        while time.perf_counter() < until:
            if not self.alive:  # reconnecting: this tick's message is not written
                await asyncio.sleep(max(0.0, min(interval, until - time.perf_counter())))
                continue
            n += 1
            msg_id = f"c{self.index}-{n}"
            sent_at = time.perf_counter()
            self.stats.sent[msg_id] = (self.room, sent_at)
            try:
                await self.ws.send(
                    json.dumps(
                        {
                            "type": "message",
                            "body": f"{msg_id} {sent_at} {CHAT[n % len(CHAT)]}",
                            "client_id": msg_id,
                        }
                    )
                )
            except Exception as exc:
                self.stats.errors.append(f"send: {type(exc).__name__}")
            await asyncio.sleep(max(0.0, min(interval, until - time.perf_counter())))

    async def close(self) -> None:
        self.closing = True
        self.alive = False
        if self.ws is not None:
            await self.ws.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_clients(
    args: argparse.Namespace, members: list[tuple[int, int, str]], ports: list[int]
) -> tuple[Stats, list[Client], float]:
    stats = Stats()
    clients = [
        Client(i, room, key, ports[i % len(ports)], stats)
        for i, (room, _n, key) in enumerate(members)
    ]
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def open_one(client: Client) -> None:
        async with gate:
            try:
                await client.connect()
            except Exception as exc:
                stats.errors.append(f"connect: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    await asyncio.gather(*(open_one(c) for c in clients))
    print(
        f"  connected {stats.connected}/{len(clients)} in {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    await asyncio.sleep(2)  # let the presence broadcasts of the ramp-up settle

    async def measure_lag() -> None:
        # How late this (client) process's own event loop runs: it inflates latencies.
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.1)
            stats.loop_lag.append(time.perf_counter() - before - 0.1)

    lag_task = asyncio.create_task(measure_lag())
    pingers = [asyncio.create_task(c.ping_loop()) for c in clients]
    until = time.perf_counter() + args.duration
    t0 = time.perf_counter()
    await asyncio.gather(*(c.send_loop(args.interval, until) for c in clients if c.ever_connected))
    elapsed = time.perf_counter() - t0
    # Wait for stragglers: until every acknowledged message reached every member, or --drain.
    members = defaultdict(int)
    for c in clients:
        members[c.room] += 1
    drain_until = time.perf_counter() + args.drain
    while time.perf_counter() < drain_until:
        expected = sum(members[stats.sent[m][0]] for m in stats.acked)
        if sum(stats.received[m] for m in stats.acked) >= expected:
            break
        await asyncio.sleep(0.5)
    lag_task.cancel()
    for pinger in pingers:
        pinger.cancel()
    for c in clients:
        await c.close()
    return stats, clients, elapsed


def report(
    args: argparse.Namespace, stats: Stats, clients: list[Client], elapsed: float, stored: int
) -> str:
    members_by_room: dict[int, list[Client]] = defaultdict(list)
    for c in clients:
        members_by_room[c.room].append(c)
    expected = 0
    for msg_id in stats.acked:
        room, _ = stats.sent[msg_id]
        expected += len(members_by_room[room])  # the sender gets its own message too
    delivered = sum(stats.received[m] for m in stats.acked)
    lost = expected - delivered
    unacked = len(stats.sent) - len(stats.acked)
    lat_ms = [x * 1000 for x in stats.latencies]
    load = os.getloadavg()  # other work on the machine competes for the same 2 cores
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load avg {load[0]:.1f} at end",
        f"processes: {args.processes} uvicorn ({args.layer} layer); clients {stats.connected}/{len(clients)}, "
        f"rooms {args.rooms}; one message per client every {args.interval}s for {args.duration}s",
        f"messages sent {len(stats.sent)}, acknowledged {len(stats.acked)}, stored {stored}, "
        f"unacknowledged {unacked}, errors {len(stats.errors)}, disconnects {stats.disconnects}, "
        f"reconnects {stats.reconnects}",
        f"messages/s (acknowledged over the sending window): {len(stats.acked) / elapsed:.1f}",
        f"deliveries/s: {delivered / elapsed:.1f} ({delivered} deliveries)",
        f"latency to other members: p50 {percentile(lat_ms, 0.50):.1f} ms, "
        f"p99 {percentile(lat_ms, 0.99):.1f} ms, max {max(lat_ms, default=float('nan')):.1f} ms, "
        f"mean {statistics.fmean(lat_ms) if lat_ms else float('nan'):.1f} ms",
        f"lost {lost}, duplicated {stats.duplicates}, out of order {stats.out_of_order}",
        f"client event-loop lag (included in the latencies): p50 "
        f"{percentile([x * 1000 for x in stats.loop_lag], 0.5):.1f} ms, p99 "
        f"{percentile([x * 1000 for x in stats.loop_lag], 0.99):.1f} ms",
    ]
    if stats.errors:
        counts: dict[str, int] = defaultdict(int)
        for e in stats.errors:
            counts[e[:80]] += 1
        lines.append("errors: " + "; ".join(f"{k} ×{v}" for k, v in sorted(counts.items())))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument(
        "--interval", type=float, default=20.0, help="seconds between a client's messages"
    )
    parser.add_argument("--duration", type=float, default=90.0)
    parser.add_argument(
        "--drain", type=float, default=30.0, help="max seconds to wait for late deliveries"
    )
    parser.add_argument(
        "--layer",
        choices=["product", "core"],
        default="product",
        help="product: kindred.settings (channels_redis's pub/sub layer, encrypted); "
        "core: channels_redis's RedisChannelLayer (bench.rooms_settings), for comparison",
    )
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--db", default="kindred_bench_rooms")
    parser.add_argument("--redis-url", default="", help="default: a private redis-server")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    procs: list[subprocess.Popen[bytes]] = []
    redis_proc = None
    try:
        redis_url = args.redis_url
        if not redis_url:
            server = shutil.which("redis-server")
            if server is None:
                sys.exit("redis-server is not installed: pass --redis-url")
            redis_port = free_port()
            redis_proc = subprocess.Popen(
                [
                    server,
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
            wait_port(redis_port)
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        env = server_env(args, redis_url)
        if args.layer == "core":
            env["DJANGO_SETTINGS_MODULE"] = "bench.rooms_settings"
        os.environ.update(env)

        t = time.monotonic()
        print(f"database {args.db}: create + migrate", flush=True)
        recreate_database(args.db)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
        )
        members = seed(args)
        print(
            f"  seeded {len(members)} members in {args.rooms} rooms ({time.monotonic() - t:.0f}s)"
        )

        ports = [free_port() for _ in range(args.processes)]
        for port in ports:
            procs.append(
                subprocess.Popen(
                    [
                        PYTHON,
                        "-m",
                        "uvicorn",
                        "bench.rooms_asgi:application",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--log-level",
                        "warning",
                        "--no-access-log",
                        "--lifespan",
                        "off",
                    ],
                    env=env,
                    cwd=ROOT,
                )
            )
        for port in ports:
            wait_port(port)
        print(f"servers up on {ports}", flush=True)

        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        stats, clients, elapsed = asyncio.run(run_clients(args, members, ports))

        import django.db

        from kindred.rooms.models import RoomMessage

        stored = RoomMessage.objects.count()
        django.db.connections.close_all()
        print()
        print(report(args, stats, clients, elapsed, stored))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
        if not args.keep_db:
            try:
                recreate_database_drop(args.db)
            except Exception as exc:  # the numbers are printed already
                print(f"could not drop {args.db}: {exc}")


def recreate_database_drop(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
