"""Function group ``articles``: ingestion, lists and search, detail, bookmarks, recommends, auto-complete,
companies and subscriptions. Each route reads its request into typed values; the services take only those."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, ok_list, scope
from devdevdev.api.request import path_id
from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.parsing import cursor_id, page_size, parse_decimal, parse_int
from devdevdev.domain.text import is_blank
from devdevdev.search.port import ArticleSort
from devdevdev.services import articles
from devdevdev.store.articles import ArticleDraft, elastic_id_of

app = create_resolver()
ARTICLES_PAGE_SIZE = 10
COMPANIES_PAGE_SIZE = 20

INGEST_BATCH_MAX = 100
TITLE_MAX = 150
AUTHOR_MAX = 100
URL_MAX = 2000
# The article URL is part of an item key (DynamoDB: at most 2048 bytes with its prefix) and the contents live in the
# article item (at most 400 KB with everything else), so both are bounded in UTF-8 bytes, not only in characters.
URL_MAX_BYTES = 2000
CONTENTS_MAX_BYTES = 300_000
URL = re.compile(r"^https?://[^\s]+$")
REG_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # fromisoformat alone also takes 20240501 and 2024-W18-3


def _member_id_or_none() -> int | None:
    caller = scope(app).caller
    return caller.member_id if caller.is_member else None


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
    """A text field of one article, trimmed; blank → None (a 400 when ``required``)."""
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
        reg_date = _text(raw, "regDate", where, required=True) or ""
        try:
            if not REG_DATE.match(reg_date):
                raise ValueError(reg_date)
            reg_date = date.fromisoformat(reg_date).isoformat()
        except ValueError:
            raise bad_request(f"{where}.regDate 값은 yyyy-MM-dd 형식이어야 합니다.") from None
        drafts.append(
            ArticleDraft(
                company_id=company_id,
                title=_text(raw, "title", where, required=True, maximum=TITLE_MAX) or "",
                contents=_text(raw, "contents", where, required=False, max_bytes=CONTENTS_MAX_BYTES) or "",
                author=_text(raw, "author", where, required=False, maximum=AUTHOR_MAX),
                reg_date=reg_date,
                tech_article_url=url or "",
                thumbnail_url=thumbnail,
            )
        )
    return drafts


@app.post("/articles")
def ingest_articles() -> Response:
    """Not in the contract: the crawler's batch upsert (upstream's crawler wrote to the database directly)."""
    from devdevdev.api import service_auth

    current = scope(app)
    request = current.request
    service_auth.authenticate_request(current.runtime, request)
    return ok(articles.ingest(current.runtime, parse_drafts(request.json_body())))


# Lists, detail, bookmark, recommend -------------------------------------------------------------------------------


def _cursor(elastic_id: str | None, article_id: str | None) -> str | None:
    """The list cursor: the contract's ``elasticId``, or the last item's ``techArticleId``, which is what the web
    client sends (both name the same article; an id at or above 2^53-1 means the first page, as on other lists)."""
    if elastic_id and elastic_id.strip():
        return elastic_id.strip()
    cursor = cursor_id(article_id, "techArticleId")
    return None if cursor is None else elastic_id_of(cursor)


@app.get("/articles")
def list_articles() -> Response:
    current = scope(app)
    request = current.request
    score = parse_decimal(request.query.get("score"), "score")
    company_id = request.query_int("companyId", minimum=1)
    member_id = _member_id_or_none()
    query = articles.ArticleQuery(
        sort=request.query_enum("techArticleSort", ArticleSort),
        keyword=request.query.get("keyword"),
        company_id=company_id,
        elastic_id=_cursor(request.query.get("elasticId"), request.query.get("techArticleId")),
        score=score,
        size=page_size(request.query.get("size"), default=ARTICLES_PAGE_SIZE),
    )
    return ok(articles.list_articles(current.runtime, member_id, query))


@app.get("/articles/<techArticleId>")
def article_detail(techArticleId: str) -> Response:
    current = scope(app)
    article_id = path_id(techArticleId, "techArticleId")
    caller = current.caller
    member_id = caller.member_id if caller.is_member else None
    # The Anonymous-Member-Id header is optional here: it only decides isRecommended for guests.
    actor = caller.actor() if caller.is_member or caller.anonymous_header else None
    return ok(articles.article_detail(current.runtime, member_id, actor, article_id))


@app.post("/articles/<techArticleId>/bookmark")
def toggle_bookmark(techArticleId: str) -> Response:
    current = scope(app)
    article_id = path_id(techArticleId, "techArticleId")
    member_id = current.caller.require_member_id(Errors.GUEST_NOT_ALLOWED)
    return ok(articles.toggle_bookmark(current.runtime, member_id, article_id))


@app.post("/articles/<techArticleId>/recommend")
def toggle_recommend(techArticleId: str) -> Response:
    current = scope(app)
    article_id = path_id(techArticleId, "techArticleId")
    return ok(articles.toggle_recommend(current.runtime, current.caller.actor(), article_id))


@app.get("/keywords/auto-complete")
def auto_complete() -> Response:
    current = scope(app)
    return ok_list(articles.auto_complete(current.runtime, current.request.query.get("prefix")))


# Companies and subscriptions --------------------------------------------------------------------------------------


def _company_id(body: dict[str, Any]) -> int:
    """The body's ``companyId``: a positive integer, required."""
    company_id = parse_int(body.get("companyId"), "companyId", minimum=1)
    if company_id is None:
        raise Errors.COMPANY_ID_REQUIRED.error()
    return company_id


@app.get("/subscriptions/companies")
def list_companies() -> Response:
    from devdevdev.services import companies

    current = scope(app)
    request = current.request
    size = page_size(request.query.get("size"), default=COMPANIES_PAGE_SIZE)
    cursor = cursor_id(request.query.get("companyId"), "companyId")
    return ok(companies.list_companies(current.runtime, _member_id_or_none(), cursor, size))


@app.get("/subscriptions/companies/<companyId>")
def company_detail(companyId: str) -> Response:
    from devdevdev.services import companies

    current = scope(app)
    company_id = path_id(companyId, "companyId")
    return ok(companies.company_detail(current.runtime, _member_id_or_none(), company_id))


@app.post("/subscriptions")
def subscribe() -> Response:
    from devdevdev.services import companies

    current = scope(app)
    member_id = current.caller.require_member_id()
    company_id = _company_id(current.request.json_body())
    return ok(companies.subscribe(current.runtime, member_id, company_id))


@app.delete("/subscriptions")
def unsubscribe() -> Response:
    from devdevdev.services import companies

    current = scope(app)
    member_id = current.caller.require_member_id()
    companies.unsubscribe(current.runtime, member_id, _company_id(current.request.json_body()))
    return ok()


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
