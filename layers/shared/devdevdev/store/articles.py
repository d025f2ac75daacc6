"""Tech articles, their recommends, and members' bookmarks.

An article's counters and popular score (4·comments + 4·recommends + 2·views) move in one update; the change stream
carries them to the search engine, which serves the article lists. A recommend lives in the article's partition
(one per member or anonymous member); a bookmark in the member's, and while active it sits in the member's three
bookmark orders: GSI1 BOOKMARKED (toggle time), GSI2 LATEST (article id), GSI3 MOST_COMMENTED (a copy of the
article's comment count, refreshed from the change stream), plus GSI4 (the article's bookmarks, for that refresh).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import ArticleItem, ArticleUrlItem, BookmarkItem, CompanyItem, RecommendItem
from devdevdev.store.pages import fill, query_page
from devdevdev.store.transactions import ConditionFailed, Writes, commit

RECOMMEND_WEIGHT, VIEW_WEIGHT = 4, 2  # of the popular score (the comments' weight: store/comments.py)

# What a failed condition means (``ConditionFailed.reasons``), named where the write is made.
URL_TAKEN = "article-url-taken"  # another article claimed the URL first (a concurrent insert)
ARTICLE_ID_TAKEN = "article-id-taken"  # an article has this id already (ids are never reused: not in practice)
COMPANY_GONE = "company-gone"  # the article's company does not exist
RECOMMEND_CHANGED = "recommend-changed"  # the recommend is no longer what was read (a concurrent toggle)
RECOMMENDED_ARTICLE_GONE = "recommended-article-gone"  # the article is gone (or has no recommend left to take back)
BOOKMARK_CHANGED = "bookmark-changed"  # the bookmark is no longer what was read (a concurrent toggle)


class BookmarkSort(Enum):
    """The orders of ``GET /mypage/bookmarks``, each an index of the member's active bookmarks."""

    BOOKMARKED = "GSI1"
    LATEST = "GSI2"
    MOST_COMMENTED = "GSI3"


@dataclass(frozen=True)
class Article:
    id: int
    elastic_id: str
    company_id: int
    title: str
    contents: str
    author: str | None
    reg_date: str
    tech_article_url: str
    thumbnail_url: str | None
    view_total_count: int
    recommend_total_count: int
    comment_total_count: int
    popular_score: int
    created_at: datetime
    origin_comment_count: int = 0  # top-level comments not deleted


@dataclass(frozen=True)
class ArticleDraft:
    """An article as the crawler sends it."""

    company_id: int
    title: str
    contents: str
    author: str | None
    reg_date: str
    tech_article_url: str
    thumbnail_url: str | None


def _bookmarked_article(sort_key: str) -> int:
    """The article of a bookmark's sort key (``BOOKMARK#<article id>``)."""
    return int(sort_key.removeprefix("BOOKMARK#"))


def _article(item: ArticleItem) -> Article:
    return Article(
        id=int(item.article_id),
        elastic_id=item.elastic_id,
        company_id=int(item.company_id),
        title=item.title,
        contents=item.contents or "",
        author=item.author,
        reg_date=item.reg_date,
        tech_article_url=item.tech_article_url,
        thumbnail_url=item.thumbnail_url,
        view_total_count=int(item.view_total_count or 0),
        recommend_total_count=int(item.recommend_total_count or 0),
        comment_total_count=int(item.comment_total_count or 0),
        popular_score=int(item.popular_score or 0),
        created_at=item.created_at,
        origin_comment_count=int(item.origin_comment_count or 0),
    )


def elastic_id_of(article_id: int) -> str:
    """The article's document id in the search engine (the list cursor the web client sends back)."""
    return f"article-{article_id}"


class ArticleRepository:
    """Articles by id and by URL, views, recommends and bookmarks."""

    def get(self, article_id: int) -> Article | None:
        try:
            return _article(ArticleItem.get(*keys.article(article_id), consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, article_ids: Iterable[int]) -> dict[int, Article]:
        """Articles by id in one BatchGet (missing ones absent)."""
        wanted = [keys.article(i) for i in set(article_ids)]
        return {int(i.article_id): _article(i) for i in ArticleItem.batch_get(wanted)} if wanted else {}

    def id_for_url(self, url: str) -> int | None:
        try:
            return int(ArticleUrlItem.get(*keys.article_url(url), consistent_read=True).article_id)
        except DoesNotExist:
            return None

    # Ingestion ----------------------------------------------------------------------------------------------------

    def insert(self, article_id: int, draft: ArticleDraft, now: datetime) -> Article:
        """A new article: its URL claimed (only if unclaimed), the article, the company's article count.

        Raises ``ConditionFailed`` with :data:`URL_TAKEN` (a concurrent insert of the same URL),
        :data:`ARTICLE_ID_TAKEN` or :data:`COMPANY_GONE`."""
        item = ArticleItem(
            *keys.article(article_id),
            article_id=article_id,
            elastic_id=elastic_id_of(article_id),
            company_id=draft.company_id,
            title=draft.title,
            contents=draft.contents,
            author=draft.author,
            reg_date=draft.reg_date,
            tech_article_url=draft.tech_article_url,
            thumbnail_url=draft.thumbnail_url,
            created_at=now,
            gsi5pk=keys.ARTICLES_LIST,
            gsi5sk=article_id,
        )

        def build(write: Writes) -> None:
            write.save(
                ArticleUrlItem(*keys.article_url(draft.tech_article_url), article_id=article_id),
                condition=ArticleUrlItem.pk.does_not_exist(),
                reason=URL_TAKEN,
            )
            write.save(item, condition=ArticleItem.pk.does_not_exist(), reason=ARTICLE_ID_TAKEN)
            write.update(
                CompanyItem(*keys.company(draft.company_id)),
                actions=[CompanyItem.article_total_count.add(1)],
                condition=CompanyItem.pk.exists(),
                reason=COMPANY_GONE,
            )

        commit(build)
        return _article(item)

    def update_content(self, article_id: int, draft: ArticleDraft) -> Article:
        """Refresh what the crawler owns (title, contents, author, dates, thumbnail); counters stay."""
        item = ArticleItem(*keys.article(article_id))
        item.update(
            actions=[
                ArticleItem.title.set(draft.title),
                ArticleItem.contents.set(draft.contents),
                ArticleItem.author.set(draft.author) if draft.author else ArticleItem.author.remove(),
                ArticleItem.reg_date.set(draft.reg_date),
                ArticleItem.thumbnail_url.set(draft.thumbnail_url)
                if draft.thumbnail_url
                else ArticleItem.thumbnail_url.remove(),
            ],
            condition=ArticleItem.pk.exists(),
        )
        return _article(item)

    def all_images(self, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every article item as DynamoDB stores it (typed attribute values, as the change stream carries them),
        id-descending: paged Queries of GSI5 ``ARTICLES`` (its keys), each page's articles in BatchGets (reindexing,
        backfills)."""
        hits = ArticleItem.query(keys.ARTICLES_LIST, index_name="GSI5", scan_index_forward=False, page_size=page_size)
        chunk: list[tuple[str, str]] = []
        for hit in hits:
            chunk.append((hit.pk, hit.sk))
            if len(chunk) == page_size:
                yield from (item.serialize() for item in fill(ArticleItem, chunk)[0])
                chunk = []
        yield from (item.serialize() for item in fill(ArticleItem, chunk)[0])

    # Views and recommends -----------------------------------------------------------------------------------------

    def record_view(self, article_id: int) -> Article | None:
        """+1 view and +2 popular score in one update; the article after it, or None when it does not exist."""
        item = ArticleItem(*keys.article(article_id))
        try:
            item.update(
                actions=[ArticleItem.view_total_count.add(1), ArticleItem.popular_score.add(VIEW_WEIGHT)],
                condition=ArticleItem.pk.exists(),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return None
            raise
        return _article(item)

    def recommend_status(self, article_id: int, actor: str) -> bool | None:
        """The recommend of the member (``M<id>``) or anonymous member (``A<id>``): True or False, or None when they
        never recommended the article."""
        try:
            return bool(RecommendItem.get(*keys.article_recommend(article_id, actor), consistent_read=True).status)
        except DoesNotExist:
            return None

    def set_recommend(self, article_id: int, actor: str, status: bool, now: datetime, *, existed: bool) -> None:
        """Turn a recommend on or off with the article's count and score, all or nothing.

        Raises ``ConditionFailed`` with :data:`RECOMMEND_CHANGED` when the recommend changed since it was read (the
        caller reads again), :data:`RECOMMENDED_ARTICLE_GONE` when the article is gone or has no recommend to take
        back."""
        recommend = RecommendItem(*keys.article_recommend(article_id, actor))
        delta = 1 if status else -1

        def build(write: Writes) -> None:
            if not existed:
                recommend.article_id, recommend.status, recommend.modified_at = article_id, status, now
                write.save(recommend, condition=RecommendItem.pk.does_not_exist(), reason=RECOMMEND_CHANGED)
            else:
                write.update(
                    recommend,
                    actions=[RecommendItem.status.set(status), RecommendItem.modified_at.set(now)],
                    condition=RecommendItem.status == (not status),
                    reason=RECOMMEND_CHANGED,
                )
            article_condition = ArticleItem.pk.exists()
            if not status:
                article_condition = article_condition & (ArticleItem.recommend_total_count > 0)
            write.update(
                ArticleItem(*keys.article(article_id)),
                actions=[
                    ArticleItem.recommend_total_count.add(delta),
                    ArticleItem.popular_score.add(delta * RECOMMEND_WEIGHT),
                ],
                condition=article_condition,
                reason=RECOMMENDED_ARTICLE_GONE,
            )

        commit(build)

    # Bookmarks ----------------------------------------------------------------------------------------------------

    def bookmark_status(self, member_id: int, article_id: int) -> bool | None:
        """The member's bookmark of the article: True or False, or None when they never bookmarked it."""
        try:
            return bool(BookmarkItem.get(*keys.bookmark(member_id, article_id), consistent_read=True).status)
        except DoesNotExist:
            return None

    def bookmarked(self, member_id: int, article_ids: Iterable[int]) -> set[int]:
        """Which of these articles the member has bookmarked (active), in one BatchGet."""
        wanted = [keys.bookmark(member_id, a) for a in set(article_ids)]
        if not wanted:
            return set()
        return {int(i.article_id) for i in BookmarkItem.batch_get(wanted) if i.status}

    def set_bookmark(self, member_id: int, article: Article, status: bool, now: datetime, *, existed: bool) -> None:
        """Turn a bookmark on (into the member's three orders) or off (out of them).

        Raises ``ConditionFailed`` with :data:`BOOKMARK_CHANGED` when the bookmark changed since it was read."""
        item = BookmarkItem(*keys.bookmark(member_id, article.id))
        listed = [
            (
                BookmarkItem.gsi1pk,
                keys.member_bookmarks(member_id, "BOOKMARKED"),
                BookmarkItem.gsi1sk,
                keys.ranked(int(now.timestamp() * 1000), article.id),
            ),
            (BookmarkItem.gsi2pk, keys.member_bookmarks(member_id, "LATEST"), BookmarkItem.gsi2sk, article.id),
            (
                BookmarkItem.gsi3pk,
                keys.member_bookmarks(member_id, "MOST_COMMENTED"),
                BookmarkItem.gsi3sk,
                keys.ranked(article.comment_total_count, article.id),
            ),
            (BookmarkItem.gsi4pk, keys.article_bookmarks(article.id), BookmarkItem.gsi4sk, member_id),
        ]
        actions: list[Action] = [BookmarkItem.status.set(status), BookmarkItem.modified_at.set(now)]
        if status:
            actions += [a for pk, pk_value, sk, sk_value in listed for a in (pk.set(pk_value), sk.set(sk_value))]
        else:
            actions += [pk.remove() for pk, _, _, _ in listed]
        condition: Condition
        if existed:
            condition = BookmarkItem.status == (not status)
        else:
            actions += [BookmarkItem.member_id.set(member_id), BookmarkItem.article_id.set(article.id)]
            condition = BookmarkItem.pk.does_not_exist()
        try:  # one item: a conditional update, not a transaction (which would double its write units)
            item.update(actions=actions, condition=condition)
        except UpdateError as error:
            if is_condition_failure(error):
                raise ConditionFailed(frozenset({BOOKMARK_CHANGED})) from None
            raise

    def bookmark_page(
        self, member_id: int, sort: BookmarkSort, cursor_article_id: int | None, size: int
    ) -> tuple[list[Article], bool]:
        """The member's bookmarked articles in ``sort`` order after the cursor article; (articles, has_next): the
        article ids from the index's keys, the articles in one BatchGet.

        The cursor is placed by the member's bookmark of that article; without one, LATEST continues below its id
        and the other orders start over."""
        attribute = {
            BookmarkSort.BOOKMARKED: BookmarkItem.gsi1sk,
            BookmarkSort.LATEST: BookmarkItem.gsi2sk,
            BookmarkSort.MOST_COMMENTED: BookmarkItem.gsi3sk,
        }[sort]
        condition = None
        if cursor_article_id is not None:
            bound = None
            try:
                cursor = BookmarkItem.get(*keys.bookmark(member_id, cursor_article_id))
                bound = getattr(cursor, f"{sort.value.lower()}sk")
            except DoesNotExist:
                pass
            if bound is None and sort is BookmarkSort.LATEST:
                bound = cursor_article_id + 1
            if bound is not None:
                condition = attribute < int(bound)
        page = query_page(
            BookmarkItem,
            keys.member_bookmarks(member_id, sort.name),
            index_name=sort.value,
            condition=condition,
            size=size,
            join=lambda page_keys: [(ArticleItem, *keys.article(_bookmarked_article(sk))) for _, sk in page_keys],
            projected=True,
        )
        found = (page.joined.of(ArticleItem, keys.article(_bookmarked_article(i.sk))) for i in page.items)
        return [_article(item) for item in found if item is not None], page.has_next

    def refresh_bookmark_counts(self, article_id: int, comment_total_count: int) -> None:
        """Copy an article's new comment count into its active bookmarks (the MOST_COMMENTED order)."""
        for bookmark in BookmarkItem.query(keys.article_bookmarks(article_id), index_name="GSI4"):
            try:
                bookmark.update(
                    actions=[BookmarkItem.gsi3sk.set(keys.ranked(comment_total_count, article_id))],
                    condition=BookmarkItem.status == True,  # noqa: E712
                )
            except UpdateError as error:
                if not is_condition_failure(error):
                    raise
