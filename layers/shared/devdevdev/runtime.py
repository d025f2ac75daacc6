"""The objects a function group works with, built once per cold start from the settings.

Each repository, service and client is built (and its module imported) on first use: a function's cold start loads
only what its routes touch (docs/decisions.md, "Cold starts").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from devdevdev.clock import Clock
from devdevdev.settings import Settings, get_settings

if TYPE_CHECKING:
    from devdevdev.auth.callers import KnownAnonymous, LiveLogins
    from devdevdev.auth.tokens import TokenService
    from devdevdev.embeddings import EmbeddingProvider
    from devdevdev.embeddings.similarity import CandidateCache
    from devdevdev.jobs import JobQueue
    from devdevdev.search.keywords import KeywordStore
    from devdevdev.search.port import SearchEngine
    from devdevdev.services.notifications.port import LiveTransport
    from devdevdev.storage.images import ImageStorage
    from devdevdev.store.articles import ArticleRepository
    from devdevdev.store.blames import BlameRepository
    from devdevdev.store.comments import CommentRepository
    from devdevdev.store.companies import CompanyRepository, SubscriptionRepository
    from devdevdev.store.dictionary import NicknameDictionary
    from devdevdev.store.embeddings import PickEmbeddingRepository
    from devdevdev.store.ids import IdAllocator
    from devdevdev.store.members import AnonymousMemberRepository, MemberRepository
    from devdevdev.store.notifications import NotificationRepository
    from devdevdev.store.pick_images import PickImageRepository
    from devdevdev.store.picks import PickRepository
    from devdevdev.store.ratelimit import FailureLimiter, RateLimiter
    from devdevdev.store.services import ServiceRepository
    from devdevdev.store.surveys import SurveyRepository


@dataclass
class Runtime:
    """Settings, clock and repositories of one process. Tests build their own with a fake clock."""

    settings: Settings
    clock: Clock

    def __post_init__(self) -> None:
        from devdevdev.store.models import bind

        bind(self.settings.table_name, self.settings.dynamodb_endpoint, self.settings.region)

    @cached_property
    def ids(self) -> IdAllocator:
        from devdevdev.store.ids import IdAllocator

        return IdAllocator()

    @cached_property
    def members(self) -> MemberRepository:
        from devdevdev.store.members import MemberRepository

        return MemberRepository(self.ids)

    @cached_property
    def anonymous(self) -> AnonymousMemberRepository:
        from devdevdev.store.members import AnonymousMemberRepository

        return AnonymousMemberRepository(self.ids)

    @cached_property
    def tokens(self) -> TokenService:
        from devdevdev.auth.tokens import TokenService

        s = self.settings
        return TokenService(s.jwt_key, s.access_token_ttl_seconds, s.refresh_token_ttl_seconds, self.clock)

    @cached_property
    def live_logins(self) -> LiveLogins:
        from devdevdev.auth.callers import LiveLogins

        return LiveLogins(self.members, self.clock, self.settings.member_recheck_seconds)

    @cached_property
    def known_anonymous(self) -> KnownAnonymous:
        from devdevdev.auth.callers import KnownAnonymous

        return KnownAnonymous(self.anonymous)

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        from devdevdev.store.ratelimit import RateLimiter

        s = self.settings
        return RateLimiter(s.rate_limit_per_minute, s.ip_rate_limit_per_minute, s.rate_limit_block)

    @cached_property
    def crawler_auth_failures(self) -> FailureLimiter:
        from devdevdev.store.ratelimit import FailureLimiter

        return FailureLimiter(self.settings.crawler_auth_failures_per_minute)

    @cached_property
    def services(self) -> ServiceRepository:
        from devdevdev.store.services import ServiceRepository

        arn = self.settings.crawler_keys_arn
        if not arn:
            return ServiceRepository()
        from devdevdev.settings import secret_json
        from devdevdev.store.services import parse_crawler_keys

        return ServiceRepository(lambda: parse_crawler_keys(secret_json(arn)))

    @cached_property
    def dictionary(self) -> NicknameDictionary:
        from devdevdev.store.dictionary import NicknameDictionary

        return NicknameDictionary()

    @cached_property
    def companies(self) -> CompanyRepository:
        from devdevdev.store.companies import CompanyRepository

        return CompanyRepository()

    @cached_property
    def subscriptions(self) -> SubscriptionRepository:
        from devdevdev.store.companies import SubscriptionRepository

        return SubscriptionRepository()

    @cached_property
    def articles(self) -> ArticleRepository:
        from devdevdev.store.articles import ArticleRepository

        return ArticleRepository()

    @cached_property
    def keywords(self) -> KeywordStore:
        from devdevdev.search.keywords import KeywordStore

        return KeywordStore(self.clock)

    @cached_property
    def search(self) -> SearchEngine:
        from devdevdev.search.factory import create_search_engine  # opensearch-py loads only where it is used

        s = self.settings
        return create_search_engine(s.opensearch_url, s.search_index or s.table_name, s.region)

    @cached_property
    def surveys(self) -> SurveyRepository:
        from devdevdev.store.surveys import SurveyRepository

        return SurveyRepository()

    @cached_property
    def picks(self) -> PickRepository:
        from devdevdev.store.picks import PickRepository

        return PickRepository()

    @cached_property
    def embeddings(self) -> PickEmbeddingRepository:
        from devdevdev.store.embeddings import PickEmbeddingRepository

        return PickEmbeddingRepository()

    @cached_property
    def embedding_provider(self) -> EmbeddingProvider:
        """The settings' provider; tests may assign another (a failing one, a fake OpenAI)."""
        from devdevdev.embeddings import create_provider

        return create_provider(self.settings)

    @cached_property
    def candidate_cache(self) -> CandidateCache:
        """The similar-pick candidates of this warm instance (rebuilt when their version moves); numpy loads here,
        not on every function's cold start."""
        from devdevdev.embeddings.similarity import CandidateCache

        return CandidateCache()

    @cached_property
    def comments(self) -> CommentRepository:
        from devdevdev.store.comments import CommentRepository

        return CommentRepository()

    @cached_property
    def blames(self) -> BlameRepository:
        from devdevdev.store.blames import BlameRepository

        return BlameRepository()

    @cached_property
    def pick_images(self) -> PickImageRepository:
        from devdevdev.store.pick_images import PickImageRepository

        return PickImageRepository()

    @cached_property
    def notifications(self) -> NotificationRepository:
        from devdevdev.store.notifications import NotificationRepository

        return NotificationRepository()

    @cached_property
    def jobs(self) -> JobQueue:
        from devdevdev.jobs import JobQueue

        s = self.settings
        return JobQueue(s.notification_queue_url, s.region, s.sqs_endpoint)

    @cached_property
    def live(self) -> LiveTransport:
        """The live channel's transports, the notification services' port; the adapter belongs to the HTTP edge
        (it writes the messages in the contract's JSON)."""
        from devdevdev.api.live import LivePusher

        return LivePusher(self.settings.region, self.notifications)

    @cached_property
    def images(self) -> ImageStorage:
        from devdevdev.storage.images import ImageStorage

        s = self.settings
        return ImageStorage(s.images_bucket, s.region, s.s3_endpoint, s.images_public_url, key_prefix=s.stage)


_current: Runtime | None = None


def get_runtime() -> Runtime:
    """This process's runtime, built on first use from the environment."""
    global _current
    if _current is None:
        _current = Runtime(get_settings(), Clock())
    return _current


def use_runtime(runtime: Runtime | None) -> None:
    """Replace the process's runtime (tests, the local stack); None rebuilds it from the environment next time."""
    global _current
    _current = runtime
    if runtime is not None:
        from devdevdev.store.models import bind

        bind(runtime.settings.table_name, runtime.settings.dynamodb_endpoint, runtime.settings.region)
