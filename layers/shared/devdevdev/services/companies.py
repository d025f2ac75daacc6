"""Companies and subscriptions (docs/rules.md#companies, #mypage-subscriptions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devdevdev.domain.errors import Errors
from devdevdev.domain.slices import slice_page
from devdevdev.store.companies import NO_COMPANY, SUBSCRIBED_ALREADY, Company
from devdevdev.store.transactions import ConditionFailed, Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime


def _list_item(company: Company, subscribed: bool) -> dict[str, Any]:
    return {
        "companyId": company.id,
        "companyName": company.name,
        "companyImageUrl": company.official_image_url,
        "isSubscribed": subscribed,
    }


def list_companies(runtime: Runtime, member_id: int | None, cursor: int | None, size: int) -> dict[str, Any]:
    """``GET /subscriptions/companies``: id-descending, ``isSubscribed`` for members (false for guests)."""
    companies, has_next, subscribed = runtime.companies.page(cursor, size, member_id or None)
    content = [_list_item(c, c.id in subscribed) for c in companies]
    return slice_page(content, size=size, has_next=has_next)


def company_detail(runtime: Runtime, member_id: int | None, company_id: int) -> dict[str, Any]:
    """``GET /subscriptions/companies/{companyId}`` with its article count; 404 when there is no such company."""
    company = runtime.companies.get(company_id)
    if company is None:
        raise Errors.COMPANY_NOT_FOUND.error()
    subscribed = member_id is not None and company.id in runtime.subscriptions.subscribed(member_id, [company.id])
    return {
        "companyId": company.id,
        "companyName": company.name,
        "industry": company.industry,
        "companyDescription": company.description,
        "companyOfficialImageUrl": company.official_image_url,
        "companyCareerUrl": company.career_url,
        "techArticleTotalCount": company.article_total_count,
        "isSubscribed": subscribed,
    }


def subscribe(runtime: Runtime, member_id: int, company_id: int) -> dict[str, Any]:
    """``POST /subscriptions``: once per member and company (a conditional write); ``data: {id}``."""
    subscription_id = runtime.ids.next_id("subscription")
    try:
        runtime.subscriptions.subscribe(member_id, company_id, subscription_id, runtime.clock.now())
    except ConditionFailed as failed:
        # As upstream, "already subscribed" is decided before "no such company"; else the member is gone (NO_MEMBER).
        if SUBSCRIBED_ALREADY in failed:
            raise Errors.ALREADY_SUBSCRIBED.error() from None
        if NO_COMPANY in failed:
            raise Errors.COMPANY_NOT_FOUND.error() from None
        raise Errors.MEMBER_NOT_FOUND.error() from None
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None
    return {"id": subscription_id}


def unsubscribe(runtime: Runtime, member_id: int, company_id: int) -> None:
    """``DELETE /subscriptions`` (JSON body): 404 ``구독 이력이 없습니다.`` without a subscription."""
    try:
        runtime.subscriptions.unsubscribe(member_id, company_id)
    except ConditionFailed:  # NOT_SUBSCRIBED, or NO_MEMBER (a member who left has no subscription either)
        raise Errors.SUBSCRIPTION_NOT_FOUND.error() from None
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None


def my_companies(runtime: Runtime, member_id: int, total: int, cursor: int | None, size: int) -> dict[str, Any]:
    """``GET /mypage/subscriptions/companies``: the member's companies, id-descending, with ``totalElements``."""
    companies, has_next = runtime.subscriptions.member_page(member_id, cursor, size)
    content = [_list_item(company, True) for company in companies]
    return slice_page(content, size=size, has_next=has_next, total_elements=total)
