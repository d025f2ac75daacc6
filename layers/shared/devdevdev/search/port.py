"""The search port: what the article list needs from a search engine, whichever engine it is.

Every list of ``GET /articles`` (with or without a keyword) is served by the engine, as the legacy OpenSearch-era API
did (docs/rules.md#articles-list): the engine holds each article's searchable text and its sort values, kept fresh
from the table's change stream.

Order of a page (docs/rules.md#articles-list-order, ties always broken by id):
- without keyword: the sort's field DESC, then ``reg_date`` DESC, then ``id`` DESC
  (LATEST = reg_date, POPULAR = popular_score, MOST_VIEWED = view_total_count, MOST_COMMENTED = comment_total_count;
  HIGHEST_SCORE without a keyword is LATEST);
- with a keyword: HIGHEST_SCORE = relevance score DESC, then reg_date DESC, then id DESC; the other sorts as above,
  restricted to the matches. Each hit carries its relevance ``score`` (None without a keyword).
``after`` continues strictly after the given position (search_after semantics).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol


class ArticleSort(Enum):
    LATEST = "LATEST"
    POPULAR = "POPULAR"
    MOST_VIEWED = "MOST_VIEWED"
    MOST_COMMENTED = "MOST_COMMENTED"
    HIGHEST_SCORE = "HIGHEST_SCORE"


class InvalidQuery(Exception):
    """The keyword cannot be parsed by the query syntax (→ 400 ``검색어에 특수문자는 포함할 수 없어요``)."""


@dataclass(frozen=True)
class ArticleDocument:
    """What the engine stores of an article."""

    id: int
    elastic_id: str
    company_id: int
    title: str
    contents: str
    reg_date: str  # yyyy-MM-dd
    view_total_count: int = 0
    recommend_total_count: int = 0
    comment_total_count: int = 0
    popular_score: int = 0


@dataclass(frozen=True)
class SearchAfter:
    """A position in an order: the sort value (the relevance score for HIGHEST_SCORE with a keyword, else the sort
    field's value; ignored for LATEST), the reg_date and the id of the last item seen."""

    value: float
    reg_date: str
    id: int


@dataclass(frozen=True)
class SearchHit:
    id: int
    elastic_id: str
    score: float | None  # relevance, only with a keyword


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int  # every match (company filter applied), not just this page
    has_next: bool  # exact: another hit exists after this page


class SearchEngine(Protocol):
    """An article search engine."""

    def index(self, documents: list[ArticleDocument]) -> None:
        """Add or replace documents (by ``elastic_id``); visible to the next search."""

    def delete(self, elastic_ids: list[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def get(self, elastic_id: str) -> ArticleDocument | None:
        """One document by its id (the list's cursor), or None."""

    def search(
        self,
        *,
        keyword: str | None,
        company_id: int | None,
        sort: ArticleSort,
        after: SearchAfter | None,
        size: int,
    ) -> SearchPage:
        """One page of hits in the order described above. Raises :class:`InvalidQuery` for a keyword the query
        syntax cannot take (unbalanced brackets, a dangling ``! ^ - + / :``)."""
