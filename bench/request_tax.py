"""The per-request tax: what DynamoDB does for one ordinary request of a list page on a warm instance, and how much
of it is the rate limit and finding the caller rather than the page.

Each page is asked by a member (a bearer token from ``GET /token/test/user``) and by an anonymous visitor
(``Anonymous-Member-Id``), each page from a client of its own (source IP and ``_ga`` cookie), through the local
gateway and the real handlers. The first request warms the instance (it reserves the rate-limit blocks, reads the
login, finds the anonymous member); the next ``REPEATS`` are metered (``ReturnConsumedCapacity=INDEXES``), and the
limiter's table calls, login reads, member item reads and anonymous-member look-ups are counted apart. Then one
client makes ``AMORTIZED`` requests to show what the rate limit costs over a minute: a write per block.

    make bench BENCH=request_tax          REPEATS=9 AMORTIZED=100 by default (environment variables)
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.meter import Meter
from bench.results import results_dir
from bench.stack import BASE, local_stage

ANONYMOUS = "GA1.1.42.42"
# (page, path, who asks it: "member", "anonymous" or both)
PAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("picks", "/picks", ("member", "anonymous")),
    ("pick comments", "/picks/1/comments", ("member", "anonymous")),
    ("companies", "/subscriptions/companies", ("member", "anonymous")),
    ("my picks", "/mypage/picks", ("member",)),
    ("my comments", "/mypage/comments", ("member",)),
    ("my bookmarks", "/mypage/bookmarks", ("member",)),
    ("my companies", "/mypage/subscriptions/companies", ("member",)),
)


class Tax:
    """Counts, on one runtime, the calls that are not the page's: the rate limiter's table calls, reads of a login
    (who a token is), reads of the member item, look-ups of an anonymous member."""

    def __init__(self, runtime: Any) -> None:
        self.counts: Counter[str] = Counter()
        limiter = runtime.rate_limiter
        limiter._update = self._counted("rate limit", limiter._update)
        limiter._read = self._counted("rate limit", limiter._read)
        members = runtime.members
        members.member_id_for_login = self._counted("login", members.member_id_for_login)
        members.get = self._counted("member item", members.get)
        anonymous = runtime.anonymous
        anonymous.find_or_create = self._counted("anonymous", anonymous.find_or_create)

    def _counted(self, name: str, call: Callable) -> Callable:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.counts[name] += 1
            return call(*args, **kwargs)

        return counted

    def take(self) -> dict[str, int]:
        counts = {name: self.counts[name] for name in ("rate limit", "login", "member item", "anonymous")}
        self.counts.clear()
        return counts


def run(repeats: int = 9, amortized: int = 100) -> dict[str, Any]:
    """:func:`measure` on a seeded local stack of its own, its clock standing at the start of a minute (every
    request of the run falls in one rate-limit window)."""
    from devdevdev.clock import FixedClock

    with local_stage(clock=FixedClock(datetime.now(UTC).replace(second=0, microsecond=0))) as stage:
        return measure(stage.runtime, repeats, amortized)


def measure(runtime: Any, repeats: int, amortized: int) -> dict[str, Any]:
    """Meter every page for a member and an anonymous visitor on a warm instance (the current runtime, seeded with
    the demo data); the rate limit over ``amortized`` requests of one client."""
    from starlette.testclient import TestClient

    from infra.local.gateway import create_app

    app = create_app(())

    def client_at(ip: str) -> TestClient:
        return TestClient(app, base_url="http://127.0.0.1:8080", client=(ip, 50000))

    token = client_at("192.0.2.1").get(f"{BASE}/token/test/user").json()["data"]["accessToken"]
    who_headers = {"member": {"Authorization": f"Bearer {token}"}, "anonymous": {"Anonymous-Member-Id": ANONYMOUS}}
    tax = Tax(runtime)
    pages: list[dict[str, Any]] = []
    for number, (name, path, askers) in enumerate(PAGES):
        for who in askers:
            # A client of its own (IP and cookie): its first request reserves its blocks.
            client = client_at(f"198.51.100.{number}")
            headers = dict(who_headers[who], Cookie=f"_ga=GA1.1.{number}.{who}")
            first = client.get(f"{BASE}{path}", headers=headers)
            assert first.status_code == 200, (name, who, first.text)
            tax.take()
            with Meter() as meter:
                for _ in range(repeats):
                    response = client.get(f"{BASE}{path}", headers=headers)
                    assert response.status_code == 200, (name, who, response.text)
            counts = tax.take()
            pages.append(
                {
                    "page": name,
                    "path": path,
                    "caller": who,
                    "calls_per_request": round(meter.calls / repeats, 2),
                    "by_operation": {op: round(n / repeats, 2) for op, n in sorted(meter.by_operation.items())},
                    "rcu_per_request": round(meter.rcu / repeats, 3),
                    "wcu_per_request": round(meter.wcu / repeats, 3),
                    "tax_per_request": {k: round(v / repeats, 2) for k, v in counts.items()},
                }
            )
    # What the rate limit costs over many requests of one client on one instance.
    client, headers = client_at("203.0.113.200"), {"Cookie": "_ga=GA1.1.7.7"}
    for _ in range(amortized):
        assert client.get(f"{BASE}/subscriptions/companies", headers=headers).status_code == 200
    return {
        "repeats": repeats,
        "block": runtime.rate_limiter.client_block,
        "pages": pages,
        "rate_limit": {"requests": amortized, "table_calls": tax.take()["rate limit"], "before": amortized},
    }


def main() -> None:
    result = run(int(os.environ.get("REPEATS", "9")), int(os.environ.get("AMORTIZED", "100")))
    (results_dir() / "request_tax.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(
        f"A warm instance, {result['repeats']} requests per page after a first one (rate-limit block {result['block']}):"
    )
    print(f"{'page':<14} {'caller':<10} {'calls':>5} {'RCU':>6} {'WCU':>5}  tax (limit/login/member/anon)  operations")
    for page in result["pages"]:
        tax = page["tax_per_request"]
        ops = ", ".join(f"{op} {n:g}" for op, n in page["by_operation"].items())
        print(
            f"{page['page']:<14} {page['caller']:<10} {page['calls_per_request']:>5g} {page['rcu_per_request']:>6g} "
            f"{page['wcu_per_request']:>5g}  {tax['rate limit']:g} / {tax['login']:g} / {tax['member item']:g} / "
            f"{tax['anonymous']:g}{'':<14}  {ops}"
        )
    limit = result["rate_limit"]
    print(
        f"rate limit over {limit['requests']} requests of one client: {limit['table_calls']} table calls "
        f"(one per request before blocks: {limit['before']})"
    )
