"""Companies and members' subscriptions to them.

A subscription is ``MEMBER#<id>`` / ``SUBSCRIPTION#<companyId>``, so "one per member and company" is the item key.
It sits in the member's list (GSI1, by company id) and in the company's subscriber list (GSI2, by member id), which the
notification fan-out reads. The member item counts its subscriptions for ``totalElements``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from devdevdev.store import keys
from devdevdev.store.models import CompanyItem, MemberItem, SubscriptionItem
from devdevdev.store.pages import query_page
from devdevdev.store.schema import PARTITION_KEY, SORT_KEY
from devdevdev.store.transactions import commit


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    official_url: str | None
    official_image_url: str | None
    career_url: str | None
    industry: str | None
    description: str | None
    article_total_count: int


def _company(item: CompanyItem) -> Company:
    return Company(
        id=int(item.company_id),
        name=item.name,
        official_url=item.official_url,
        official_image_url=item.official_image_url,
        career_url=item.career_url,
        industry=item.industry,
        description=item.description,
        article_total_count=int(item.article_total_count or 0),
    )


class CompanyRepository:
    """Companies, listed id-descending (GSI1 ``COMPANIES``)."""

    def get(self, company_id: int) -> Company | None:
        try:
            return _company(CompanyItem.get(*keys.company(company_id)))
        except DoesNotExist:
            return None

    def get_many(self, company_ids: Iterable[int]) -> dict[int, Company]:
        """Companies by id in one BatchGet."""
        wanted = [keys.company(i) for i in set(company_ids)]
        return {int(item.company_id): _company(item) for item in CompanyItem.batch_get(wanted)} if wanted else {}

    def page(self, cursor_id: int | None, size: int) -> tuple[list[Company], bool]:
        """Companies with an id below the cursor, id-descending; (companies, has_next)."""
        condition = CompanyItem.gsi1sk < cursor_id if cursor_id is not None else None
        items, has_next = query_page(
            CompanyItem, keys.COMPANIES_LIST, index_name="GSI1", condition=condition, size=size
        )
        return [_company(i) for i in items], has_next

    def put(self, company: Company) -> None:
        """Create or replace a company (demo data, administration)."""
        CompanyItem(
            *keys.company(company.id),
            company_id=company.id,
            name=company.name,
            official_url=company.official_url,
            official_image_url=company.official_image_url,
            career_url=company.career_url,
            industry=company.industry,
            description=company.description,
            article_total_count=company.article_total_count,
            gsi1pk=keys.COMPANIES_LIST,
            gsi1sk=company.id,
        ).save()


def subscription_item(member_id: int, company_id: int, subscription_id: int, now: datetime) -> SubscriptionItem:
    """A subscription with its two list keys: the member's companies (GSI1) and the company's subscribers (GSI2)."""
    return SubscriptionItem(
        *keys.subscription(member_id, company_id),
        subscription_id=subscription_id,
        member_id=member_id,
        company_id=company_id,
        created_at=now,
        gsi1pk=keys.member_subscriptions(member_id),
        gsi1sk=company_id,
        gsi2pk=keys.company_subscribers(company_id),
        gsi2sk=member_id,
    )


class SubscriptionRepository:
    """Who subscribes to which company."""

    def subscribed(self, member_id: int, company_ids: Iterable[int]) -> set[int]:
        """Which of these companies the member subscribes to, in one BatchGet."""
        wanted = [keys.subscription(member_id, c) for c in set(company_ids)]
        return {int(item.company_id) for item in SubscriptionItem.batch_get(wanted)} if wanted else set()

    def subscribe(self, member_id: int, company_id: int, subscription_id: int, now: datetime) -> None:
        """Subscribe, all or nothing: the subscription (only if absent), the company's existence, the member's count.

        Raises ``ConditionFailed``: operation 0 failed → already subscribed; operation 1 → no such company."""
        item = subscription_item(member_id, company_id, subscription_id, now)

        def build(write: TransactWrite) -> None:
            write.save(item, condition=SubscriptionItem.pk.does_not_exist())
            write.condition_check(CompanyItem, *keys.company(company_id), condition=CompanyItem.pk.exists())
            write.update(
                MemberItem(*keys.member(member_id)),
                actions=[MemberItem.subscription_total_count.add(1)],
                condition=MemberItem.pk.exists(),
            )

        commit(build)

    def unsubscribe(self, member_id: int, company_id: int) -> None:
        """Remove the subscription and uncount it. Raises ``ConditionFailed`` when there is none."""

        def build(write: TransactWrite) -> None:
            write.delete(
                SubscriptionItem(*keys.subscription(member_id, company_id)), condition=SubscriptionItem.pk.exists()
            )
            write.update(
                MemberItem(*keys.member(member_id)),
                actions=[MemberItem.subscription_total_count.add(-1)],
                condition=MemberItem.pk.exists(),
            )

        commit(build)

    def member_page(self, member_id: int, cursor_id: int | None, size: int) -> tuple[list[int], bool]:
        """The member's subscribed company ids below the cursor, descending; (ids, has_next)."""
        condition = SubscriptionItem.gsi1sk < cursor_id if cursor_id is not None else None
        items, has_next = query_page(
            SubscriptionItem, keys.member_subscriptions(member_id), index_name="GSI1", condition=condition, size=size
        )
        return [int(i.company_id) for i in items], has_next

    def subscribers(self, company_id: int, page_size: int = 1000) -> Iterator[int]:
        """Every subscriber of a company, by member id (paged Queries; for the notification fan-out). Only the
        index's keys are read: the member id is its sort key."""
        for item in SubscriptionItem.query(
            keys.company_subscribers(company_id),
            index_name="GSI2",
            page_size=page_size,
            attributes_to_get=[PARTITION_KEY, SORT_KEY, "GSI2SK"],
        ):
            yield int(item.gsi2sk)
