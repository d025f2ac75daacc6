"""Function group ``articles``: ingestion, lists and search, detail, bookmarks, recommends, auto-complete,
companies and subscriptions."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, ok_list, scope
from devdevdev.domain.errors import Errors
from devdevdev.domain.parsing import cursor_id, page_size, parse_decimal
from devdevdev.search.port import ArticleSort
from devdevdev.services import articles
from devdevdev.store.articles import elastic_id_of

app = create_resolver()
ARTICLES_PAGE_SIZE = 10
COMPANIES_PAGE_SIZE = 20


def _member_id_or_none() -> int | None:
    caller = scope(app).caller
    return caller.member_id if caller.is_member else None


@app.post("/articles")
def ingest_articles() -> Response:
    """Not in the contract: the crawler's batch upsert (upstream's crawler wrote to the database directly)."""
    from devdevdev.api import service_auth

    current = scope(app)
    request = current.request
    service_auth.authenticate_request(current.runtime, request)
    return ok(articles.ingest(current.runtime, request.json_body()))


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
    data = articles.list_articles(
        current.runtime,
        _member_id_or_none(),
        sort=request.query_enum("techArticleSort", ArticleSort),
        keyword=request.query.get("keyword"),
        company_id=company_id,
        elastic_id=_cursor(request.query.get("elasticId"), request.query.get("techArticleId")),
        score=score,
        size=page_size(request.query.get("size"), default=ARTICLES_PAGE_SIZE),
    )
    return ok(data)


@app.get("/articles/<techArticleId>")
def article_detail(techArticleId: str) -> Response:  # noqa: N803 (the contract's parameter name)
    current = scope(app)
    article_id = current.request.path_int("techArticleId")
    caller = current.caller
    member_id = caller.member_id if caller.is_member else None
    # The Anonymous-Member-Id header is optional here: it only decides isRecommended for guests.
    actor = caller.actor() if caller.is_member or caller.anonymous_header else None
    return ok(articles.article_detail(current.runtime, member_id, actor, article_id))


@app.post("/articles/<techArticleId>/bookmark")
def toggle_bookmark(techArticleId: str) -> Response:  # noqa: N803
    current = scope(app)
    article_id = current.request.path_int("techArticleId")
    member_id = current.caller.require_member_id(Errors.GUEST_NOT_ALLOWED)
    return ok(articles.toggle_bookmark(current.runtime, member_id, article_id))


@app.post("/articles/<techArticleId>/recommend")
def toggle_recommend(techArticleId: str) -> Response:  # noqa: N803
    current = scope(app)
    article_id = current.request.path_int("techArticleId")
    return ok(articles.toggle_recommend(current.runtime, current.caller.actor(), article_id))


@app.get("/keywords/auto-complete")
def auto_complete() -> Response:
    current = scope(app)
    return ok_list(articles.auto_complete(current.runtime, current.request.query.get("prefix")))


@app.get("/subscriptions/companies")
def list_companies() -> Response:
    from devdevdev.services import companies

    current = scope(app)
    request = current.request
    size = page_size(request.query.get("size"), default=COMPANIES_PAGE_SIZE)
    cursor = cursor_id(request.query.get("companyId"), "companyId")
    return ok(companies.list_companies(current.runtime, _member_id_or_none(), cursor, size))


@app.get("/subscriptions/companies/<companyId>")
def company_detail(companyId: str) -> Response:  # noqa: N803
    from devdevdev.services import companies

    current = scope(app)
    company_id = current.request.path_int("companyId")
    return ok(companies.company_detail(current.runtime, _member_id_or_none(), company_id))


@app.post("/subscriptions")
def subscribe() -> Response:
    from devdevdev.services import companies

    current = scope(app)
    member_id = current.caller.require_member_id()
    return ok(companies.subscribe(current.runtime, member_id, current.request.json_body()))


@app.delete("/subscriptions")
def unsubscribe() -> Response:
    from devdevdev.services import companies

    current = scope(app)
    member_id = current.caller.require_member_id()
    companies.unsubscribe(current.runtime, member_id, current.request.json_body())
    return ok()


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
