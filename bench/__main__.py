"""``make bench [BENCH=name]``: run the benchmarks (all of them by default) on a local stack of their own."""

from __future__ import annotations

import sys

from bench import notifications, similar_picks, unread

BENCHMARKS = {"notifications": notifications.main, "similar_picks": similar_picks.main, "unread": unread.main}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names:
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
