"""functions/picks (and GET /mypage/picks) through the local gateway, on DynamoDB Local.

Every documented example and error message of the pick endpoints, plus the departures of docs/rules.md#departures: exact
``last``, id tie-breaks, APPROVAL-only lists, votes that check the option and the status, moderation.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import BASE, bearer, build_runtime, fail, make_client, tokens

pytestmark = pytest.mark.integration

ANON = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}
LONG_MAX = "9223372036854775807"


def pick_body(
    title: str = "Svelte VS React", first: str = "Svelte가 짱이다!", second: str = "React가 짱이다!", **extra
):
    body = {
        "pickTitle": title,
        "pickOptions": {
            "firstPickOption": {
                "pickOptionTitle": first,
                "pickOptionContent": "낮은 러닝커브 그리고 빠른 속도!",
                "pickOptionImageIds": [],
            },
            "secondPickOption": {
                "pickOptionTitle": second,
                "pickOptionContent": "대형 커뮤니티!",
                "pickOptionImageIds": [],
            },
        },
    }
    body.update(extra)
    return body


def create_pick(client, token: str, title: str = "Svelte VS React") -> int:
    response = client.post(f"{BASE}/picks", headers=bearer(token), json=pick_body(title))
    assert response.status_code == 200, response.text
    return response.json()["data"]["pickId"]


def option_ids(client, token: str, pick_id: int) -> tuple[int, int]:
    detail = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(token)).json()["data"]["pickOptions"]
    return detail["firstPickOption"]["id"], detail["secondPickOption"]["id"]


def vote(client, headers: dict, pick_id, option_id):
    return client.post(f"{BASE}/picks/vote", headers=headers, json={"pickId": pick_id, "pickOptionId": option_id})


@pytest.fixture
def user(client) -> str:
    return tokens(client)["accessToken"]


@pytest.fixture
def admin(client) -> str:
    return tokens(client, "admin")["accessToken"]


# GET /picks -------------------------------------------------------------------------------------------------------


def test_list_first_page_is_the_contract_slice(client, user):
    # Given the demo picks (ids 1..5) and a vote by the member on pick 5
    assert vote(client, bearer(user), 5, 9).status_code == 200
    # When the member asks for the first page as the web client does
    response = client.get(f"{BASE}/picks?size=10&pickId={LONG_MAX}&pickSort=LATEST", headers=bearer(user))
    # Then the newest pick comes first, with the member's vote, in a Slice sorted by id
    assert response.status_code == 200
    data = response.json()["data"]
    assert [item["id"] for item in data["content"]] == [5, 4, 3, 2, 1]
    assert data["content"][0] == {
        "id": 5,
        "title": "ORM vs SQL 직접 작성?",
        "voteTotalCount": 1,
        "commentTotalCount": 0,
        "viewTotalCount": 0,
        "popularScore": 4,
        "isVoted": True,
        "pickOptions": [
            {"id": 9, "title": "ORM", "percent": 100, "isPicked": True},
            {"id": 10, "title": "SQL", "percent": 0, "isPicked": False},
        ],
    }
    assert data["content"][1]["isVoted"] is False
    sort = {"empty": False, "sorted": True, "unsorted": False}
    assert {k: v for k, v in data.items() if k != "content"} == {
        "pageable": {"pageNumber": 0, "pageSize": 10, "sort": sort, "offset": 0, "paged": True, "unpaged": False},
        "size": 10,
        "number": 0,
        "sort": sort,
        "first": True,
        "last": True,
        "numberOfElements": 5,
        "empty": False,
    }
    assert list(data) == ["content", "pageable", "size", "number", "sort", "first", "last", "numberOfElements", "empty"]


def test_list_cursor_of_javascript_max_safe_integer_is_the_first_page(client, user):
    response = client.get(f"{BASE}/picks?pickId=9007199254740991&size=2", headers=bearer(user))
    assert [item["id"] for item in response.json()["data"]["content"]] == [5, 4]


def test_list_for_an_anonymous_member_needs_the_header_and_shows_its_votes(client):
    response = client.get(f"{BASE}/picks")
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))

    assert vote(client, ANON, "3", 6).status_code == 200
    content = client.get(f"{BASE}/picks", headers=ANON).json()["data"]["content"]
    voted = {item["id"]: item for item in content}[3]
    assert voted["isVoted"] is True
    assert [option["isPicked"] for option in voted["pickOptions"]] == [False, True]


@pytest.mark.parametrize(
    "query",
    ["pickSort=OLDEST", "size=0", "size=-1", "size=abc", "pickId=abc", "pickId=-5", "size=99999999999999999999999"],
)
def test_list_bad_parameters_are_400_in_the_envelope(client, user, query):
    response = client.get(f"{BASE}/picks?{query}", headers=bearer(user))
    assert response.status_code == 400
    body = response.json()
    assert body["resultType"] == "FAIL" and body["errorCode"] == 400 and body["message"]


def test_list_size_is_capped(client, user):
    data = client.get(f"{BASE}/picks?size=5000", headers=bearer(user)).json()["data"]
    assert data["size"] == 100 and data["pageable"]["pageSize"] == 100


def test_thirty_picks_page_exactly_in_every_sort(client, seeded, user):
    # Given 30 APPROVAL picks (5 demo + 25 new) with views and votes that create both differences and ties
    created = [create_pick(client, user, f"픽 {n}") for n in range(25)]
    for n, pick_id in enumerate(created):
        for _ in range(n % 3):
            client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user))
        if n % 4 == 0:
            first, _ = option_ids(client, user, pick_id)
            assert vote(client, ANON, pick_id, first).status_code == 200
    everything = set(created) | {1, 2, 3, 4, 5}
    # (the POPULAR and MOST_VIEWED keys follow the counts at the picks' next fold: test_counters.py; here, at once)
    for pick_id in everything:
        seeded.picks.fold_views(pick_id, seeded.clock.now())
    for sort in ("LATEST", "POPULAR", "MOST_VIEWED", "MOST_COMMENTED"):
        # When the client pages with size 10, passing the last id as the cursor
        seen, lasts, cursor = [], [], LONG_MAX
        for _ in range(5):
            data = client.get(f"{BASE}/picks?pickSort={sort}&size=10&pickId={cursor}", headers=bearer(user)).json()[
                "data"
            ]
            seen += [item["id"] for item in data["content"]]
            lasts.append(data["last"])
            if data["last"]:
                break
            cursor = data["content"][-1]["id"]
        # Then every pick comes exactly once, and only the third page is the last
        assert sorted(seen) == sorted(everything), sort
        assert lasts == [False, False, True], sort
        # and each page follows the sort's order, ties broken by id descending
        key = {
            "LATEST": None,
            "POPULAR": "popularScore",
            "MOST_VIEWED": "viewTotalCount",
            "MOST_COMMENTED": "commentTotalCount",
        }[sort]
        items = []
        cursor = LONG_MAX
        for _ in range(4):
            data = client.get(f"{BASE}/picks?pickSort={sort}&size=10&pickId={cursor}", headers=bearer(user)).json()[
                "data"
            ]
            items += data["content"]
            if data["last"]:
                break
            cursor = data["content"][-1]["id"]
        order = [((item[key] if key else 0), item["id"]) for item in items]
        assert order == sorted(order, reverse=True), sort


def test_a_full_last_page_says_last(client, user):
    # 5 demo picks, size 5: exactly full, and nothing after it
    data = client.get(f"{BASE}/picks?size=5", headers=bearer(user)).json()["data"]
    assert (data["numberOfElements"], data["last"]) == (5, True)


# GET /picks/{pickId} ----------------------------------------------------------------------------------------------


def test_detail_is_the_contract_shape_and_counts_a_view_per_call(client, user, admin):
    # Given a member's pick that the admin voted on
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)  # one view
    assert vote(client, bearer(admin), pick_id, first).status_code == 200
    # When the admin reads it
    response = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(admin))
    # Then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data.pop("pickCreatedAt")[:2] == "20"
    assert data == {
        "userId": "tes******",
        "nickname": "댑댑이_User",
        "pickTitle": "Svelte VS React",
        "isAuthor": False,
        "isVoted": True,
        "pickOptions": {
            "firstPickOption": {
                "id": first,
                "title": "Svelte가 짱이다!",
                "isPicked": True,
                "percent": 100,
                "content": "낮은 러닝커브 그리고 빠른 속도!",
                "voteTotalCount": 1,
                "pickDetailOptionImages": [],
            },
            "secondPickOption": {
                "id": second,
                "title": "React가 짱이다!",
                "isPicked": False,
                "percent": 0,
                "content": "대형 커뮤니티!",
                "voteTotalCount": 0,
                "pickDetailOptionImages": [],
            },
        },
    }
    # and each call counted a view: 2 views + 1 vote → popular score 2·2 + 4·1
    listed = {i["id"]: i for i in client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"]}
    assert (listed[pick_id]["viewTotalCount"], listed[pick_id]["popularScore"]) == (2, 8)
    assert client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]["isAuthor"] is True


def test_detail_created_at_is_spaced_and_follows_the_timezone_header(client, user):
    seoul = client.get(f"{BASE}/picks/1", headers=bearer(user)).json()["data"]["pickCreatedAt"]
    utc = client.get(f"{BASE}/picks/1", headers={**bearer(user), "Timezone": "UTC"}).json()["data"]["pickCreatedAt"]
    assert (seoul, utc) == ("2025-01-01 10:00:00", "2025-01-01 01:00:00")


def test_detail_errors(client, user):
    assert client.get(f"{BASE}/picks/999", headers=bearer(user)).json() == fail("픽픽픽 게시글이 없습니다.", 404)
    response = client.get(f"{BASE}/picks/abc", headers=bearer(user))
    assert response.status_code == 400 and response.json()["resultType"] == "FAIL"
    response = client.get(f"{BASE}/picks/1")
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    assert client.get(f"{BASE}/picks/1", headers=ANON).json()["data"]["isAuthor"] is False


# Moderation -------------------------------------------------------------------------------------------------------


@pytest.fixture
def moderated(settings_env):
    """A stage that does not approve new picks by itself (as dev and prod)."""
    from infra.local.seed import seed

    runtime = build_runtime(dict(settings_env, AUTO_APPROVE_PICKS="false"))
    seed(runtime)
    return make_client(runtime)


def test_new_picks_wait_for_approval_where_the_stage_says_so(moderated):
    client = moderated
    user, admin = tokens(client)["accessToken"], tokens(client, "admin")["accessToken"]
    pick_id = create_pick(client, user)
    # READY: not listed, no detail, no votes; the author sees it on their page
    assert pick_id not in [i["id"] for i in client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"]]
    not_approved = fail("픽픽픽 게시글 상태가 승인 상태가 아닙니다. 관리자에게 문의하세요.", 400)
    assert client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json() == not_approved
    mine = client.get(f"{BASE}/mypage/picks", headers=bearer(user)).json()["data"]["content"]
    assert (mine[0]["id"], mine[0]["contentStatus"]) == (pick_id, "READY")
    # An admin approves it: listed, readable, votable
    response = client.patch(f"{BASE}/picks/{pick_id}/status", headers=bearer(admin), json={"contentStatus": "APPROVAL"})
    assert response.json() == {"resultType": "SUCCESS", "data": {"pickId": pick_id, "contentStatus": "APPROVAL"}}
    assert client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"][0]["id"] == pick_id
    first, _ = option_ids(client, user, pick_id)
    # Rejected: gone from the lists again, votes refused
    client.patch(f"{BASE}/picks/{pick_id}/status", headers=bearer(admin), json={"contentStatus": "REJECT"})
    assert pick_id not in [i["id"] for i in client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"]]
    assert vote(client, bearer(user), pick_id, first).json() == not_approved


def test_moderation_is_for_admins_only(client, user, admin):
    url = f"{BASE}/picks/1/status"
    response = client.patch(url, headers=bearer(user), json={"contentStatus": "REJECT"})
    assert (response.status_code, response.json()) == (403, fail("해당 자원에 접근 권한이 없습니다.", 403))
    response = client.patch(url, json={"contentStatus": "REJECT"})
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))
    response = client.patch(url, headers=bearer(admin), json={"contentStatus": "DELETED"})
    assert response.status_code == 400 and "APPROVAL, REJECT" in response.json()["message"]
    response = client.patch(f"{BASE}/picks/999/status", headers=bearer(admin), json={"contentStatus": "REJECT"})
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))


# POST /picks ------------------------------------------------------------------------------------------------------


def test_create_answers_the_new_id_and_lists_it_everywhere(client, user):
    response = client.post(f"{BASE}/picks", headers=bearer(user), json=pick_body())
    assert response.status_code == 200
    assert response.json() == {"resultType": "SUCCESS", "data": {"pickId": 6}}
    for sort in ("LATEST", "POPULAR", "MOST_VIEWED", "MOST_COMMENTED"):
        ids = [
            i["id"] for i in client.get(f"{BASE}/picks?pickSort={sort}", headers=bearer(user)).json()["data"]["content"]
        ]
        assert 6 in ids, sort


def _option(title="선택지", content=None, images=None):
    return {"pickOptionTitle": title, "pickOptionContent": content, "pickOptionImageIds": images or []}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"pickTitle": " ", "pickOptions": {"firstPickOption": _option(), "secondPickOption": _option()}},
            "제목을 작성해주세요.",
        ),
        ({"pickOptions": {"firstPickOption": _option(), "secondPickOption": _option()}}, "제목을 작성해주세요."),
        (
            {"pickTitle": "가" * 151, "pickOptions": {"firstPickOption": _option(), "secondPickOption": _option()}},
            "제목은 빈 값이거나 150자를 초과 할 수 없습니다.",
        ),
        (
            {"pickTitle": "t", "pickOptions": {"firstPickOption": _option(""), "secondPickOption": _option()}},
            "선택지 제목을 작성해주세요.",
        ),
        (
            {
                "pickTitle": "t",
                "pickOptions": {"firstPickOption": _option(content="가" * 30001), "secondPickOption": _option()},
            },
            "픽픽픽 내용은 최대 30000자 입니다.",
        ),
        ({"pickTitle": "t", "pickOptions": {"firstPickOption": _option()}}, "픽픽픽 선택지가 없습니다."),
        ({"pickTitle": "t"}, "픽픽픽 선택지가 없습니다."),
        (
            {
                "pickTitle": "t",
                "pickOptions": {"firstPickOption": _option(images=[1, 2, 3, 4]), "secondPickOption": _option()},
            },
            "이미지 파일은 최대 3개 까지 업로드 할 수 있습니다.",
        ),
        (
            {
                "pickTitle": "t",
                "pickOptions": {"firstPickOption": _option(images=[424242]), "secondPickOption": _option()},
            },
            "픽픽픽 선택지 이미지가 존재하지 않습니다.",
        ),
    ],
)
def test_create_validation_messages(client, user, body, message):
    response = client.post(f"{BASE}/picks", headers=bearer(user), json=body)
    status = 404 if "존재하지" in message else 400
    assert (response.status_code, response.json()) == (status, fail(message, status))


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[1, 2]",
        b'{"pickTitle": 7, "pickOptions": {}}',
        b'{"pickTitle": "t", "pickOptions": {"firstPickOption": {"pickOptionTitle": "a", "pickOptionImageIds": "x"}, "secondPickOption": {"pickOptionTitle": "b"}}}',
        b'{"pickTitle": "t", "pickOptions": {"thirdPickOption": {"pickOptionTitle": "a"}}}',
        b'{"pickTitle": "t", "pickOptions": "both"}',
    ],
)
def test_create_with_malformed_input_is_400_never_500(client, user, raw):
    response = client.post(f"{BASE}/picks", headers={**bearer(user), "Content-Type": "application/json"}, content=raw)
    assert response.status_code == 400
    assert response.json()["resultType"] == "FAIL" and response.json()["errorCode"] == 400


def test_create_is_for_members(client):
    response = client.post(f"{BASE}/picks", headers=ANON, json=pick_body())
    assert (response.status_code, response.json()) == (403, fail("비회원은 현재 해당 기능을 이용할 수 없습니다.", 403))


def test_content_left_blank_is_null(client, user):
    body = pick_body()
    body["pickOptions"]["secondPickOption"]["pickOptionContent"] = "   "
    pick_id = client.post(f"{BASE}/picks", headers=bearer(user), json=body).json()["data"]["pickId"]
    detail = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]
    assert detail["pickOptions"]["secondPickOption"]["content"] is None


# PATCH /picks/{pickId} --------------------------------------------------------------------------------------------


def modify_body(first_id, second_id, title="픽타이틀수정"):
    return {
        "pickTitle": title,
        "pickOptions": {
            "firstPickOption": {
                "pickOptionId": first_id,
                "pickOptionTitle": "픽옵션1제목수정",
                "pickOptionContent": "픽옵션1콘텐츠수정",
                "pickOptionImageIds": [],
            },
            "secondPickOption": {
                "pickOptionId": second_id,
                "pickOptionTitle": "픽옵션2제목수정",
                "pickOptionContent": "픽옵션2콘텐츠수정",
                "pickOptionImageIds": [],
            },
        },
    }


def test_modify_replaces_title_and_options(client, user):
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)
    response = client.patch(f"{BASE}/picks/{pick_id}", headers=bearer(user), json=modify_body(first, second))
    assert response.json() == {"resultType": "SUCCESS", "data": {"pickId": pick_id}}
    detail = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]
    assert detail["pickTitle"] == "픽타이틀수정"
    assert [detail["pickOptions"][t]["title"] for t in ("firstPickOption", "secondPickOption")] == [
        "픽옵션1제목수정",
        "픽옵션2제목수정",
    ]
    assert detail["pickOptions"]["secondPickOption"]["content"] == "픽옵션2콘텐츠수정"


def test_modify_errors(client, user, admin):
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)
    url = f"{BASE}/picks/{pick_id}"
    response = client.patch(url, headers=bearer(admin), json=modify_body(first, second))
    assert (response.status_code, response.json()) == (
        403,
        fail("회원 본인이 작성한 게시글만 수정할 수 있습니다.", 403),
    )
    response = client.patch(f"{BASE}/picks/999", headers=bearer(user), json=modify_body(first, second))
    assert (response.status_code, response.json()) == (404, fail("수정할 수 있는 픽픽픽 게시글이 없습니다.", 404))
    body = modify_body(first, second, title="")
    assert client.patch(url, headers=bearer(user), json=body).json() == fail("픽픽픽 제목을 작성해주세요.", 400)
    body = modify_body(first, second)
    body["pickOptions"]["secondPickOption"]["pickOptionTitle"] = ""
    assert client.patch(url, headers=bearer(user), json=body).json() == fail("픽픽픽 선택지 제목을 작성해주세요.", 400)
    body = modify_body(first, second)
    del body["pickOptions"]
    assert client.patch(url, headers=bearer(user), json=body).json() == fail("픽픽픽 선택지가 없습니다.", 400)
    body = modify_body(first, second)
    del body["pickOptions"]["firstPickOption"]["pickOptionId"]
    assert client.patch(url, headers=bearer(user), json=body).json() == fail("픽픽픽 선택지 아이디는 필수 입니다.", 400)
    response = client.patch(url, headers=bearer(user), json=modify_body(second, first))
    assert response.status_code == 400 and "pickOptionId" in response.json()["message"]
    response = client.patch(url, headers=ANON, json=modify_body(first, second))
    assert (response.status_code, response.json()) == (403, fail("비회원은 현재 해당 기능을 이용할 수 없습니다.", 403))


# DELETE /picks/{pickId} -------------------------------------------------------------------------------------------


def test_delete_removes_the_pick_and_its_votes_everywhere(client, seeded, user, admin):
    pick_id = create_pick(client, user)
    first, _ = option_ids(client, user, pick_id)
    assert vote(client, bearer(admin), pick_id, first).status_code == 200
    response = client.delete(f"{BASE}/picks/{pick_id}", headers=bearer(admin))
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))

    response = client.delete(f"{BASE}/picks/{pick_id}", headers=bearer(user))
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json() == fail("픽픽픽 게시글이 없습니다.", 404)
    assert pick_id not in [i["id"] for i in client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"]]
    mine = client.get(f"{BASE}/mypage/picks", headers=bearer(user)).json()["data"]
    assert pick_id not in [i["id"] for i in mine["content"]] and mine["totalElements"] == 5
    from devdevdev.store.models import TableModel

    assert list(TableModel.query(f"PICK#{pick_id}")) == []  # the pick, its votes: nothing left
    response = client.delete(f"{BASE}/picks/{pick_id}", headers=bearer(user))
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))


def test_an_interrupted_delete_hides_the_pick_and_the_next_delete_finishes_it(client, seeded, user):
    # Given a delete that stopped right after its first step (the pick hidden, nothing else deleted yet)
    pick_id = create_pick(client, user)
    assert vote(client, ANON, pick_id, option_ids(client, user, pick_id)[0]).status_code == 200
    seeded.picks.begin_delete(seeded.picks.get(pick_id))
    # Then the pick is nowhere to be seen
    assert client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json() == fail("픽픽픽 게시글이 없습니다.", 404)
    assert pick_id not in [i["id"] for i in client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"]]
    assert pick_id not in [
        i["id"] for i in client.get(f"{BASE}/mypage/picks", headers=bearer(user)).json()["data"]["content"]
    ]
    assert vote(client, ANON, pick_id, 1).json() == fail("픽픽픽 게시글이 없습니다.", 404)
    # When the author deletes again, it finishes
    assert client.delete(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json() == {"resultType": "SUCCESS"}
    from devdevdev.store.models import TableModel

    assert list(TableModel.query(f"PICK#{pick_id}")) == []
    assert client.get(f"{BASE}/mypage/picks", headers=bearer(user)).json()["data"]["totalElements"] == 5


# POST /picks/vote -------------------------------------------------------------------------------------------------


def test_vote_first_then_switch_then_same_option(client, user):
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)
    # The web client sends pickId as a string
    response = vote(client, bearer(user), str(pick_id), first)
    assert response.status_code == 200
    body = response.json()
    vote_id = body["data"]["votePickOptions"][0]["pickVoteId"]
    assert isinstance(vote_id, int)
    assert body == {
        "resultType": "SUCCESS",
        "data": {
            "pickId": pick_id,
            "votePickOptions": [
                {"pickOptionId": first, "pickVoteId": vote_id, "voteTotalCount": 1, "percent": 100, "isPicked": True},
                {"pickOptionId": second, "pickVoteId": None, "voteTotalCount": 0, "percent": 0, "isPicked": False},
            ],
        },
    }
    # Switching moves the vote; the total stays
    options = vote(client, bearer(user), pick_id, second).json()["data"]["votePickOptions"]
    assert [(o["voteTotalCount"], o["percent"], o["isPicked"]) for o in options] == [(0, 0, False), (1, 100, True)]
    assert options[0]["pickVoteId"] is None and options[1]["pickVoteId"] > vote_id
    # The same option again is refused
    response = vote(client, bearer(user), pick_id, second)
    assert (response.status_code, response.json()) == (400, fail("동일한 픽픽픽 선택지에 투표할 수 없습니다.", 400))
    listed = {i["id"]: i for i in client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"]}[pick_id]
    assert (listed["voteTotalCount"], listed["popularScore"]) == (1, 4 + 2)  # one vote, one view


def test_percent_rounds_half_up(client, user):
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)
    for n, option in enumerate((first, second, second)):
        assert vote(client, {"Anonymous-Member-Id": f"GA1.1.{n}"}, pick_id, option).status_code == 200
    options = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]["pickOptions"]
    assert (options["firstPickOption"]["percent"], options["secondPickOption"]["percent"]) == (33, 67)


def test_vote_errors(client, user):
    headers = bearer(user)
    response = client.post(f"{BASE}/picks/vote", headers=headers, json={"pickOptionId": 1})
    assert (response.status_code, response.json()) == (400, fail("픽픽픽 아이디는 필수 입니다.", 400))
    response = client.post(f"{BASE}/picks/vote", headers=headers, json={"pickId": 1})
    assert (response.status_code, response.json()) == (400, fail("픽픽픽 선택지 아이디는 필수 입니다.", 400))
    response = vote(client, headers, 999, 1)
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))
    # An option of another pick
    response = vote(client, headers, 1, 3)
    assert (response.status_code, response.json()) == (404, fail("투표한 픽픽픽 선택지가 존재하지 않습니다.", 404))
    response = vote(client, {}, 1, 1)
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    response = vote(client, {"Anonymous-Member-Id": "x" * 31}, 1, 1)
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    for bad in (
        {"pickId": "abc", "pickOptionId": 1},
        {"pickId": True, "pickOptionId": 1},
        {"pickId": 1, "pickOptionId": [1]},
    ):
        response = client.post(f"{BASE}/picks/vote", headers=headers, json=bad)
        assert response.status_code == 400 and response.json()["resultType"] == "FAIL"


def test_fifty_voters_at_once_count_exactly(client, user):
    # Given a pick and 50 different anonymous voters
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)

    def cast(n: int) -> int:
        return vote(
            client, {"Anonymous-Member-Id": f"GA1.1.{n}.{pick_id}"}, pick_id, first if n % 3 else second
        ).status_code

    # When they all vote at the same time
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(cast, range(50)))
    # Then every vote counts, once
    assert statuses == [200] * 50
    options = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]["pickOptions"]
    counts = (options["firstPickOption"]["voteTotalCount"], options["secondPickOption"]["voteTotalCount"])
    assert counts == (33, 17)
    listed = {i["id"]: i for i in client.get(f"{BASE}/picks", headers=bearer(user)).json()["data"]["content"]}[pick_id]
    assert (listed["voteTotalCount"], listed["popularScore"]) == (50, 50 * 4 + 2 * 2)


def test_one_voter_switching_concurrently_keeps_a_single_vote(client, user):
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)
    headers = {"Anonymous-Member-Id": f"GA1.1.switch.{pick_id}"}
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(
            pool.map(lambda n: vote(client, headers, pick_id, first if n % 2 else second).status_code, range(12))
        )
    assert set(statuses) <= {200, 400} and 200 in statuses
    options = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]["pickOptions"]
    counts = [options[t]["voteTotalCount"] for t in ("firstPickOption", "secondPickOption")]
    assert sorted(counts) == [0, 1]


# GET /mypage/picks ------------------------------------------------------------------------------------------------


def test_my_picks_is_the_contract_slice_with_total_elements(client, user, admin):
    pick_id = create_pick(client, user)
    first, second = option_ids(client, user, pick_id)
    assert vote(client, bearer(user), pick_id, first).status_code == 200
    assert vote(client, bearer(admin), pick_id, second).status_code == 200
    response = client.get(f"{BASE}/mypage/picks?size=2&pickId={LONG_MAX}", headers=bearer(user))
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["content"][0] == {
        "id": pick_id,
        "title": "Svelte VS React",
        "voteTotalCount": 2,
        "commentTotalCount": 0,
        "viewTotalCount": 1,
        "isVoted": True,
        "contentStatus": "APPROVAL",
        "pickOptions": [
            {"id": first, "title": "Svelte가 짱이다!", "percent": 50, "isPicked": True},
            {"id": second, "title": "React가 짱이다!", "percent": 50, "isPicked": False},
        ],
    }
    assert [i["id"] for i in data["content"]] == [pick_id, 5]
    assert (data["totalElements"], data["last"], data["size"]) == (6, False, 2)
    assert list(data)[:3] == ["content", "pageable", "totalElements"]
    nxt = client.get(f"{BASE}/mypage/picks?size=10&pickId=5", headers=bearer(user)).json()["data"]
    assert ([i["id"] for i in nxt["content"]], nxt["last"]) == ([4, 3, 2, 1], True)
    # Another member has none
    other = client.get(f"{BASE}/mypage/picks", headers=bearer(admin)).json()["data"]
    assert (other["content"], other["totalElements"], other["empty"]) == ([], 0, True)


def test_my_picks_needs_a_member(client):
    response = client.get(f"{BASE}/mypage/picks", headers=ANON)
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))
