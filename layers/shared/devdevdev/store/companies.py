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

from devdevdev.store import keys
from devdevdev.store.models import CompanyItem, MemberItem, SubscriptionItem
from devdevdev.store.pages import query_page
from devdevdev.store.schema import PARTITION_KEY, SORT_KEY
from devdevdev.store.transactions import Writes, commit

# What a failed condition means (``ConditionFailed.reasons``), named where the write is made.
SUBSCRIBED_ALREADY = "subscribed-already"  # the member subscribes to the company already
NOT_SUBSCRIBED = "not-subscribed"  # the member has no subscription to the company
NO_COMPANY = "no-company"  # no such company
NO_MEMBER = "no-member"  # the member item is gone


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

    def page(
        self, cursor_id: int | None, size: int, member_id: int | None = None
    ) -> tuple[list[Company], bool, set[int]]:
        """Companies with an id below the cursor, id-descending; (companies, has_next, the ones ``member_id``
        subscribes to). The companies come from GSI1, which projects what the list shows; a member's
        subscriptions to them are one BatchGet."""
        condition = CompanyItem.gsi1sk < cursor_id if cursor_id is not None else None
        join = None
        if member_id is not None:
            join = lambda page_keys: [  # noqa: E731
                (SubscriptionItem, *keys.subscription(member_id, keys.id_of(pk))) for pk, _ in page_keys
            ]
        page = query_page(
            CompanyItem,
            keys.COMPANIES_LIST,
            index_name="GSI1",
            condition=condition,
            size=size,
            join=join,
            projected=True,
        )
        subscribed = {int(i.company_id) for i in page.joined.values() if isinstance(i, SubscriptionItem)}
        return [_company(i) for i in page.items], page.has_next, subscribed

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


def _subscribed_company(sort_key: str) -> int:
    """The company of a subscription's sort key (``SUBSCRIPTION#<company id>``)."""
    return int(sort_key.removeprefix("SUBSCRIPTION#"))


class SubscriptionRepository:
    """Who subscribes to which company."""

    def subscribed(self, member_id: int, company_ids: Iterable[int]) -> set[int]:
        """Which of these companies the member subscribes to, in one BatchGet."""
        wanted = [keys.subscription(member_id, c) for c in set(company_ids)]
        return {int(item.company_id) for item in SubscriptionItem.batch_get(wanted)} if wanted else set()

    def subscribe(self, member_id: int, company_id: int, subscription_id: int, now: datetime) -> None:
        """Subscribe, all or nothing: the subscription (only if absent), the company's existence, the member's count.

        Raises ``ConditionFailed`` with :data:`SUBSCRIBED_ALREADY`, :data:`NO_COMPANY`, :data:`NO_MEMBER` (each
        that failed)."""
        item = subscription_item(member_id, company_id, subscription_id, now)

        def build(write: Writes) -> None:
            write.save(item, condition=SubscriptionItem.pk.does_not_exist(), reason=SUBSCRIBED_ALREADY)
            write.condition_check(
                CompanyItem, *keys.company(company_id), condition=CompanyItem.pk.exists(), reason=NO_COMPANY
            )
            write.update(
                MemberItem(*keys.member(member_id)),
                actions=[MemberItem.subscription_total_count.add(1)],
                condition=MemberItem.pk.exists(),
                reason=NO_MEMBER,
            )

        commit(build)

    def unsubscribe(self, member_id: int, company_id: int) -> None:
        """Remove the subscription and uncount it. Raises ``ConditionFailed`` with :data:`NOT_SUBSCRIBED` when there
        is none, :data:`NO_MEMBER` when the member item is gone."""

        def build(write: Writes) -> None:
            write.delete(
                SubscriptionItem(*keys.subscription(member_id, company_id)),
                condition=SubscriptionItem.pk.exists(),
                reason=NOT_SUBSCRIBED,
            )
            write.update(
                MemberItem(*keys.member(member_id)),
                actions=[MemberItem.subscription_total_count.add(-1)],
                condition=MemberItem.pk.exists(),
                reason=NO_MEMBER,
            )

        commit(build)

    def member_page(self, member_id: int, cursor_id: int | None, size: int) -> tuple[list[Company], bool]:
        """The member's subscribed companies below the cursor, id-descending; (companies, has_next): the company
        ids from GSI1's keys, the companies in one BatchGet."""
        condition = SubscriptionItem.gsi1sk < cursor_id if cursor_id is not None else None
        page = query_page(
            SubscriptionItem,
            keys.member_subscriptions(member_id),
            index_name="GSI1",
            condition=condition,
            size=size,
            join=lambda page_keys: [(CompanyItem, *keys.company(_subscribed_company(sk))) for _, sk in page_keys],
            projected=True,
        )
        # only the subscriptions' keys are read from GSI1: the company id is in the sort key
        companies = [page.joined.of(CompanyItem, keys.company(_subscribed_company(i.sk))) for i in page.items]
        return [_company(c) for c in companies if c is not None], page.has_next

    def subscribers(self, company_id: int, page_size: int = 1000) -> Iterator[int]:
        """Every subscriber of a company, by member id (paged Queries; for the notification fan-out). Only the
        index's keys are read: the member id is its sort key."""
        for item in SubscriptionItem.query(
            keys.company_subscribers(company_id),
            index_name="GSI2",
            page_size=page_size,
            attributes_to_get=[PARTITION_KEY, SORT_KEY, "GSI2SK"],
        ):
            yield int(item.gsi2sk)  # GSI2 projects its keys: the sort key is the member id
