"""Bulk-load tech articles from a JSON Lines file through the crawler's ingestion endpoint.

    make import FILE=samples/articles.jsonl         # into the running local stack (found in .local/endpoints.json)
    API=https://<api-id>.execute-api.<region>.amazonaws.com CRAWLER_API_KEY=... make import FILE=articles.jsonl

One article per line: {"companyId", "title", "contents", "author", "regDate", "techArticleUrl", "thumbnailUrl"}.
Articles are sent in batches of 100; the endpoint upserts by techArticleUrl, so running it twice changes nothing.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from local_stack import API_PATH, local_api  # scripts/local_stack.py (the script's own directory is on the path)

BATCH = 100


def post(api: str, service: str, key: str, articles: list[dict]) -> list[dict]:
    request = urllib.request.Request(
        f"{api}{API_PATH}/articles",
        data=json.dumps({"techArticles": articles}, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "service-name": service, "api-key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["data"]["techArticles"]
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", errors="replace")
        raise SystemExit(f"the API refused a batch ({error.code}): {body}") from None
    except urllib.error.URLError as error:
        raise SystemExit(f"cannot reach {api}: {error.reason} (is `make run` running?)") from None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make import FILE=articles.jsonl", file=sys.stderr)
        return 2
    path = Path(argv[1])
    if not path.is_file():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    # API names a stack (with or without the /devdevdev/api/v1 path); else the local stack `make run` started.
    api = os.environ.get("API") or local_api()
    if api is None:
        print(
            "The local stack is not running: start `make run` first (or set API= for a deployed one).", file=sys.stderr
        )
        return 1
    api = api.rstrip("/").removesuffix(API_PATH)
    service = os.environ.get("CRAWLER_SERVICE", "devdevdev-crawler")
    key = os.environ.get("CRAWLER_API_KEY", "local-crawler-key")
    batch: list[dict] = []
    stored = 0
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                batch.append(json.loads(line))
            except json.JSONDecodeError as error:
                print(f"{path}:{number}: not JSON ({error.msg})", file=sys.stderr)
                return 1
            if len(batch) == BATCH:
                stored += len(post(api, service, key, batch))
                batch = []
    if batch:
        stored += len(post(api, service, key, batch))
    print(f"imported {stored} article(s) into {api}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
