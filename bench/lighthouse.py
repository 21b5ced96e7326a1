"""Lighthouse scores (mobile) for the pages a newcomer meets first, on production settings.

    npm ci                                   # lighthouse 12.2.3 is a dev dependency
    .venv/bin/python bench/lighthouse.py [--runs 3] [--out var/lighthouse]

What it does, in a throw-away directory (nothing of ``var/`` is touched):

1. ``kindred migrate`` and ``kindred demo`` with DEBUG on (demo data is refused otherwise)
   into a fresh SQLite database;
2. ``collectstatic`` and ``kindred serve`` with DEBUG **off**, as in production: hashed,
   compressed static files served by WhiteNoise, the strict CSP, no debug toolbar or
   template reloading. Only ``SECURE_SSL_REDIRECT`` is off (the server is plain HTTP on
   127.0.0.1, which browsers treat as a secure origin);
3. Lighthouse (its Node API, ``bench/lighthouse_run.mjs``) against Debian's Chromium
   (``CHROME_PATH``, default ``/usr/bin/chromium``) with its default mobile emulation (Moto
   G Power screen, simulated slow 4G and 4× CPU slowdown) on: home (signed out), Today
   (the demo member, signed in: the session cookie is set in the browser), a space, a
   thread, the therapist directory, a therapist's profile and a questionnaire (signed in).

It prints accessibility, best practices and performance per page (the median of ``--runs``
runs) and, with ``--out``, keeps each run's JSON report. The server is always stopped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDRED = ROOT / ".venv" / "bin" / "kindred"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse"
RUNNER = Path(__file__).with_name("lighthouse_run.mjs")
CATEGORIES = ("accessibility", "best-practices", "performance")

# Printed as JSON by a child process on the demo database: the pages to score.
PICK = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from kindred.community.models import Post, Thread
from kindred.therapy.models import ProfileStatus, TherapistProfile

thread = Thread.objects.filter(space__slug="depression-anxiety").order_by("pk").first()
thread = thread or Thread.objects.order_by("pk").first()
profile = TherapistProfile.objects.filter(status=ProfileStatus.VERIFIED).order_by("pk").first()
client = Client()
client.force_login(get_user_model().objects.get(email="maya@demo.kindred.test"))
print(json.dumps({
    "space": f"/spaces/{thread.space.slug}/",
    "thread": f"/spaces/{thread.space.slug}/threads/{thread.pk}/",
    "profile": f"/therapists/{profile.pk}/",
    "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kindred(env: dict[str, str], *args: str, debug: bool) -> str:
    result = subprocess.run(
        [str(KINDRED), *args],
        env={**env, "DEBUG": "true" if debug else "false"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.5)
    raise SystemExit("the server did not answer within a minute")


def lighthouse(url: str, cookie: str | None, report: Path, chrome: str) -> dict[str, int]:
    """The scores of one run, 0-100, by category."""
    cmd = ["node", str(RUNNER), url, str(report), *([cookie] if cookie else [])]
    subprocess.run(cmd, env={**os.environ, "CHROME_PATH": chrome}, check=True, cwd=ROOT)
    data = json.loads(report.read_text())
    if data.get("runtimeError"):
        print(f"    {url}: {data['runtimeError']['code']}", file=sys.stderr)
    # A category Lighthouse could not score (no first paint on a starved CPU) has no score.
    return {
        name: round(score * 100)
        for name in CATEGORIES
        if (score := data["categories"][name]["score"]) is not None
    }


def failing_audits(report: Path) -> list[str]:
    """The audits that lost points, for reading what to fix."""
    data = json.loads(report.read_text())
    lost = []
    for name in CATEGORIES:
        for ref in data["categories"][name]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 0.9:
                lost.append(
                    f"{name}: {ref['id']} ({audit['score']:.2f}) {audit.get('displayValue', '')}"
                )
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is shown")
    parser.add_argument("--out", type=Path, help="keep the JSON reports here")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--why", action="store_true", help="list the audits that lost points")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is missing: run `npm ci`")

    work = Path(tempfile.mkdtemp(prefix="kindred-lighthouse-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "KINDRED_VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work / 'kindred.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": base,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "false",
    }
    env.pop("REDIS_URL", None)
    env["KINDRED_ENCRYPTION_KEYS"] = kindred(env, "generate_key", debug=True).strip()
    server = None
    try:
        kindred(env, "migrate", "--noinput", debug=True)
        kindred(env, "demo", debug=True)
        kindred(env, "collectstatic", "--noinput", debug=False)
        # The last line: system checks or logging may print before it.
        picked = json.loads(kindred(env, "shell", "-c", PICK, debug=False).strip().splitlines()[-1])
        pages = {
            "home": ("/", None),
            "Today": ("/", picked["cookie"]),
            "a space": (picked["space"], None),
            "a thread": (picked["thread"], None),
            "therapist directory": ("/therapists/", None),
            "therapist profile": (picked["profile"], None),
            "questionnaire (PHQ-9)": ("/measures/phq9/", picked["cookie"]),
        }
        server = subprocess.Popen(
            [str(KINDRED), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**env, "DEBUG": "false"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(work / "server.log").open("wb"),
        )
        wait_ready(port, server)
        out = args.out or work / "reports"
        out.mkdir(parents=True, exist_ok=True)
        print(f"| page | path | {' | '.join(CATEGORIES)} |")
        print(f"|---|---|{'--:|' * len(CATEGORIES)}")
        for label, (path, cookie) in pages.items():
            runs = []
            for run in range(args.runs):
                slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
                report = out / f"{slug}-{run + 1}.json"
                runs.append(lighthouse(base + path, cookie, report, args.chrome))
            scored = {name: [r[name] for r in runs if name in r] for name in CATEGORIES}
            scores = " | ".join(
                f"{statistics.median(values):.0f}" if values else "n/a"
                for values in scored.values()
            )
            print(f"| {label} | `{path}` | {scores} |", flush=True)
            if args.why:
                for line in failing_audits(report):
                    print(f"    {line}", file=sys.stderr)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            shutil.rmtree(work / "static", ignore_errors=True)


if __name__ == "__main__":
    main()
