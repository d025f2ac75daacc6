"""functions/mypage through the local gateway: exit survey, exit, nickname (docs/rules.md#mypage)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import BASE, bearer, fail, tokens

pytestmark = pytest.mark.integration

SURVEY = f"{BASE}/mypage/exit-survey"


def set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


@pytest.fixture
def user(client) -> str:
    return tokens(client)["accessToken"]


def answer(client, token, question_id=1, options=None):
    body = {"questionId": question_id, "memberExitSurveyQuestionOptions": options or [{"id": 1, "message": None}]}
    return client.post(SURVEY, headers=bearer(token), json=body)


# Exit survey ------------------------------------------------------------------------------------------------------


def test_exit_survey_questions_name_the_member(client, user):
    response = client.get(SURVEY, headers=bearer(user))
    assert response.status_code == 200
    assert response.json() == {
        "resultType": "SUCCESS",
        "data": {
            "surveyVersionId": 1,
            "surveyQuestions": [
                {
                    "id": 1,
                    "title": "댑댑이_User님, 탈퇴하시는 이유를 알려주세요.",
                    "content": "더 나은 댑댑댑이 될 수 있도록 의견을 들려주세요.",
                    "sortOrder": 1,
                    "surveyQuestionOptions": [
                        {"id": 1, "title": "원하는 정보가 없어요", "content": None, "sortOrder": 1},
                        {"id": 2, "title": "사용하기 불편해요", "content": None, "sortOrder": 2},
                        {"id": 3, "title": "기타", "content": "직접 입력", "sortOrder": 3},
                    ],
                }
            ],
        },
    }


def test_exit_survey_questions_come_by_sort_order_descending(client, seeded, user):
    seeded.surveys.put(
        2,
        "v2",
        [
            {
                "id": 10,
                "title": "첫 질문",
                "content": None,
                "sortOrder": 1,
                "options": [{"id": 11, "title": "a", "sortOrder": 0}],
            },
            {
                "id": 20,
                "title": "둘째 질문",
                "content": None,
                "sortOrder": 2,
                "options": [{"id": 21, "title": "b", "sortOrder": 0}],
            },
        ],
    )
    data = client.get(SURVEY, headers=bearer(user)).json()["data"]
    assert data["surveyVersionId"] == 2
    assert [q["id"] for q in data["surveyQuestions"]] == [20, 10]


def test_answering_the_survey(client, user):
    response = answer(
        client, user, options=[{"id": 1, "message": None}, {"id": 3, "message": "i think so.. this service is..."}]
    )
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    # Answering again is allowed (answers are kept, as upstream's)
    assert answer(client, user, options=[{"id": 2}]).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"memberExitSurveyQuestionOptions": [{"id": 1}]}, "아이디는 필수 입니다."),
        ({"questionId": 1, "memberExitSurveyQuestionOptions": [{"message": None}]}, "아이디는 필수 입니다."),
        (
            {"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 3, "message": "짧은 메시지"}]},
            "10 이상 500 이하의 글자를 입력해주세요.",
        ),
        (
            {"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 3, "message": "          "}]},
            "10 이상 500 이하의 글자를 입력해주세요.",
        ),
        (
            {"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 3, "message": "가" * 501}]},
            "10 이상 500 이하의 글자를 입력해주세요.",
        ),
    ],
)
def test_survey_answer_messages(client, user, body, message):
    response = client.post(SURVEY, headers=bearer(user), json=body)
    assert (response.status_code, response.json()) == (400, fail(message, 400))


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 99}]}, "99"),
        ({"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 1}, {"id": 1}]}, "두 번"),
        ({"questionId": 7, "memberExitSurveyQuestionOptions": [{"id": 1}]}, "7"),
        ({"questionId": 1, "memberExitSurveyQuestionOptions": []}, "하나 이상"),
        ({"questionId": 1, "memberExitSurveyQuestionOptions": "1"}, "배열"),
        ({"questionId": "x", "memberExitSurveyQuestionOptions": [{"id": 1}]}, "questionId"),
    ],
)
def test_survey_answers_that_do_not_fit_the_question_are_400(client, user, body, says):
    response = client.post(SURVEY, headers=bearer(user), json=body)
    assert response.status_code == 400
    assert response.json()["errorCode"] == 400 and says in response.json()["message"]


@pytest.mark.parametrize(
    ("question_id", "options", "message"),
    [
        # The question is checked against the survey before any option is read
        (7, [{"id": "x", "message": 5}], "현재 탈퇴 설문조사에 없는 질문입니다: 7"),
        # then the options in order, each wholly (id, belonging, repetition, message) before the next one
        (1, [{"id": 99}, {"id": "x"}], "이 질문에 없는 답변입니다: 99"),
        (1, [{"id": 99, "message": 5}], "이 질문에 없는 답변입니다: 99"),
        (1, [{"id": 1, "message": 5}, {"id": "x"}], "10 이상 500 이하의 글자를 입력해주세요."),
        (1, [{"id": 1}, {"id": 1, "message": 5}, {"id": "x"}], "같은 답변을 두 번 보낼 수 없습니다: 1"),
        (1, [{"id": "x"}, {"id": 99}], "id 값이 올바른 숫자가 아닙니다."),
        (1, [{"message": 5}, {"id": 99}], "아이디는 필수 입니다."),
    ],
)
def test_a_survey_answer_is_refused_for_its_first_failure_in_order(client, user, question_id, options, message):
    body = {"questionId": question_id, "memberExitSurveyQuestionOptions": options}
    response = client.post(SURVEY, headers=bearer(user), json=body)
    assert (response.status_code, response.json()) == (400, fail(message, 400))


def test_my_page_needs_a_member(client):
    for method, path in (
        ("GET", SURVEY),
        ("DELETE", f"{BASE}/mypage/profile"),
        ("GET", f"{BASE}/mypage/nickname/random"),
    ):
        response = client.request(method, path)
        assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))


# Exit -------------------------------------------------------------------------------------------------------------


def test_exit_before_the_survey_is_refused(client, user):
    response = client.delete(f"{BASE}/mypage/profile", headers=bearer(user))
    assert (response.status_code, response.json()) == (400, fail("탈퇴 설문조사를 완료하지 않은 회원입니다.", 400))


def test_every_question_must_be_answered(client, seeded, user):
    seeded.surveys.put(
        2,
        "v2",
        [
            {"id": 10, "title": "q1", "sortOrder": 1, "options": [{"id": 11, "title": "a", "sortOrder": 0}]},
            {"id": 20, "title": "q2", "sortOrder": 2, "options": [{"id": 21, "title": "b", "sortOrder": 0}]},
        ],
    )
    assert answer(client, user, 10, [{"id": 11}]).status_code == 200
    response = client.delete(f"{BASE}/mypage/profile", headers=bearer(user))
    assert response.json() == fail("탈퇴 설문조사를 완료하지 않은 회원입니다.", 400)
    assert answer(client, user, 20, [{"id": 21}]).status_code == 200
    assert client.delete(f"{BASE}/mypage/profile", headers=bearer(user)).status_code == 200


def test_exit_then_the_member_is_gone_but_their_picks_stay(client):
    # Given a member with a pick, who answered the survey
    pair = tokens(client)
    user = pair["accessToken"]
    assert answer(client, user).status_code == 200
    # When they leave
    response = client.delete(f"{BASE}/mypage/profile", headers=bearer(user))
    # Then: success, and the cookies of the contract
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    cookies = set_cookies(response)
    assert cookies["DEVDEVDEV_REFRESH_TOKEN"].startswith("DEVDEVDEV_REFRESH_TOKEN=; Path=/;")
    assert "Max-Age=180" in cookies["DEVDEVDEV_REFRESH_TOKEN"] and "HttpOnly" not in cookies["DEVDEVDEV_REFRESH_TOKEN"]
    assert cookies["DEVDEVDEV_LOGIN_STATUS"].startswith("DEVDEVDEV_LOGIN_STATUS=inactive; Path=/;")
    # their token finds nobody
    response = client.get(SURVEY, headers=bearer(user))
    assert (response.status_code, response.json()) == (404, fail("회원을 찾을 수 없습니다.", 404))
    response = client.delete(f"{BASE}/mypage/profile", headers=bearer(user))
    assert (response.status_code, response.json()) == (404, fail("회원을 찾을 수 없습니다.", 404))
    # their refresh token is refused
    client.cookies.clear()
    client.cookies.set("DEVDEVDEV_REFRESH_TOKEN", pair["refreshToken"])
    response = client.post(f"{BASE}/token/refresh")
    assert (response.status_code, response.json()) == (404, fail("회원을 찾을 수 없습니다.", 404))
    client.cookies.clear()
    # and the picks they wrote still show, with their nickname
    detail = client.get(f"{BASE}/picks/1", headers={"Anonymous-Member-Id": "GA1.1.after.exit"}).json()["data"]
    assert (detail["nickname"], detail["userId"]) == ("댑댑이_User", "tes******")


# Nickname ---------------------------------------------------------------------------------------------------------


def test_random_nickname_is_three_words_of_the_dictionary(client, user):
    from infra.local.seed import NICKNAME_WORDS

    response = client.get(f"{BASE}/mypage/nickname/random", headers=bearer(user))
    assert response.status_code == 200
    adverb, adjective, noun = response.json()["data"].split(" ")
    assert (adverb, adjective, noun) in {
        (a, b, c) for a in NICKNAME_WORDS["ADVERB"] for b in NICKNAME_WORDS["ADJECTIVE"] for c in NICKNAME_WORDS["NOUN"]
    }


def test_random_nickname_without_words_is_404(client, seeded, user):
    seeded.dictionary.put("NOUN", [])
    response = client.get(f"{BASE}/mypage/nickname/random", headers=bearer(user))
    assert (response.status_code, response.json()) == (404, fail("랜덤 닉네임 생성을 위한 단어가 없습니다.", 404))


def test_nickname_changes_once_per_24_hours(clocked):
    client, _, clock = clocked
    user = tokens(client)["accessToken"]
    changeable = f"{BASE}/mypage/nickname/changeable"
    assert client.get(changeable, headers=bearer(user)).json() == {"resultType": "SUCCESS", "data": True}
    response = client.patch(f"{BASE}/mypage/nickname", headers=bearer(user), json={"nickname": "새로운 댑댑이"})
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS", "data": "새로운 댑댑이"})
    assert client.get(changeable, headers=bearer(user)).json() == {"resultType": "SUCCESS", "data": False}
    response = client.patch(f"{BASE}/mypage/nickname", headers=bearer(user), json={"nickname": "또 바꾼 댑댑이"})
    assert (response.status_code, response.json()) == (400, fail("닉네임은 24시간에 한 번만 변경할 수 있습니다.", 400))
    # The new nickname shows where the member's name shows
    detail = client.get(f"{BASE}/picks/1", headers=bearer(user)).json()["data"]
    assert detail["nickname"] == "새로운 댑댑이"
    # 24 hours later it may change again
    clock.advance(hours=23, minutes=59)
    user = tokens(client)["accessToken"]  # access tokens live 30 minutes: one from the new "now"
    assert client.get(changeable, headers=bearer(user)).json()["data"] is False
    clock.advance(minutes=1)
    assert client.get(changeable, headers=bearer(user)).json()["data"] is True
    assert (
        client.patch(f"{BASE}/mypage/nickname", headers=bearer(user), json={"nickname": "또 바꾼 댑댑이"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "닉네임은 필수입니다."),
        ({"nickname": "   "}, "닉네임은 필수입니다."),
        ({"nickname": "가" * 21}, "닉네임 길이는 1부터 20 사이여야 합니다."),
    ],
)
def test_nickname_validation(client, user, body, message):
    response = client.patch(f"{BASE}/mypage/nickname", headers=bearer(user), json=body)
    assert (response.status_code, response.json()) == (400, fail(message, 400))


def test_two_concurrent_nickname_changes_only_one_wins(client, user):
    def change(n: int) -> int:
        return client.patch(
            f"{BASE}/mypage/nickname", headers=bearer(user), json={"nickname": f"동시에{n}"}
        ).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(change, range(6)))
    assert statuses == [200, 400, 400, 400, 400, 400]
