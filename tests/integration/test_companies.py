"""Companies and subscriptions through the local gateway (docs/rules.md#companies, #mypage-subscriptions)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import BASE, bearer, fail, tokens

pytestmark = pytest.mark.integration


@pytest.fixture
def user(client) -> dict[str, str]:
    return bearer(tokens(client)["accessToken"])


def test_company_list_is_id_descending_with_subscriptions(client, user):
    assert client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 3}).status_code == 200
    response = client.get(f"{BASE}/subscriptions/companies?size=2", headers=user)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["content"] == [
        {"companyId": 4, "companyName": "토스", "companyImageUrl": "https://toss.tech/logo.png", "isSubscribed": False},
        {
            "companyId": 3,
            "companyName": "네이버",
            "companyImageUrl": "https://d2.naver.com/logo.png",
            "isSubscribed": True,
        },
    ]
    assert (data["last"], data["size"], data["sort"]["sorted"]) == (False, 2, False)
    assert "totalElements" not in data
    rest = client.get(f"{BASE}/subscriptions/companies?size=2&companyId=3", headers=user).json()["data"]
    assert ([c["companyId"] for c in rest["content"]], rest["last"]) == ([2, 1], True)


def test_company_list_for_guests_says_not_subscribed(client):
    content = client.get(f"{BASE}/subscriptions/companies").json()["data"]["content"]
    assert [c["isSubscribed"] for c in content] == [False] * 4
    assert client.get(f"{BASE}/subscriptions/companies").json()["data"]["size"] == 20


def test_company_detail_counts_its_articles(client, user):
    response = client.get(f"{BASE}/subscriptions/companies/1", headers=user)
    assert response.json() == {
        "resultType": "SUCCESS",
        "data": {
            "companyId": 1,
            "companyName": "우아한형제들",
            "industry": "배달 플랫폼",
            "companyDescription": "우아한형제들의 기술 블로그",
            "companyOfficialImageUrl": "https://techblog.woowahan.com/logo.png",
            "companyCareerUrl": "https://www.woowahan.com/careers",
            "techArticleTotalCount": 2,
            "isSubscribed": False,
        },
    }
    response = client.get(f"{BASE}/subscriptions/companies/999")
    assert (response.status_code, response.json()) == (404, fail("존재하지 않는 기업 입니다.", 404))


def test_subscribe_once_then_unsubscribe(client, user):
    response = client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 1})
    assert response.status_code == 200
    assert isinstance(response.json()["data"]["id"], int)
    response = client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 1})
    assert (response.status_code, response.json()) == (400, fail("이미 구독하고 있는 기업입니다.", 400))
    assert client.get(f"{BASE}/subscriptions/companies/1", headers=user).json()["data"]["isSubscribed"] is True
    response = client.request("DELETE", f"{BASE}/subscriptions", headers=user, json={"companyId": 1})
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    response = client.request("DELETE", f"{BASE}/subscriptions", headers=user, json={"companyId": 1})
    assert (response.status_code, response.json()) == (404, fail("구독 이력이 없습니다.", 404))


def test_subscription_errors(client, user):
    response = client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 999})
    assert (response.status_code, response.json()) == (404, fail("존재하지 않는 기업 입니다.", 404))
    response = client.post(f"{BASE}/subscriptions", headers=user, json={})
    assert (response.status_code, response.json()) == (400, fail("기업 아이디는 필수 입니다.", 400))
    response = client.request("DELETE", f"{BASE}/subscriptions", headers=user, json={})
    assert (response.status_code, response.json()) == (400, fail("기업 아이디는 필수 입니다.", 400))
    response = client.post(f"{BASE}/subscriptions", json={"companyId": 1})
    assert (response.status_code, response.json()) == (405, fail("익명 회원은 사용할 수 없는 기능 입니다.", 405))
    response = client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": "abc"})
    assert response.status_code == 400 and response.json()["resultType"] == "FAIL"


def test_ten_concurrent_subscribes_make_one_subscription(client, user):
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(
            pool.map(
                lambda _: client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 2}).status_code,
                range(10),
            )
        )
    assert statuses == [200] + [400] * 9
    mine = client.get(f"{BASE}/mypage/subscriptions/companies", headers=user).json()["data"]
    assert (mine["totalElements"], [c["companyId"] for c in mine["content"]]) == (1, [2])


def test_my_companies_page_with_total(client, user):
    for company_id in (1, 2, 4):
        assert client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": company_id}).status_code == 200
    data = client.get(f"{BASE}/mypage/subscriptions/companies?size=2", headers=user).json()["data"]
    assert data["content"] == [
        {"companyId": 4, "companyName": "토스", "companyImageUrl": "https://toss.tech/logo.png", "isSubscribed": True},
        {
            "companyId": 2,
            "companyName": "카카오",
            "companyImageUrl": "https://tech.kakao.com/logo.png",
            "isSubscribed": True,
        },
    ]
    assert (data["totalElements"], data["last"]) == (3, False)
    assert list(data)[:3] == ["content", "pageable", "totalElements"]
    rest = client.get(f"{BASE}/mypage/subscriptions/companies?size=2&companyId=2", headers=user).json()["data"]
    assert ([c["companyId"] for c in rest["content"]], rest["last"]) == ([1], True)
    response = client.get(f"{BASE}/mypage/subscriptions/companies")
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))


def test_a_company_id_beyond_a_java_long_is_a_400_not_a_500(client, user):
    # Found by schemathesis: a huge number (here a float with an integral value) reached DynamoDB, which refuses
    # numbers of more than 38 digits.
    for company_id in (3.227078039515883e276, 2**63, "99999999999999999999"):
        response = client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": company_id})
        assert (response.status_code, response.json()) == (400, fail("companyId 값이 올바른 숫자가 아닙니다.", 400))


def test_subscription_failures_do_not_depend_on_the_order_of_the_writes(client, user, monkeypatch):
    # Each write of a subscription names what its failure means: sent in reverse, the messages are the same.
    from devdevdev.store import transactions

    monkeypatch.setattr(transactions, "written_order", lambda operations: operations[::-1])
    assert client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 1}).status_code == 200
    response = client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 1})
    assert (response.status_code, response.json()) == (400, fail("이미 구독하고 있는 기업입니다.", 400))
    response = client.post(f"{BASE}/subscriptions", headers=user, json={"companyId": 999})
    assert (response.status_code, response.json()) == (404, fail("존재하지 않는 기업 입니다.", 404))
    assert client.request("DELETE", f"{BASE}/subscriptions", headers=user, json={"companyId": 1}).status_code == 200
    response = client.request("DELETE", f"{BASE}/subscriptions", headers=user, json={"companyId": 1})
    assert (response.status_code, response.json()) == (404, fail("구독 이력이 없습니다.", 404))
    mine = client.get(f"{BASE}/mypage/subscriptions/companies", headers=user).json()["data"]
    assert (mine["totalElements"], mine["content"]) == (0, [])
