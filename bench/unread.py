"""What the unread count costs as the backlog grows: ``GET /notifications/unread-count``, ``/popup`` and ``/page`` for
members with 0, 1,000 and 5,000 unread notifications (each also has 100 read ones, so every list reads as much), in
DynamoDB calls and read units, as ratios to the member with none (the goal is 1: the count is one item, not a
count over the unread).

It runs on a local stack of its own (:func:`bench.stack.local_stage`), through the gateway and the handlers; units
come from :class:`bench.meter.Meter`. Each member's counter is completed by one first read before the measured ones
(a member whose notifications predate the counter pays that once: the ``first read`` column).

    make bench BENCH=unread            UNREAD=0,1000,5000 by default (an environment variable)
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from bench.meter import Meter
from bench.results import results_dir
from bench.stack import BASE, local_stage

ENDPOINTS = ("unread-count", "popup", "page")
READ = 100  # read notifications every member has, below its unread ones: the page and popup read up to 100 items
# when they leave a type out (they do by default), so every member's lists read as many, whatever the backlog


def _member(runtime: Any, name: str) -> tuple[int, dict[str, str]]:
    from devdevdev.auth.tokens import TokenClaims

    email = f"{name}@devdevdev.com"
    member, _ = runtime.members.create(
        email=email, social_type="KAKAO", role="ROLE_USER", nickname=name, now=datetime.now(UTC)
    )
    token = runtime.tokens.issue(TokenClaims(email, "KAKAO", "ROLE_USER")).access_token
    return member.id, {"Authorization": f"Bearer {token}"}


def _backlog(runtime: Any, member_id: int, unread: int, first_id: int) -> None:
    """``READ`` read SUBSCRIPTION notifications of the member, then ``unread`` unread ones (about the demo's first
    article)."""
    from devdevdev.store.notifications import SUBSCRIPTION, Notification

    now = runtime.clock.now()
    message = "우아한형제들에서 새로운 글이 올라왔어요!"
    runtime.notifications.add_missing(
        [
            Notification(
                first_id + n, member_id, SUBSCRIPTION, message, now, is_read=n < READ, company_id=1, tech_article_id=1
            )
            for n in range(READ + unread)
        ]
    )


def _measure(client: Any, headers: dict[str, str], endpoint: str) -> dict[str, Any]:
    with Meter() as meter:
        response = client.get(f"{BASE}/notifications/{endpoint}", headers=headers)
    assert response.status_code == 200, response.text
    snapshot = meter.snapshot()
    return {k: snapshot[k] for k in ("calls", "rcu", "by_operation", "read_units")}


def run(backlogs: tuple[int, ...] = (0, 1000, 5000)) -> dict[str, Any]:
    """Calls and read units of each endpoint at each backlog, and their ratios to the first backlog's."""
    measured: dict[int, dict[str, Any]] = {}
    with local_stage() as stage:
        next_id = 10**9
        for unread in backlogs:
            member_id, headers = _member(stage.runtime, f"unread{unread}")
            _backlog(stage.runtime, member_id, unread, next_id)
            next_id += READ + unread
            first = _measure(stage.client, headers, "unread-count")
            count = stage.client.get(f"{BASE}/notifications/unread-count", headers=headers).json()["data"]
            assert count == unread, f"counted {count} of {unread} unread"
            measured[unread] = {"first_read": first, **{e: _measure(stage.client, headers, e) for e in ENDPOINTS}}
    base = measured[backlogs[0]]
    ratios = {
        unread: {
            endpoint: {
                "calls": round(row[endpoint]["calls"] / max(base[endpoint]["calls"], 1), 2),
                "rcu": round(row[endpoint]["rcu"] / max(base[endpoint]["rcu"], 0.5), 2),
            }
            for endpoint in ENDPOINTS
        }
        for unread, row in measured.items()
    }
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "backlogs": list(backlogs),
        "measured": {str(k): v for k, v in measured.items()},
        "ratios": {str(k): v for k, v in ratios.items()},
    }


def main() -> None:
    backlogs = tuple(int(n) for n in os.environ.get("UNREAD", "0,1000,5000").split(","))
    result = run(backlogs)
    (results_dir() / "unread.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'unread':>7} | {'endpoint':<12} | {'calls':>5} | {'RCU':>6} | {'× calls':>7} | {'× RCU':>6}")
    for unread in backlogs:
        row, ratio = result["measured"][str(unread)], result["ratios"][str(unread)]
        for endpoint in ENDPOINTS:
            print(
                f"{unread:>7,} | {endpoint:<12} | {row[endpoint]['calls']:>5} | {row[endpoint]['rcu']:>6} | "
                f"{ratio[endpoint]['calls']:>7} | {ratio[endpoint]['rcu']:>6}"
            )
        print(f"{unread:>7,} | first read   | {row['first_read']['calls']:>5} | {row['first_read']['rcu']:>6} | (once)")
