"""Embed the picks that have no embedding yet: failed or still waiting requests, and APPROVAL picks older than the
pipeline (or embedded by another provider). Runs the embed step's own code in this process.

    make backfill-embeddings                       # the local stack (`make run` must be running): offline provider
    STAGE=prod TABLE_NAME=devdevdev-prod EMBEDDING_PROVIDER=openai OPENAI_API_KEY_ARN=arn:... \\
        make backfill-embeddings                   # a deployed table (AWS credentials)
    make backfill-embeddings DRY_RUN=1             # list what it would embed

It uses Queries only (the requests index and the APPROVAL list), never a Scan. Exit status 1 when a batch failed.
"""

from __future__ import annotations

import argparse
import sys

from local_stack import use_local_stack  # scripts/local_stack.py (the script's own directory is on the path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="list the picks, embed nothing")
    parser.add_argument("--batch-size", type=int, default=20, help="titles per provider call (default 20)")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if not use_local_stack():
        return 1

    from devdevdev.clock import Clock
    from devdevdev.runtime import Runtime
    from devdevdev.services import similar_picks
    from devdevdev.settings import Settings

    runtime = Runtime(Settings.from_env(), Clock())
    provider = runtime.embedding_provider
    if args.dry_run:
        found = similar_picks.picks_to_backfill(runtime, provider.model)
        print(f"{len(found)} pick(s) to embed with {provider.model}: {found}")
        return 0
    report = similar_picks.backfill(runtime, provider, batch_size=args.batch_size)
    summary = report.summary
    print(
        f"{len(report.found)} pick(s) found; embedded {len(summary.embedded)} with {provider.model}, "
        f"{len(summary.unchanged)} already current, {len(summary.missing)} deleted, {len(report.failed)} failed."
    )
    for pick_id, error in sorted(report.failed.items()):
        print(f"  pick {pick_id}: {error}", file=sys.stderr)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
