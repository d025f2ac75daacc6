"""``make bench [BENCH=name]``: run the benchmarks (all of them by default) on a local stack of their own."""

from __future__ import annotations

import importlib
import sys

# One line per benchmark (a module of this package with a main()), in the order ``make bench`` runs them; a module
# is imported only when it runs.
BENCHMARKS = [
    "notifications",
    "similar_picks",
    "search",
    "cost",
    "request_tax",
    "cold_start",
    "writes",
    "unread",
]


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names:
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
