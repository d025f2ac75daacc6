"""Tech articles (기술블로그): ingestion, the searched lists, detail, bookmarks, recommends (docs/rules.md#articles)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.slices import slice_page
from devdevdev.domain.text import is_blank
from devdevdev.search.keywords import extract_keywords
from devdevdev.search.port import ArticleSort, InvalidQuery, SearchAfter
from devdevdev.services.toggles import toggle
from devdevdev.store.articles import URL_TAKEN, Article, ArticleDraft, BookmarkSort
from devdevdev.store.companies import Company
from devdevdev.store.members import Actor
from devdevdev.store.transactions import ConditionFailed, Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

CONTENTS_PREVIEW = 1000


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


@dataclass(frozen=True)
class ArticleQuery:
    """What ``GET /articles`` asks for: an order (None: the default), a keyword as sent (blank: none), a company,
    the cursor (the last item's ``elasticId``, and its ``score`` for HIGHEST_SCORE) and a page size."""

    sort: ArticleSort | None
    keyword: str | None
    company_id: int | None
    elastic_id: str | None
    score: float | None
    size: int


def list_articles(runtime: Runtime, member_id: int | None, query: ArticleQuery) -> dict[str, Any]:
    """``GET /articles``: the engine finds and orders; the table supplies the current fields.

    With a keyword the default order is HIGHEST_SCORE, without one LATEST (HIGHEST_SCORE without a keyword is
    LATEST). The cursor is the last item's ``elasticId`` (and its ``score`` for HIGHEST_SCORE)."""
    keyword = None if query.keyword is None or is_blank(query.keyword) else query.keyword.strip()
    sort = query.sort
    if sort is None or (sort is ArticleSort.HIGHEST_SCORE and keyword is None):
        sort = ArticleSort.HIGHEST_SCORE if keyword else ArticleSort.LATEST
    after = None
    if query.elastic_id:
        cursor = runtime.search.get(query.elastic_id)
        if cursor is None:
            raise Errors.ARTICLE_NOT_FOUND.error()
        if sort is ArticleSort.HIGHEST_SCORE:
            if query.score is None:
                raise Errors.SCORE_CURSOR_REQUIRED.error()
            value = query.score
        else:
            value = float(SORT_VALUE[sort](cursor)) if sort in SORT_VALUE else 0.0
        after = SearchAfter(value, cursor.reg_date, cursor.id)
    size = query.size
    try:
        page = runtime.search.search(keyword=keyword, company_id=query.company_id, sort=sort, after=after, size=size)
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
        "isBookmarked": member_id is not None and runtime.articles.bookmark_status(member_id, article.id) is True,
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


def ingest(runtime: Runtime, drafts: Sequence[ArticleDraft]) -> dict[str, Any]:
    """``POST /articles`` (the crawler): upsert each article by its URL; answer ids and elastic ids in order."""
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
            if URL_TAKEN in failed:
                continue  # the same URL was inserted concurrently: update that one
            raise Errors.COMPANY_NOT_FOUND.error() from None  # COMPANY_GONE (ARTICLE_ID_TAKEN: ids are not reused)
        except Contended:
            break
    raise Errors.TEMPORARY_FAILURE.error()
