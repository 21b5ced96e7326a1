"""``kindred peer_match_eval``: how well peer matching finds similar experiences.

Ranks the labelled stories in ``kindred/peers/evaluation/stories.jsonl`` (or ``--stories FILE``)
with the hybrid score, with story embeddings alone and with tags alone, and prints NDCG@10 and
recall@10 for each. Nothing is written to the database.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.peers.evaluation import STORIES_PATH, evaluate, format_report, load_stories


class Command(BaseCommand):
    help = "Evaluate peer matching (hybrid vs embeddings vs tags) on the labelled story set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stories", type=Path, default=STORIES_PATH)
        parser.add_argument("--format", choices=["text", "markdown", "json"], default="text")
        parser.add_argument("--k", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        from kindred.peers.matching.embedding import MODEL_NAME, embed

        if options["k"] < 1:
            raise CommandError("--k must be at least 1")
        try:
            stories = load_stories(options["stories"])
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read stories: {exc}") from exc
        if len(stories) < 2:
            raise CommandError("Need at least two stories")
        started = time.perf_counter()
        vectors = embed([s.text for s in stories])
        elapsed = time.perf_counter() - started
        results = evaluate(stories, vectors, k=options["k"])
        results["model"] = MODEL_NAME
        results["embed_seconds"] = round(elapsed, 3)
        self.stdout.write(format_report(results, options["format"]))
        if options["format"] != "json":
            self.stdout.write(
                f"model: {MODEL_NAME}; embedded {len(stories)} stories in {elapsed:.2f} s"
            )
