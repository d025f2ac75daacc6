"""Demo data for the local stack, written idempotently: running it again changes nothing.

Fixed ids for reference and demo items (written only if absent), natural keys for members (their login).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

from devdevdev.auth.tokens import ROLE_ADMIN, ROLE_USER, SOCIAL_KAKAO
from devdevdev.runtime import Runtime
from devdevdev.search.keywords import extract_keywords
from devdevdev.services.auth import TEST_ADMIN_EMAIL, TEST_USER_EMAIL
from devdevdev.store import keys
from devdevdev.store.articles import ArticleDraft
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import (
    ArticleItem,
    BlameTypeItem,
    CompanyItem,
    NicknameWordsItem,
    SurveyItem,
    TableModel,
)
from devdevdev.store.picks import APPROVAL, FIRST, SECOND, OptionDraft
from devdevdev.store.transactions import ConditionFailed
from pynamodb.exceptions import PutError

CRAWLER_SERVICE = "devdevdev-crawler"
DEFAULT_CRAWLER_KEY = "local-crawler-key"
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)

COMPANIES = [
    (1, "우아한형제들", "https://www.woowahan.com", "https://techblog.woowahan.com", "배달 플랫폼"),
    (2, "카카오", "https://www.kakaocorp.com", "https://tech.kakao.com", "IT 플랫폼"),
    (3, "네이버", "https://www.navercorp.com", "https://d2.naver.com", "검색 포털"),
    (4, "토스", "https://toss.im", "https://toss.tech", "핀테크"),
]

ARTICLES = [
    (
        1,
        1,
        "스프링 배치로 대용량 정산 처리하기",
        "스프링 배치의 청크 지향 처리와 파티셔닝으로 정산 데이터를 나눠 처리한 경험을 공유합니다.",
    ),
    (2, 1, "Kotlin 코루틴 도입기", "코루틴으로 비동기 코드를 단순하게 만든 과정과 주의할 점을 정리했습니다."),
    (3, 2, "카프카 컨슈머 지연 줄이기", "카프카 컨슈머 랙을 모니터링하고 파티션 재분배로 지연을 줄인 사례입니다."),
    (4, 2, "자바 가상 스레드 성능 측정", "자바 21의 가상 스레드를 실제 서비스에 적용하고 처리량을 측정했습니다."),
    (5, 3, "검색 랭킹 모델 개선기", "네이버 검색의 랭킹 모델을 개선하기 위한 실험 설계와 결과를 소개합니다."),
    (6, 3, "쿠버네티스 오토스케일링 튜닝", "HPA와 클러스터 오토스케일러를 함께 튜닝한 경험을 정리했습니다."),
    (7, 4, "토스의 서버 드리븐 UI", "서버가 화면 구성을 내려주는 방식으로 배포 없이 화면을 바꾸는 방법입니다."),
    (8, 4, "React 렌더링 최적화", "불필요한 리렌더링을 찾아내고 메모이제이션으로 줄인 과정을 다룹니다."),
]

PICKS = [
    (1, "탭 vs 스페이스, 들여쓰기는 무엇으로?", ("탭", "스페이스")),
    (2, "코드 리뷰는 동기 vs 비동기?", ("화상으로 함께", "PR 코멘트로")),
    (3, "첫 언어로 파이썬 vs 자바스크립트?", ("파이썬", "자바스크립트")),
    (4, "모노레포 vs 멀티레포?", ("모노레포", "멀티레포")),
    (5, "ORM vs SQL 직접 작성?", ("ORM", "SQL")),
]

BLAME_TYPES = [
    (1, "욕설/비하 발언", 1),
    (2, "스팸/광고", 2),
    (3, "도배", 3),
    (4, "불법 정보", 4),
    (5, "개인 정보 노출", 5),
    (6, "기타", 6),
]

SURVEY = {
    "surveyVersionId": 1,
    "versionName": "v1",
    "questions": [
        {
            "id": 1,
            "title": "#nickName님, 탈퇴하시는 이유를 알려주세요.",
            "content": "더 나은 댑댑댑이 될 수 있도록 의견을 들려주세요.",
            "sortOrder": 1,
            "options": [
                {"id": 1, "title": "원하는 정보가 없어요", "content": None, "sortOrder": 1},
                {"id": 2, "title": "사용하기 불편해요", "content": None, "sortOrder": 2},
                {"id": 3, "title": "기타", "content": "직접 입력", "sortOrder": 3},
            ],
        }
    ],
}

NICKNAME_WORDS = {
    "ADVERB": ["매우", "조금", "항상", "가끔", "무척"],
    "ADJECTIVE": ["행복한", "용감한", "느긋한", "재빠른", "졸린"],
    "NOUN": ["개발자", "댑댑이", "고양이", "코끼리", "다람쥐"],
}


def _create(item: TableModel) -> bool:
    """Write ``item`` only if no item has its key; True when written."""
    try:
        item.save(condition=TableModel.pk.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def seed(runtime: Runtime, crawler_api_key: str = DEFAULT_CRAWLER_KEY) -> None:
    """Write the demo data; safe to run on every start."""
    now = runtime.clock.now()
    members = runtime.members
    test_accounts = (
        (TEST_USER_EMAIL, ROLE_USER, "댑댑이_User", "장세웅"),
        (TEST_ADMIN_EMAIL, ROLE_ADMIN, "댑댑이_Admin", "유소영"),
    )
    for email, role, nickname, name in test_accounts:
        if members.find_by_login(SOCIAL_KAKAO, email) is None:
            members.create(email=email, social_type=SOCIAL_KAKAO, role=role, nickname=nickname, name=name, now=now)
    user = members.find_by_login(SOCIAL_KAKAO, TEST_USER_EMAIL)
    assert user is not None

    for company_id, name, official, blog, industry in COMPANIES:
        _create(
            CompanyItem(
                *keys.company(company_id),
                company_id=company_id,
                name=name,
                official_url=official,
                official_image_url=f"{blog}/logo.png",
                career_url=f"{official}/careers",
                industry=industry,
                description=f"{name}의 기술 블로그",
                gsi1pk=keys.COMPANIES_LIST,
                gsi1sk=company_id,
            )
        )
    runtime.ids.reserve_up_to("company", len(COMPANIES))

    for article_id, company_id, title, contents in ARTICLES:
        draft = ArticleDraft(
            company_id=company_id,
            title=title,
            contents=contents,
            author=f"{COMPANIES[company_id - 1][1]} 개발자",
            reg_date=(date(2025, 1, 1) + timedelta(days=article_id)).isoformat(),
            tech_article_url=f"{COMPANIES[company_id - 1][3]}/posts/{article_id}",
            thumbnail_url=f"{COMPANIES[company_id - 1][3]}/posts/{article_id}/thumbnail.png"
            if article_id % 2
            else None,
        )
        with contextlib.suppress(ConditionFailed):  # already there
            runtime.articles.insert(article_id, draft, EPOCH + timedelta(days=article_id))
        # Demo articles kept in .local from before articles were listed in GSI5: list them too.
        ArticleItem(*keys.article(article_id)).update(
            actions=[ArticleItem.gsi5pk.set(keys.ARTICLES_LIST), ArticleItem.gsi5sk.set(article_id)],
            condition=ArticleItem.pk.exists(),
        )
    runtime.ids.reserve_up_to("article", len(ARTICLES))
    # Ingestion feeds auto-complete with the title words; the demo articles bypass it, so they feed it here (ADD).
    runtime.keywords.add(keyword for _, _, title, _ in ARTICLES for keyword in extract_keywords(title))

    for pick_id, title, (first, second) in PICKS:
        options = (
            OptionDraft(FIRST, pick_id * 2 - 1, first, f"{first}을(를) 고른 이유를 댓글로 알려주세요.", ()),
            OptionDraft(SECOND, pick_id * 2, second, None, ()),
        )
        with contextlib.suppress(ConditionFailed):  # already there
            runtime.picks.create(
                pick_id=pick_id,
                title=title,
                member_id=user.id,
                status=APPROVAL,
                options=options,
                now=EPOCH + timedelta(hours=pick_id),
            )
    runtime.ids.reserve_up_to("pick", len(PICKS))
    runtime.ids.reserve_up_to("pick_option", len(PICKS) * 2)

    for blame_type_id, reason, sort_order in BLAME_TYPES:
        _create(
            BlameTypeItem(
                *keys.blame_type(sort_order, blame_type_id),
                blame_type_id=blame_type_id,
                reason=reason,
                sort_order=sort_order,
            )
        )

    _create(
        SurveyItem(
            *keys.current_survey(),
            version_id=SURVEY["surveyVersionId"],
            version_name=SURVEY["versionName"],
            questions=SURVEY["questions"],
        )
    )

    for word_type, words in NICKNAME_WORDS.items():
        _create(NicknameWordsItem(*keys.nickname_words(word_type), words=words))

    # The crawler's key follows CRAWLER_API_KEY on every start (only its hash is stored).
    runtime.services.put(CRAWLER_SERVICE, crawler_api_key)


DEMO_ANONYMOUS_ID = "GA1.1.demo.1715872960"


def seed_demo_comments(runtime: Runtime) -> bool:
    """A demo thread on pick 1 and on article 1 for ``make run`` (not for tests: they start from no comments).
    Written once: only while that pick or article has no comments. Returns whether it wrote anything."""
    from devdevdev.services import comments
    from devdevdev.store.comments import CommentSort
    from devdevdev.store.members import Actor

    user = runtime.members.find_by_login(SOCIAL_KAKAO, TEST_USER_EMAIL)
    admin = runtime.members.find_by_login(SOCIAL_KAKAO, TEST_ADMIN_EMAIL)
    assert user is not None and admin is not None
    visitor = Actor(anonymous_id=runtime.anonymous.find_or_create(DEMO_ANONYMOUS_ID, runtime.clock.now()).id)
    member, moderator = Actor(member_id=user.id), Actor(member_id=admin.id)
    wrote = False
    for kind, post_id in ((comments.PICK, 1), (comments.TECH, 1)):
        if runtime.comments.page(kind.name, post_id, CommentSort.LATEST, None, 1)[0]:
            continue
        if kind is comments.PICK:
            first = comments.write_pick_comment(runtime, member, post_id, comments.NewComment("탭이 근본이죠!"))
            second = comments.write_pick_comment(
                runtime, visitor, post_id, comments.NewComment("스페이스 4칸 아닌가요?")
            )
        else:
            first = comments.write_tech_comment(
                runtime, member, post_id, comments.NewComment("정산 배치 글 잘 읽었습니다!")
            )
            second = comments.write_tech_comment(
                runtime, visitor, post_id, comments.NewComment("파티셔닝 기준이 궁금해요.")
            )
        origin, other = first[kind.id_field], second[kind.id_field]
        reply = comments.write_reply(runtime, kind, visitor, post_id, comments.NewReply(origin, origin, "동의합니다."))
        comments.write_reply(
            runtime, kind, moderator, post_id, comments.NewReply(origin, reply[kind.id_field], "저도요!")
        )
        comments.recommend(runtime, kind, admin.id, post_id, origin)
        comments.delete(runtime, kind, visitor, False, post_id, other)
        wrote = True
    return wrote
