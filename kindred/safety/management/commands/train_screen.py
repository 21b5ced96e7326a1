"""``kindred train_screen``: retrain the risk screen's semantic layer and print its metrics.

    kindred train_screen --rmhd rmhd_27subreddits_260posts_test.csv \
        [--lexicon construct_tracker/data/lexicons/suicide_risk_lexicon_v1-0] \
        [--out kindred/safety/screening/model] [--oof-out var/eval/rmhd_oof.jsonl] \
        [--format markdown] [--encoder l6]

``--encoder`` picks the sentence encoder (``l3``, the default, is the shipped model for long
posts; ``l6`` is the one for chat-length texts, written to ``model_short``).

Needs scikit-learn (a training-only dependency: ``pip install -e '.[train]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.core.sentence_encoder import MINILM_L6_Q8, PARAPHRASE_MINILM_L3_Q8

ENCODERS = {"l3": PARAPHRASE_MINILM_L3_Q8, "l6": MINILM_L6_Q8}


class Command(BaseCommand):
    help = (
        "Train the risk screen's semantic layer on the corpus and RMHD, with out-of-fold metrics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rmhd", type=Path, required=True, help="RMHD CSV path")
        parser.add_argument("--lexicon", type=Path, help="suicide_risk_lexicon_v1-0 directory")
        parser.add_argument("--corpus", type=Path, help="corpus directory (default: shipped)")
        parser.add_argument("--out", type=Path, help="artefact directory to write")
        parser.add_argument(
            "--cache", type=Path, help="reuse window embeddings across runs (a directory)"
        )
        parser.add_argument("--oof-out", type=Path, help="write RMHD out-of-fold predictions")
        parser.add_argument(
            "--format", choices=("text", "markdown", "json"), default="text", dest="fmt"
        )
        parser.add_argument(
            "--encoder",
            choices=sorted(ENCODERS),
            default="l3",
            help="sentence encoder: l3 (long posts) or l6 (chat-length texts)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            from kindred.safety.screening.train import train
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise CommandError(f"training needs scikit-learn: {exc}") from exc
        if not opts["rmhd"].is_file():
            raise CommandError(f"no such file: {opts['rmhd']}")
        kwargs: dict[str, Any] = {}
        if opts.get("corpus"):
            kwargs["corpus_dir"] = opts["corpus"]
        train(
            opts["rmhd"],
            opts.get("lexicon"),
            opts.get("out"),
            fmt=opts["fmt"],
            oof_out=opts.get("oof_out"),
            cache=opts.get("cache"),
            stdout=self.stdout,
            encoder=ENCODERS[opts["encoder"]],
            **kwargs,
        )
