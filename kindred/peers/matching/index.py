"""Approximate nearest-neighbour search over story vectors, kept current one change at a time.

Built on usearch (HNSW graph, cosine metric). Why usearch rather than the alternatives:

- it adds and removes single keys in place, which is how profiles change (one person edits a
  story); faiss' HNSW index cannot remove vectors, so deletions there mean rebuilding or an
  IVF index that needs training on data we do not have at first start;
- it is one small wheel with numpy as its only real dependency; faiss-cpu is larger and ties
  us to its BLAS build;
- pgvector would put the search inside PostgreSQL, but the product must also run on its
  embedded SQLite default, and the matcher stays usable without a database.

Vectors are stored as bfloat16: half the memory of float32, distance kernels that use the
processor's bf16 instructions where it has them, and cosine similarities that move by a few
thousandths, far below any difference that changes who is suggested. (float16 built 1.5x
slower on our machines; int8 built faster but lost recall: 0.955 against 0.999 at 20,000
clustered vectors.)

The index is a cache. The database holds every vector; a process builds its index from the
database at start and applies changes with ``sync_index``. ``save``/``load`` exist for a warm
start and for the benchmark, not as the source of truth.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from os import PathLike

import numpy as np
from usearch.index import Index

from kindred.peers.matching.embedding import DIM

# HNSW parameters, from a sweep over 1,000,000 clustered vectors (BENCHMARKS.md): the insert
# beam sets how good the graph can get (64 capped recall@10 near 0.91 however wide the search;
# 128 reaches 0.99 for 1.2-1.5x the build time), the search beam trades recall for latency
# (256: recall@10 0.99, p95 well under the 20 ms target).
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 256
DTYPE = "bf16"


def _same(stored: np.ndarray, v: np.ndarray) -> bool:
    # Stored vectors went through bfloat16 (usearch keeps them unnormalised, as given).
    return bool(np.allclose(np.asarray(stored, dtype=np.float32).reshape(-1), v, atol=2e-3))


class PeerIndex:
    """Cosine-similarity index over ``int`` keys (user ids). Safe to share between threads."""

    def __init__(
        self,
        ndim: int = DIM,
        *,
        dtype: str = DTYPE,
        connectivity: int = CONNECTIVITY,
        expansion_add: int = EXPANSION_ADD,
        expansion_search: int = EXPANSION_SEARCH,
    ) -> None:
        self.ndim = ndim
        self._index = Index(
            ndim=ndim,
            metric="cos",
            dtype=dtype,
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=expansion_search,
        )
        # usearch allows concurrent searches but not a search racing a removal of the same
        # node; one lock keeps the rule simple, and upserts are rare next to searches.
        self._lock = threading.RLock()

    def _as_vector(self, vector: np.ndarray) -> np.ndarray:
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if v.shape[0] != self.ndim:
            raise ValueError(f"Expected a vector of {self.ndim} dimensions, got {v.shape[0]}")
        if not np.all(np.isfinite(v)) or not np.any(v):
            raise ValueError("Vector must be finite and non-zero")
        return v

    def upsert(self, key: int, vector: np.ndarray) -> None:
        """Insert ``key`` or replace its vector.

        Re-applying the vector already stored is a no-op: syncs re-read an overlap window of
        rows, and replacing a node needlessly would churn the graph.
        """
        v = self._as_vector(vector)
        with self._lock:
            if self._index.contains(key):
                stored = self._index.get(key)
                if isinstance(stored, np.ndarray) and _same(stored, v):
                    return
                self._index.remove(key)
            self._index.add(key, v)

    def upsert_many(self, keys: Iterable[int], vectors: np.ndarray, *, threads: int = 0) -> None:
        """Bulk insert/replace, multi-threaded inside usearch (``threads=0``: all cores)."""
        k = np.asarray(list(keys), dtype=np.uint64)
        vs = np.asarray(vectors, dtype=np.float32)
        if vs.ndim != 2 or vs.shape != (len(k), self.ndim):
            raise ValueError(f"Expected vectors of shape ({len(k)}, {self.ndim})")
        if len(k) == 0:
            return
        with self._lock:
            present = np.array([self._index.contains(int(x)) for x in k], dtype=bool)
            if present.any():
                self._index.remove(k[present])
            self._index.add(k, vs, threads=threads)

    def remove(self, key: int) -> None:
        """Forget ``key``; a key that is not there is ignored."""
        with self._lock:
            if self._index.contains(key):
                self._index.remove(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and bool(self._index.contains(key))

    def __len__(self) -> int:
        return len(self._index)

    def search(self, vector: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
        """Up to ``k`` (key, cosine similarity) pairs, most similar first."""
        if k <= 0:
            return []
        v = self._as_vector(vector)
        with self._lock:
            if len(self._index) == 0:
                return []
            matches = self._index.search(v, min(k, len(self._index)))
        return [
            (int(key), float(1.0 - dist))
            for key, dist in zip(matches.keys, matches.distances, strict=True)
        ]

    def search_many(self, vectors: np.ndarray, k: int = 10, *, threads: int = 0) -> np.ndarray:
        """Keys of the ``k`` nearest neighbours of each row (shape (n, k)); for batch jobs."""
        vs = np.asarray(vectors, dtype=np.float32)
        with self._lock:
            return np.asarray(self._index.search(vs, k, threads=threads).keys)

    @property
    def expansion_search(self) -> int:
        """Search beam width: wider finds more true neighbours, slower."""
        return int(self._index.expansion_search)

    @expansion_search.setter
    def expansion_search(self, value: int) -> None:
        self._index.expansion_search = int(value)  # type: ignore[misc]  # the stub misses the setter

    def memory_usage(self) -> int:
        return int(self._index.memory_usage)

    def save(self, path: str | PathLike[str]) -> None:
        with self._lock:
            self._index.save(str(path))

    @classmethod
    def load(cls, path: str | PathLike[str]) -> PeerIndex:
        restored = Index.restore(str(path))
        if restored is None:
            raise ValueError(f"No usearch index at {path}")
        obj = cls.__new__(cls)
        obj.ndim = int(restored.ndim)
        obj._index = restored
        obj._lock = threading.RLock()
        return obj


def sync_index(index: PeerIndex, changes: Iterable[tuple[int, np.ndarray | None]]) -> int:
    """Apply ``(key, vector)`` changes in order: a vector upserts, ``None`` removes.

    A zero vector (a profile whose story was emptied) also removes: it cannot be searched for.
    Returns the number of changes applied.
    """
    n = 0
    for key, vector in changes:
        if vector is None or not np.any(vector):
            index.remove(key)
        else:
            index.upsert(key, vector)
        n += 1
    return n
