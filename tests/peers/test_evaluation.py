import json
from collections import Counter
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from kindred.peers.evaluation import (
    Story,
    evaluate,
    format_report,
    gain,
    load_stories,
    ndcg_at_k,
    recall_at_k,
)


def story(id_: str, experience: str, also=(), tags=()) -> Story:
    return Story(
        id=id_, text=id_, tags=frozenset(tags), experience=experience, also=frozenset(also)
    )


def test_the_shipped_set_is_well_formed():
    stories = load_stories()
    assert 60 <= len(stories) <= 120
    groups = Counter(s.experience for s in stories)
    lookalikes = [s for s in stories if s.experience.startswith("lookalike")]
    assert len(lookalikes) >= 10
    # Enough groups with several members that recall@10 means something.
    assert sum(1 for e, n in groups.items() if n >= 3 and not e.startswith("lookalike")) >= 12
    assert all(len(s.text) > 60 for s in stories)


def test_load_stories_rejects_unknown_tags(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "t", "experience": "x", "tags": ["no.such"]}))
    with pytest.raises(ValueError, match=r"line 1.*no\.such"):
        load_stories(path)


def test_gain():
    assert gain(story("a", "lost_parent"), story("b", "lost_parent")) == 2
    assert gain(story("a", "lost_parent", also=["caring"]), story("b", "caring")) == 1
    assert gain(story("a", "caring"), story("b", "lost_parent", also=["caring"])) == 1
    assert gain(story("a", "job_loss"), story("b", "lookalike_keys")) == 0


def test_metrics():
    assert ndcg_at_k([2, 2, 0], [2, 2, 0]) == pytest.approx(1.0)
    assert ndcg_at_k([0, 2, 2], [2, 2, 0]) < 1.0
    assert ndcg_at_k([0, 0], [0, 0]) == 0.0
    assert recall_at_k([2, 0, 2, 1], [2, 0, 2, 1, 2], k=3) == pytest.approx(2 / 3)
    assert recall_at_k([0] * 20 + [2], [0] * 20 + [2], k=10) == 0.0


def test_evaluate_rewards_the_ranker_that_finds_the_group():
    stories = [
        story("a1", "grief", tags=["bereavement.parent"]),
        story("a2", "grief", tags=["bereavement.parent"]),
        story("a3", "grief"),
        story("b1", "job", tags=["life_event.job_loss"]),
        story("b2", "job", tags=["life_event.job_loss"]),
        story("x", "lookalike_keys"),
    ]
    # Vectors that separate the groups perfectly; the look-alike sits between them.
    vecs = np.array(
        [[1, 0, 0], [1, 0.1, 0], [1, 0, 0.1], [0, 1, 0], [0.1, 1, 0], [0.7, 0.7, 0]],
        dtype=np.float32,
    )
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    results = evaluate(stories, vecs, k=3, seeds=3)
    assert results["queries"] == 5
    r = results["rankers"]
    assert r["embedding"]["ndcg@3"] == pytest.approx(1.0)
    assert r["embedding"]["recall@3"] == pytest.approx(1.0)
    # a3 has no tags: tags alone cannot find its group.
    assert r["tags"]["ndcg@3"] < r["embedding"]["ndcg@3"]
    for fmt in ("text", "markdown", "json"):
        assert "hybrid" in format_report(results, fmt)


def test_command_reports_all_three_rankers():
    out = StringIO()
    call_command("peer_match_eval", "--format", "json", stdout=out)
    results = json.loads(out.getvalue())
    assert set(results["rankers"]) == {"hybrid", "embedding", "tags"}
    for r in results["rankers"].values():
        assert 0 <= r["ndcg@10"] <= 1 and 0 <= r["recall@10"] <= 1
    # What the set was built to show: the hybrid beats either signal alone.
    hybrid = results["rankers"]["hybrid"]["ndcg@10"]
    assert hybrid > results["rankers"]["embedding"]["ndcg@10"]
    assert hybrid > results["rankers"]["tags"]["ndcg@10"]


def test_command_rejects_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read stories"):
        call_command("peer_match_eval", "--stories", str(tmp_path / "nope.jsonl"))
