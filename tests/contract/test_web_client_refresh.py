"""The web client's token refresh, replayed in its own terms on a real port (issue 18).

The client's response interceptor refreshes on a 401 whose body says ``만료된 JWT 입니다.`` (errorCode 401), once per
failing request and with no coordination between them: each failing query sends its own ``POST /token/refresh``,
carrying the refresh cookie and the expired ``Authorization`` header. It then reads the new access token from the
JS-readable ``DEVDEVDEV_ACCESS_TOKEN`` cookie (the body is ignored) and retries the query once. Any other 401, or a
failed refresh, logs the member out. :class:`WebClient` below does exactly that, with a browser-like cookie jar
(``document.cookie`` sees only cookies that are not HttpOnly), so the test fails wherever a real page would log the
member out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.cookiejar import Cookie

import httpx
import pytest

from infra.local import services
from tests.conftest import BASE, LiveServer, build_runtime, served

pytestmark = pytest.mark.integration

FRONT_END = "http://127.0.0.1:3000"
GA = "GA1.1.276672604.1715872960"
EXPIRED = {"resultType": "FAIL", "message": "만료된 JWT 입니다.", "errorCode": 401}
# What /myinfo/mywriting/mypick fetches on load for a member: its two lists and the bell's count.
PAGE_QUERIES = (
    "/mypage/picks?size=10&pickId=9007199254740991",
    "/mypage/comments?size=5&pickCommentId=9007199254740991&techCommentId=9007199254740991&commentFilter=ALL",
    "/notifications/unread-count",
)


@pytest.fixture
def page_stage(settings_env) -> Iterator[tuple[LiveServer, object]]:
    """The seeded stage on a real port, on a clock the test moves (set to the real time, so that the cookies'
    ``Expires`` are realistic for the cookie jar): (server, clock)."""
    from devdevdev.clock import FixedClock
    from devdevdev.runtime import use_runtime

    from infra.local.seed import seed

    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    runtime = build_runtime(settings_env, clock)
    seed(runtime)
    with served(runtime) as server:
        yield server, clock
    use_runtime(None)
    services.dynamodb_client(runtime.settings.dynamodb_endpoint or "").delete_table(
        TableName=runtime.settings.table_name
    )


def _http_only_cookie(name: str, value: str, max_age: int) -> Cookie:
    """A host-only cookie of 127.0.0.1 as a browser keeps it after the login's ``Set-Cookie ...; HttpOnly``."""
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain="127.0.0.1",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=int(datetime.now(UTC).timestamp()) + max_age,
        discard=False,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": None, "SameSite": "Lax"},  # type: ignore[dict-item]  # a flag has no value, as the jar parses it
    )


class WebClient:
    """The client's axios instance and its interceptors (``api/useSetAxiosConfig.tsx``), over one cookie jar."""

    def __init__(self, url: str, access_token: str, refresh_token: str) -> None:
        self.http = httpx.Client(base_url=f"{url}{BASE}", timeout=30)
        self.http.cookies.set("_ga", GA, domain="127.0.0.1", path="/")
        self.http.cookies.jar.set_cookie(_http_only_cookie("DEVDEVDEV_REFRESH_TOKEN", refresh_token, 604800))
        self.access_token = access_token  # localStorage.userInfo.state.userInfo.accessToken
        self.logged_out = False
        self.lock = threading.Lock()
        self.refreshes: list[httpx.Response] = []
        self.first_answers: list[httpx.Response] = []
        self.refresh_barrier: threading.Barrier | None = None

    def document_cookie(self) -> dict[str, str]:
        """What ``document.cookie`` shows: the jar's cookies that are not HttpOnly."""
        return {c.name: c.value or "" for c in self.http.cookies.jar if not c.has_nonstandard_attr("HttpOnly")}

    def _send(self, method: str, path: str, token: str) -> httpx.Response:
        headers = {"Origin": FRONT_END, "Anonymous-Member-Id": GA, "Authorization": f"Bearer {token}"}
        return self.http.request(method, path, headers=headers)

    def query(self, path: str) -> httpx.Response:
        """One query through the interceptors: on the expired-token 401, refresh, read the cookie, retry once."""
        token = self.access_token
        response = self._send("GET", path, token)
        with self.lock:
            self.first_answers.append(response)
        if response.status_code != 401:
            return response
        body = response.json()
        if not (body.get("errorCode") == 401 and body.get("message") == "만료된 JWT 입니다."):
            self.logged_out = True  # removeUserInfo(): any other 401
            return response
        if self.refresh_barrier is not None:
            self.refresh_barrier.wait()  # the page's failing queries refresh at the same moment
        refreshed = self._send("POST", "/token/refresh", token)  # the expired header goes along
        with self.lock:
            self.refreshes.append(refreshed)
        if refreshed.status_code != 200:
            self.logged_out = True  # a failed refresh logs the member out
            return refreshed
        new_token = self.document_cookie()["DEVDEVDEV_ACCESS_TOKEN"]
        self.access_token = new_token  # saved to localStorage and the default header
        return self._send("GET", path, new_token)

    def open_page(self) -> list[httpx.Response]:
        """The page's queries, fired at once (one thread each, as the browser does not wait between them)."""
        start = threading.Barrier(len(PAGE_QUERIES), timeout=60)
        self.refresh_barrier = threading.Barrier(len(PAGE_QUERIES), timeout=60)
        self.first_answers, self.refreshes = [], []

        def fire(path: str) -> httpx.Response:
            start.wait()
            return self.query(path)

        with ThreadPoolExecutor(len(PAGE_QUERIES)) as pool:
            return list(pool.map(fire, PAGE_QUERIES))


def set_cookie_headers(response: httpx.Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def test_an_access_token_expiring_on_an_open_page_refreshes_three_times_and_keeps_the_member_logged_in(page_stage):
    server, clock = page_stage
    pair = httpx.get(f"{server.url}{BASE}/token/test/user").json()["data"]
    web = WebClient(server.url, pair["accessToken"], pair["refreshToken"])

    # The page works while the token is fresh.
    assert [r.status_code for r in web.open_page()] == [200, 200, 200]
    assert web.refreshes == []

    # The access token expires while the page is open (30 minutes, and a second).
    clock.advance(seconds=1801)
    expired = web.access_token
    answers = web.open_page()

    # Each query first got the expired-token 401, with the CORS headers a cross-origin page needs to read it.
    assert len(web.first_answers) == 3
    for first in web.first_answers:
        assert (first.status_code, first.json()) == (401, EXPIRED)
        assert first.headers["access-control-allow-origin"] == FRONT_END
        assert first.headers["access-control-allow-credentials"] == "true"
    # Three refreshes went out at once with the same refresh cookie, and all succeeded alike.
    assert len(web.refreshes) == 3
    successors = set()
    for refreshed in web.refreshes:
        assert (refreshed.status_code, refreshed.json()) == (200, {"resultType": "SUCCESS"})
        assert refreshed.request.headers["authorization"] == f"Bearer {expired}"
        assert refreshed.request.headers["cookie"].count("DEVDEVDEV_REFRESH_TOKEN=") == 1
        cookies = set_cookie_headers(refreshed)
        access = cookies["DEVDEVDEV_ACCESS_TOKEN"]
        assert access.startswith("DEVDEVDEV_ACCESS_TOKEN=ey") and "; Path=/" in access and "Max-Age=180" in access
        assert "HttpOnly" not in access and "Domain=" not in access  # document.cookie can read it on 127.0.0.1
        assert "HttpOnly" in cookies["DEVDEVDEV_REFRESH_TOKEN"]
        assert cookies["DEVDEVDEV_LOGIN_STATUS"].startswith("DEVDEVDEV_LOGIN_STATUS=active;")
        assert refreshed.headers["access-control-allow-origin"] == FRONT_END
        successors.add(cookies["DEVDEVDEV_REFRESH_TOKEN"].split(";")[0])
    assert len(successors) == 1  # the same new refresh token for all three
    (successor,) = successors
    # The three queries, retried with the new token, succeeded; the member was never logged out.
    assert [(r.status_code, r.json()["resultType"]) for r in answers] == [(200, "SUCCESS")] * 3
    assert all(r.request.headers["authorization"] == f"Bearer {web.access_token}" for r in answers)
    assert web.access_token != expired and not web.logged_out
    assert "DEVDEVDEV_ACCESS_TOKEN" in web.document_cookie()
    assert "DEVDEVDEV_REFRESH_TOKEN" not in web.document_cookie()

    # Still logged in: the next expiry refreshes again, with the new refresh cookie the jar now holds.
    clock.advance(seconds=1801)
    answers = web.open_page()
    assert [r.status_code for r in web.refreshes] == [200, 200, 200]
    assert all(successor in r.request.headers["cookie"] for r in web.refreshes)
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert not web.logged_out
    web.http.close()
