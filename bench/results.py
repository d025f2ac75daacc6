"""Where a benchmark writes its result: ``.local/bench/`` (outside the tracked tree), or ``bench/results/`` (the
figures the repository keeps) when ``SAVE=1`` asks for it (``make bench SAVE=1``)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAVED = ROOT / "bench" / "results"
SCRATCH = ROOT / ".local" / "bench"


def results_dir() -> Path:
    """The directory for this run's results, created if missing."""
    directory = SAVED if os.environ.get("SAVE") == "1" else SCRATCH
    directory.mkdir(parents=True, exist_ok=True)
    return directory
