"""What one write and one list page cost in DynamoDB: write units per view, vote, comment, recommend and bookmark, and
requests and read units per list page (picks, comments, companies, my pages; a member's and an anonymous caller's),
from the meter (``ReturnConsumedCapacity=INDEXES``), through the local gateway and the real handlers.

Every API request also pays what the request filters do (the rate-limit window's ``UpdateItem``, the member of a
bearer token's ``GetItem``, the anonymous member of an ``Anonymous-Member-Id``): those requests are counted apart, as
``tax``, so that the figures are the route's own.

    make bench BENCH=writes                       REPEATS=5 by default (environment variable)
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from bench.meter import Meter
from bench.results import results_dir
from bench.stack import BASE, local_stage

ANONYMOUS = {"Anonymous-Member-Id": "GA1.1.bench.1715872960"}
# The request filters' items: the rate-limit window, a token's login (and its member's profile, read with GetItem),
# an anonymous member by its header id.
_TAX_PREFIXES = ("RATE#", "LOGIN#", "ANON#")


class Metered:
    """A :class:`Meter` that also counts apart the request filters' DynamoDB requests (``tax``)."""

    def __init__(self) -> None:
        self.meter = Meter()
        self.tax: Counter[str] = Counter()
        self.tax_wcu = 0.0
        self._inner: Any = None

    def __enter__(self) -> Metered:
        from pynamodb.connection.base import Connection

        self.meter.__enter__()
        metered = Connection._make_api_call
        self._inner = metered
        tax = self

        def tagged(connection: Any, operation: str, kwargs: dict) -> dict:
            key = kwargs.get("Key") or {}
            partition = (key.get("PK") or {}).get("S", "")
            before = tax.meter.wcu
            response = metered(connection, operation, kwargs)
            member = operation == "GetItem" and (key.get("SK") or {}).get("S") == "PROFILE"
            if partition.startswith(_TAX_PREFIXES) or (member and partition.startswith("MEMBER#")):
                tax.tax[operation] += 1
                tax.tax_wcu += tax.meter.wcu - before
            return response

        setattr(Connection, "_make_api_call", tagged)  # noqa: B010 (a method replaced for the bench's life)
        return self

    def __exit__(self, *exc: object) -> None:
        from pynamodb.connection.base import Connection

        Connection._make_api_call = self._inner  # type: ignore[method-assign]
        self.meter.__exit__(*exc)

    def own(self) -> dict[str, Any]:
        """The route's own requests and units (the tax taken off)."""
        operations = Counter(self.meter.by_operation)
        operations.subtract(self.tax)
        operations = +operations
        return {
            "calls": sum(operations.values()),
            "by_operation": dict(sorted(operations.items())),
            "rcu": self.meter.rcu,
            "wcu": round(self.meter.wcu - self.tax_wcu, 3),
            "write_units": {k: round(v, 3) for k, v in sorted(self.meter.write_units.items())},
            "tax": dict(self.tax),
        }


def _ok(response: Any) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def _metered(call: Any) -> dict[str, Any]:
    with Metered() as metered:
        call()
    return metered.own()


def _mean(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The last run's shape with its write units averaged over ``runs``."""
    result = dict(runs[-1])
    result["wcu"] = round(sum(r["wcu"] for r in runs) / len(runs), 3)
    result["runs"] = len(runs)
    return result


def measure(repeats: int = 5) -> dict[str, dict[str, Any]]:
    """The cost of each write (write units averaged over ``repeats``) and of each list page, on a seeded stage."""
    with local_stage() as stage:
        client = stage.client
        user = {"Authorization": f"Bearer {_ok(client.get(f'{BASE}/token/test/user'))['data']['accessToken']}"}
        admin = {"Authorization": f"Bearer {_ok(client.get(f'{BASE}/token/test/admin'))['data']['accessToken']}"}
        pick = _ok(client.get(f"{BASE}/picks/1", headers=user))["data"]
        options = [pick["pickOptions"]["firstPickOption"]["id"], pick["pickOptions"]["secondPickOption"]["id"]]
        results: dict[str, dict[str, Any]] = {}

        results["view"] = _mean(
            [_metered(lambda: _ok(client.get(f"{BASE}/picks/1", headers=ANONYMOUS))) for _ in range(repeats)]
        )
        votes = [
            _metered(
                lambda n=n: _ok(
                    client.post(f"{BASE}/picks/vote", headers=user, json={"pickId": 1, "pickOptionId": options[n % 2]})
                )
            )
            for n in range(repeats)
        ]
        results["vote"] = _mean(votes)
        comments = [
            _metered(
                lambda n=n: _ok(
                    client.post(
                        f"{BASE}/picks/1/comments",
                        headers=user,
                        json={"contents": f"벤치 댓글 {n}", "isPickVotePublic": True},
                    )
                )
            )
            for n in range(repeats)
        ]
        results["comment"] = _mean(comments)
        comment_id = _ok(client.get(f"{BASE}/picks/1/comments", headers=user))["data"]["content"][0]["pickCommentId"]
        results["comment recommend"] = _mean(
            [
                _metered(lambda: _ok(client.post(f"{BASE}/picks/1/comments/{comment_id}/recommends", headers=admin)))
                for _ in range(repeats)
            ]
        )
        results["article recommend"] = _mean(
            [_metered(lambda: _ok(client.post(f"{BASE}/articles/1/recommend", headers=user))) for _ in range(repeats)]
        )
        results["bookmark"] = _mean(
            [_metered(lambda: _ok(client.post(f"{BASE}/articles/2/bookmark", headers=user))) for _ in range(repeats)]
        )
        for article_id in (3, 4, 5):
            _ok(client.post(f"{BASE}/articles/{article_id}/bookmark", headers=user))
            _ok(client.post(f"{BASE}/articles/{article_id}/comments", headers=user, json={"contents": "벤치"}))
        _ok(client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 1}))
        _ok(client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 2}))

        pages = {
            "picks": "/picks?size=10",
            "picks popular": "/picks?size=10&pickSort=POPULAR",
            "pick comments": "/picks/1/comments?size=5",
            "article comments": "/articles/3/comments?size=5",
            "companies": "/subscriptions/companies?size=10",
            "my picks": "/mypage/picks?size=10",
            "my bookmarks": "/mypage/bookmarks?size=10",
            "my comments": "/mypage/comments?size=10",
            "my subscriptions": "/mypage/subscriptions/companies?size=10",
        }
        for name, path in pages.items():
            results[f"page {name} (member)"] = _metered(lambda p=path: _ok(client.get(BASE + p, headers=user)))
            if not name.startswith("my "):
                results[f"page {name} (anonymous)"] = _metered(
                    lambda p=path: _ok(client.get(BASE + p, headers=ANONYMOUS))
                )
    return results


def main() -> None:
    repeats = int(os.environ.get("REPEATS", "5"))
    results = measure(repeats)
    print(f"{'what':<36} {'calls':>5} {'WCU':>6} {'RCU':>6}  own requests (tax apart)")
    for name, result in results.items():
        operations = ", ".join(f"{n} {op}" for op, n in result["by_operation"].items())
        print(
            f"{name:<36} {result['calls']:>5} {result['wcu']:>6} {result['rcu']:>6}  {operations}  tax {result['tax']}"
        )
    path = results_dir() / "writes.json"
    path.write_text(json.dumps({"repeats": repeats, "results": results}, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {path}")
