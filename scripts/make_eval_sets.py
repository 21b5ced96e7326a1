"""Convert the evaluation CSVs to JSON Lines for ``kindred screen --eval`` (output in /tmp).

    python scripts/make_eval_sets.py --sdcnl ../shared/data/sdcnl --rmhd RMHD.csv --out var/eval

Writes sdcnl_test.jsonl, sdcnl_train.jsonl (label = is_suicide; text = title + body) and
rmhd.jsonl (label = posted in r/suicidewatch; group = subreddit). The files hold dataset text:
keep them out of the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path


def convert_sdcnl(src: Path, dst: Path) -> int:
    n = 0
    with src.open(newline="", encoding="utf-8") as fh, dst.open("w", encoding="utf-8") as out:
        for row in csv.DictReader(fh):
            text = "\n".join(x for x in ((row.get("title") or ""), (row.get("text") or "")) if x)
            rec = {"id": row.get("id"), "text": text, "label": int(float(row["is_suicide"]))}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def convert_rmhd(src: Path, dst: Path) -> int:
    n = 0
    with src.open(newline="", encoding="utf-8") as fh, dst.open("w", encoding="utf-8") as out:
        for i, row in enumerate(csv.DictReader(fh)):
            group = (row.get("subreddit") or "").strip().lower()
            rec = {
                "id": i,
                "text": row.get("post") or "",
                "label": int(group == "suicidewatch"),
                "group": group,
            }
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def main() -> int:
    csv.field_size_limit(sys.maxsize)
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sdcnl", type=Path, help="directory with train.csv and test.csv")
    ap.add_argument("--rmhd", type=Path, help="rmhd_27subreddits_260posts_test.csv")
    ap.add_argument("--out", type=Path, default=Path("/tmp"))  # noqa: S108 (dev only)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    if a.sdcnl:
        for split in ("test", "train"):
            n = convert_sdcnl(a.sdcnl / f"{split}.csv", a.out / f"sdcnl_{split}.jsonl")
            print(f"sdcnl_{split}.jsonl: {n} records")
    if a.rmhd:
        print(f"rmhd.jsonl: {convert_rmhd(a.rmhd, a.out / 'rmhd.jsonl')} records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
