"""Cosine similarity over a matrix of candidate embeddings, cached per warm instance.

:class:`Candidates` holds the latest candidates' vectors as one unit-row float32 matrix per model, so ranking 1,000
candidates is one matrix-vector product (a few microseconds of numpy) instead of 1,000 Python loops.
:class:`CandidateCache` keeps the last :class:`Candidates` of this process and rebuilds it only when the version
read from the table has moved (see docs/decisions.md, "Similar picks").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` with every row scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def rank(
    ids: np.ndarray, unit_matrix: np.ndarray, target: np.ndarray, *, exclude: int | None, k: int
) -> list[tuple[int, float]]:
    """The ``k`` rows most similar to ``target`` by cosine similarity (``dot / (|a|·|b|)``), best first, ties by
    the newer (larger) id; the row of ``exclude`` is left out. No threshold: ``k`` rows whenever there are."""
    if len(ids) == 0 or k <= 0:
        return []
    norm = float(np.linalg.norm(target))
    if norm == 0 or target.shape[0] != unit_matrix.shape[1]:
        return []
    scores = unit_matrix @ (np.asarray(target, dtype=np.float32) / norm)
    keep = ids != exclude if exclude is not None else np.ones(len(ids), dtype=bool)
    kept_ids, kept_scores = ids[keep], scores[keep]
    if len(kept_ids) > k:
        top = np.argpartition(-kept_scores, k - 1)[:k]
        kept_ids, kept_scores = kept_ids[top], kept_scores[top]
    order = np.lexsort((-kept_ids, -kept_scores))  # the last key sorts first: score desc, then id desc
    return [(int(kept_ids[i]), float(kept_scores[i])) for i in order]


@dataclass
class Candidates:
    """The candidates of one version: per model, their ids and their unit-row matrix."""

    version: int
    by_model: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def build(cls, version: int, rows: Sequence[tuple[int, str, bytes]]) -> Candidates:
        """From ``(pick id, model, float32 bytes)`` rows. A row whose length differs from its model's first row is
        left out (it cannot be compared)."""
        grouped: dict[str, tuple[list[int], list[np.ndarray]]] = {}
        for pick_id, model, raw in rows:
            vector = np.frombuffer(raw, dtype="<f4")
            ids, vectors = grouped.setdefault(model, ([], []))
            if vectors and vector.shape != vectors[0].shape:
                continue
            ids.append(pick_id)
            vectors.append(vector)
        by_model = {
            model: (np.asarray(ids, dtype=np.int64), unit_rows(np.vstack(vectors).astype(np.float32)))
            for model, (ids, vectors) in grouped.items()
        }
        return cls(version, by_model)

    @property
    def size(self) -> int:
        return sum(len(ids) for ids, _ in self.by_model.values())

    def most_similar(self, model: str, target: np.ndarray, *, exclude: int, k: int) -> list[tuple[int, float]]:
        """The ``k`` candidates of ``model`` most similar to ``target``, best first."""
        found = self.by_model.get(model)
        if found is None:
            return []
        ids, matrix = found
        return rank(ids, matrix, target, exclude=exclude, k=k)


class CandidateCache:
    """This instance's candidates, rebuilt when the version moves. Safe to share between threads (the local
    gateway runs several "instances" in one process): a rebuild swaps in a new immutable snapshot."""

    def __init__(self) -> None:
        self._snapshot: Candidates | None = None
        self._lock = threading.Lock()
        self.rebuilds = 0

    def get(self, version: int, load: Callable[[], Sequence[tuple[int, str, bytes]]]) -> Candidates:
        """The candidates of ``version``: the cached ones, or ``load()``'s rows made into a new snapshot."""
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.version != version:
                # The version was read before the rows: a write in between makes the next request rebuild again.
                snapshot = Candidates.build(version, load())
                self._snapshot = snapshot
                self.rebuilds += 1
        return snapshot
