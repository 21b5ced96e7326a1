import numpy as np
import pytest

from kindred.peers.matching.embedding import DIM
from kindred.peers.matching.index import PeerIndex, sync_index


def unit_vectors(n: int, seed: int = 0, dim: int = DIM) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_search_finds_the_vector_itself_first():
    vs = unit_vectors(50)
    index = PeerIndex()
    for i, v in enumerate(vs):
        index.upsert(i + 100, v)
    assert len(index) == 50
    hits = index.search(vs[7], 5)
    assert hits[0][0] == 107
    assert hits[0][1] == pytest.approx(1.0, abs=2e-3)
    sims = [s for _, s in hits]
    assert sims == sorted(sims, reverse=True)


def test_upsert_replaces_the_vector():
    vs = unit_vectors(3)
    index = PeerIndex()
    index.upsert(1, vs[0])
    index.upsert(2, vs[1])
    index.upsert(1, vs[2])
    assert len(index) == 2
    assert index.search(vs[2], 1)[0][0] == 1
    assert index.search(vs[0], 1)[0][1] < 0.5
    # Re-applying the same vector changes nothing.
    index.upsert(1, vs[2])
    assert len(index) == 2


def test_remove_and_unknown_keys():
    vs = unit_vectors(3)
    index = PeerIndex()
    index.upsert(1, vs[0])
    index.upsert(2, vs[1])
    index.remove(1)
    index.remove(999)
    assert len(index) == 1
    assert 1 not in index and 2 in index
    assert [k for k, _ in index.search(vs[0], 5)] == [2]


def test_search_on_empty_index_and_bad_input():
    index = PeerIndex()
    assert index.search(unit_vectors(1)[0], 3) == []
    assert index.search(unit_vectors(1)[0], 0) == []
    with pytest.raises(ValueError, match="dimensions"):
        index.upsert(1, np.ones(DIM + 1, dtype=np.float32))
    with pytest.raises(ValueError, match="non-zero"):
        index.upsert(1, np.zeros(DIM, dtype=np.float32))


def test_sync_index_applies_changes_in_order():
    vs = unit_vectors(4)
    index = PeerIndex()
    n = sync_index(
        index,
        [(1, vs[0]), (2, vs[1]), (3, vs[2]), (2, None), (3, vs[3]), (4, np.zeros(DIM))],
    )
    assert n == 6
    assert len(index) == 2
    assert index.search(vs[3], 1)[0][0] == 3
    assert 2 not in index and 4 not in index


def clustered(n: int, seed: int) -> np.ndarray:
    # Stories cluster by experience; uniform noise in 384 dimensions is no model of them.
    rng = np.random.default_rng(seed)
    centres = unit_vectors(40, seed=99)
    v = centres[rng.integers(0, 40, n)] + 0.05 * rng.standard_normal((n, DIM))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_upsert_many_and_recall_against_brute_force():
    vs = clustered(2000, seed=1)
    index = PeerIndex()
    index.upsert_many(range(2000), vs)
    queries = clustered(20, seed=2)
    exact = np.argsort(-(queries @ vs.T), axis=1)[:, :10]
    found = index.search_many(queries, 10)
    recall = np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact, found, strict=True)])
    assert recall >= 0.9
    # Replacing in bulk keeps one node per key.
    index.upsert_many([0, 1], vs[:2][::-1])
    assert len(index) == 2000


def test_save_and_load_round_trip(tmp_path):
    vs = unit_vectors(10)
    index = PeerIndex()
    for i, v in enumerate(vs):
        index.upsert(i, v)
    path = tmp_path / "peers.usearch"
    index.save(path)
    loaded = PeerIndex.load(path)
    assert len(loaded) == 10
    assert loaded.search(vs[4], 1)[0][0] == 4
    loaded.upsert(42, vs[0])
    assert len(loaded) == 11


def test_usearch_and_onnxruntime_load_in_either_order():
    # usearch 2.26 segfaults when onnxruntime is imported after it (hence the pin).
    import subprocess
    import sys

    for first, second in (("usearch.index", "onnxruntime"), ("onnxruntime", "usearch.index")):
        proc = subprocess.run(
            [sys.executable, "-c", f"import {first}; import {second}"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode()[-500:]


def test_search_beam_can_be_changed():
    index = PeerIndex()
    index.expansion_search = 512
    assert index.expansion_search == 512
