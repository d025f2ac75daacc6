"""Tech articles (기술블로그): ingestion, the searched lists, detail, bookmarks, recommends (docs/rules.md#articles)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.parsing import parse_int
from devdevdev.domain.slices import slice_page
from devdevdev.domain.text import is_blank
from devdevdev.search.keywords import extract_keywords
from devdevdev.search.port import ArticleSort, InvalidQuery, SearchAfter
from devdevdev.services.toggles import toggle
from devdevdev.store.articles import Article, ArticleDraft, BookmarkSort
from devdevdev.store.companies import Company
from devdevdev.store.members import Actor
from devdevdev.store.transactions import ConditionFailed, Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

CONTENTS_PREVIEW = 1000
INGEST_BATCH_MAX = 100
TITLE_MAX = 150
URL_MAX = 2000
# The article URL is part of an item key (DynamoDB: at most 2048 bytes with its prefix) and the contents live in the
# article item (at most 400 KB with everything else), so both are bounded in UTF-8 bytes, not only in characters.
URL_MAX_BYTES = 2000
CONTENTS_MAX_BYTES = 300_000
URL = re.compile(r"^https?://[^\s]+$")
REG_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # fromisoformat alone also takes 20240501 and 2024-W18-3


# Rendering --------------------------------------------------------------------------------------------------------


def _company(company: Company | None) -> dict[str, Any] | None:
    if company is None:
        return None
    return {
        "id": company.id,
        "name": company.name,
        "careerUrl": company.career_url,
        "officialImageUrl": company.official_image_url,
    }


def _body(article: Article, company: Company | None) -> dict[str, Any]:
    """The fields the list items and the detail share, in the contract's order."""
    return {
        "techArticleUrl": article.tech_article_url,
        "title": article.title,
        "contents": article.contents[:CONTENTS_PREVIEW],
        "company": _company(company),
        "regDate": article.reg_date,
        "author": article.author,
        "viewTotalCount": article.view_total_count,
        "recommendTotalCount": article.recommend_total_count,
        "commentTotalCount": article.comment_total_count,
        "popularScore": article.popular_score,
    }


def main_item(article: Article, company: Company | None, bookmarked: bool, score: float | None) -> dict[str, Any]:
    """``TechArticleMainResponse``: the thumbnail falls back to the company logo (``isLogoImage``)."""
    logo = not article.thumbnail_url
    return {
        "id": article.id,
        "elasticId": article.elastic_id,
        "thumbnailUrl": (company.official_image_url if company else None) if logo else article.thumbnail_url,
        "isLogoImage": logo,
        **_body(article, company),
        "isBookmarked": bookmarked,
        "score": score,
    }


# Lists ------------------------------------------------------------------------------------------------------------

SORT_VALUE = {
    ArticleSort.POPULAR: lambda doc: doc.popular_score,
    ArticleSort.MOST_VIEWED: lambda doc: doc.view_total_count,
    ArticleSort.MOST_COMMENTED: lambda doc: doc.comment_total_count,
}


def list_articles(
    runtime: Runtime,
    member_id: int | None,
    *,
    sort: ArticleSort | None,
    keyword: str | None,
    company_id: int | None,
    elastic_id: str | None,
    score: float | None,
    size: int,
) -> dict[str, Any]:
    """``GET /articles``: the engine finds and orders; the table supplies the current fields.

    With a keyword the default order is HIGHEST_SCORE, without one LATEST (HIGHEST_SCORE without a keyword is
    LATEST). The cursor is the last item's ``elasticId`` (and its ``score`` for HIGHEST_SCORE)."""
    keyword = None if is_blank(keyword) else keyword.strip()  # type: ignore[union-attr]
    if sort is None or (sort is ArticleSort.HIGHEST_SCORE and keyword is None):
        sort = ArticleSort.HIGHEST_SCORE if keyword else ArticleSort.LATEST
    after = None
    if elastic_id:
        cursor = runtime.search.get(elastic_id)
        if cursor is None:
            raise Errors.ARTICLE_NOT_FOUND.error()
        if sort is ArticleSort.HIGHEST_SCORE:
            if score is None:
                raise Errors.SCORE_CURSOR_REQUIRED.error()
            value = score
        else:
            value = float(SORT_VALUE[sort](cursor)) if sort in SORT_VALUE else 0.0
        after = SearchAfter(value, cursor.reg_date, cursor.id)
    try:
        page = runtime.search.search(keyword=keyword, company_id=company_id, sort=sort, after=after, size=size)
    except InvalidQuery:
        raise Errors.KEYWORD_SPECIAL_CHARACTERS.error() from None
    articles = runtime.articles.get_many(hit.id for hit in page.hits)
    companies = runtime.companies.get_many(a.company_id for a in articles.values())
    bookmarked = runtime.articles.bookmarked(member_id, articles) if member_id else set()
    content = [
        main_item(articles[hit.id], companies.get(articles[hit.id].company_id), hit.id in bookmarked, hit.score)
        for hit in page.hits
        if hit.id in articles
    ]
    return slice_page(content, size=size, has_next=page.has_next, total_elements=page.total)


def my_bookmarks(runtime: Runtime, member_id: int, sort: BookmarkSort, cursor: int | None, size: int) -> dict[str, Any]:
    """``GET /mypage/bookmarks``: the member's active bookmarks in BOOKMARKED, LATEST or MOST_COMMENTED order."""
    articles, has_next = runtime.articles.bookmark_page(member_id, sort, cursor, size)
    companies = runtime.companies.get_many(a.company_id for a in articles)
    content = [main_item(a, companies.get(a.company_id), True, None) for a in articles]
    return slice_page(content, size=size, has_next=has_next)


def auto_complete(runtime: Runtime, prefix: str | None) -> list[str]:
    """``GET /keywords/auto-complete``: up to 20 keywords by syllable, jamo or initial consonants; exact first."""
    if prefix is None or is_blank(prefix):
        return []
    return runtime.keywords.suggest(prefix.strip())


# Detail, bookmark, recommend --------------------------------------------------------------------------------------


def article_detail(runtime: Runtime, member_id: int | None, actor: Actor | None, article_id: int) -> dict[str, Any]:
    """``GET /articles/{id}``: +1 view and its popular score per call; no ``id`` field, no logo fallback."""
    article = runtime.articles.record_view(article_id)
    if article is None:
        raise Errors.ARTICLE_NOT_FOUND.error()
    company = runtime.companies.get(article.company_id)
    return {
        "elasticId": article.elastic_id,
        "thumbnailUrl": article.thumbnail_url,
        **_body(article, company),
        "isBookmarked": bool(member_id) and runtime.articles.bookmark_status(member_id, article.id) is True,  # type: ignore[arg-type]
        "isRecommended": actor is not None and runtime.articles.recommend_status(article.id, actor.key) is True,
    }


def _existing(runtime: Runtime, article_id: int) -> Article:
    article = runtime.articles.get(article_id)
    if article is None:
        raise Errors.ARTICLE_NOT_FOUND.error()
    return article


def toggle_bookmark(runtime: Runtime, member_id: int, article_id: int) -> dict[str, Any]:
    """``POST /articles/{id}/bookmark``: none → on, on → off, off → on."""
    article = _existing(runtime, article_id)

    def write(current: bool | None) -> dict[str, Any]:
        runtime.articles.set_bookmark(member_id, article, not current, runtime.clock.now(), existed=current is not None)
        return {"techArticleId": article.id, "status": not current}

    return toggle(lambda: runtime.articles.bookmark_status(member_id, article.id), write)


def toggle_recommend(runtime: Runtime, actor: Actor, article_id: int) -> dict[str, Any]:
    """``POST /articles/{id}/recommend`` (members and anonymous members): the recommend and the article's count and
    popular score move together."""
    article = _existing(runtime, article_id)

    def write(current: bool | None) -> dict[str, Any]:
        runtime.articles.set_recommend(
            article.id, actor.key, not current, runtime.clock.now(), existed=current is not None
        )
        after = runtime.articles.get(article.id) or article
        return {"techArticleId": article.id, "status": not current, "recommendTotalCount": after.recommend_total_count}

    return toggle(lambda: runtime.articles.recommend_status(article.id, actor.key), write)


# Ingestion --------------------------------------------------------------------------------------------------------


def _text(
    raw: dict[str, Any],
    name: str,
    where: str,
    *,
    required: bool,
    maximum: int | None = None,
    max_bytes: int | None = None,
) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and is_blank(value)):
        if required:
            raise bad_request(f"{where}.{name} 값이 필요합니다.")
        return None
    if not isinstance(value, str):
        raise bad_request(f"{where}.{name} 값은 문자열이어야 합니다.")
    if maximum is not None and len(value) > maximum:
        raise bad_request(f"{where}.{name} 값은 {maximum}자를 넘을 수 없습니다.")
    if max_bytes is not None and len(value.strip().encode("utf-8")) > max_bytes:
        raise bad_request(f"{where}.{name} 값은 UTF-8로 {max_bytes}바이트를 넘을 수 없습니다.")
    return value.strip()


def parse_drafts(body: dict[str, Any]) -> list[ArticleDraft]:
    """The crawler's batch, validated: 1..100 articles, each with a company, title, URL and ``yyyy-MM-dd`` date."""
    raw_articles = body.get("techArticles")
    if not isinstance(raw_articles, list) or not raw_articles:
        raise Errors.NOTIFICATION_ARTICLES_REQUIRED.error()
    if len(raw_articles) > INGEST_BATCH_MAX:
        raise bad_request(f"techArticles는 한 번에 {INGEST_BATCH_MAX}개까지 보낼 수 있습니다.")
    drafts = []
    for index, raw in enumerate(raw_articles):
        where = f"techArticles[{index}]"
        if not isinstance(raw, dict):
            raise bad_request(f"{where} 값은 객체여야 합니다.")
        company_id = parse_int(raw.get("companyId"), f"{where}.companyId", minimum=1)
        if company_id is None:
            raise Errors.COMPANY_ID_REQUIRED.error()
        url = _text(raw, "techArticleUrl", where, required=True, maximum=URL_MAX, max_bytes=URL_MAX_BYTES)
        thumbnail = _text(raw, "thumbnailUrl", where, required=False, maximum=URL_MAX)
        for name, value in (("techArticleUrl", url), ("thumbnailUrl", thumbnail)):
            if value is not None and not URL.match(value):
                raise bad_request(f"{where}.{name}: 알맞은 URL 형식이 아닙니다.")
        reg_date = _text(raw, "regDate", where, required=True)
        try:
            if not REG_DATE.match(reg_date or ""):
                raise ValueError(reg_date)
            reg_date = date.fromisoformat(reg_date or "").isoformat()
        except ValueError:
            raise bad_request(f"{where}.regDate 값은 yyyy-MM-dd 형식이어야 합니다.") from None
        drafts.append(
            ArticleDraft(
                company_id=company_id,
                title=_text(raw, "title", where, required=True, maximum=TITLE_MAX) or "",
                contents=_text(raw, "contents", where, required=False, max_bytes=CONTENTS_MAX_BYTES) or "",
                author=_text(raw, "author", where, required=False, maximum=100),
                reg_date=reg_date,
                tech_article_url=url or "",
                thumbnail_url=thumbnail,
            )
        )
    return drafts


def ingest(runtime: Runtime, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /articles`` (the crawler): upsert each article by its URL; answer ids and elastic ids in order."""
    drafts = parse_drafts(body)
    companies = runtime.companies.get_many(d.company_id for d in drafts)
    if any(d.company_id not in companies for d in drafts):
        raise Errors.COMPANY_NOT_FOUND.error()
    stored = []
    for draft in drafts:
        article = _upsert(runtime, draft)
        stored.append({"id": article.id, "elasticId": article.elastic_id, "techArticleUrl": article.tech_article_url})
    runtime.keywords.add(keyword for draft in drafts for keyword in extract_keywords(draft.title))
    return {"techArticles": stored}


def _upsert(runtime: Runtime, draft: ArticleDraft) -> Article:
    for _ in range(3):
        existing = runtime.articles.id_for_url(draft.tech_article_url)
        if existing is not None:
            stored = runtime.articles.get(existing)
            if stored is not None and stored.company_id != draft.company_id:
                raise bad_request(
                    f"{draft.tech_article_url}: 다른 기업(companyId={stored.company_id})의 글로 등록된 URL입니다."
                )
            return runtime.articles.update_content(existing, draft)
        try:
            return runtime.articles.insert(runtime.ids.next_id("article"), draft, runtime.clock.now())
        except ConditionFailed as failed:
            if 0 in failed.failed:
                continue  # the same URL was inserted concurrently: update that one
            raise Errors.COMPANY_NOT_FOUND.error() from None
        except Contended:
            break
    raise Errors.TEMPORARY_FAILURE.error()
