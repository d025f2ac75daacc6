"""The table's items as PynamoDB models: one model per kind of item, all in the one table.

Key values come from :mod:`devdevdev.store.keys`; :func:`bind` points every model at a table and endpoint (the
table name and the DynamoDB Local endpoint differ per stage and per test).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection, Projection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from devdevdev.store.schema import INCLUDE, INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, IndexSpec


def _projection(spec: IndexSpec) -> Projection:
    return IncludeProjection(list(spec.attributes)) if spec.projection == INCLUDE else KeysOnlyProjection()


def _index(number: int) -> type[GlobalSecondaryIndex]:
    """The index as :mod:`devdevdev.store.schema` defines it (its projection included)."""
    spec = INDEXES[number - 1]

    class Index(GlobalSecondaryIndex):
        class Meta:
            index_name = spec.name
            projection = _projection(spec)

        pk = UnicodeAttribute(hash_key=True, attr_name=spec.partition_key)
        sk = NumberAttribute(range_key=True, attr_name=spec.sort_key)

    Index.__name__ = f"Gsi{number}"
    return Index


Gsi1, Gsi2, Gsi3, Gsi4, Gsi5 = (_index(n) for n in range(1, 6))


class TableModel(Model):
    """Base of every item: the table's keys and its list indexes."""

    class Meta:
        table_name = "devdevdev"
        region = "ap-northeast-2"
        host: str | None = None
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True, attr_name=PARTITION_KEY)
    sk = UnicodeAttribute(range_key=True, attr_name=SORT_KEY)
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = NumberAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = NumberAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = NumberAttribute(null=True, attr_name="GSI3SK")
    gsi4pk = UnicodeAttribute(null=True, attr_name="GSI4PK")
    gsi4sk = NumberAttribute(null=True, attr_name="GSI4SK")
    gsi5pk = UnicodeAttribute(null=True, attr_name="GSI5PK")
    gsi5sk = NumberAttribute(null=True, attr_name="GSI5SK")
    gsi1 = Gsi1()
    gsi2 = Gsi2()
    gsi3 = Gsi3()
    gsi4 = Gsi4()
    gsi5 = Gsi5()

    @classmethod
    def _get_connection(cls):
        """Every model shares one DynamoDB client (PynamoDB would make one per model: slow cold starts)."""
        table_connection = super()._get_connection()
        shared = _shared_connection()
        if table_connection.connection is not shared:
            if cls.Meta.table_name not in shared._tables:
                shared.add_meta_table(table_connection.connection.get_meta_table(cls.Meta.table_name))
            table_connection.connection = shared
        return table_connection


def _subclasses(cls: type[TableModel]) -> list[type[TableModel]]:
    found: list[type[TableModel]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def bind(table_name: str, endpoint: str | None, region: str) -> None:
    """Point every model at ``table_name`` (on ``endpoint``, or AWS when None) and drop cached connections."""
    TableModel.Meta.table_name = table_name
    TableModel.Meta.host = endpoint
    TableModel.Meta.region = region
    models: list[type[TableModel]] = [TableModel, *_subclasses(TableModel)]
    for model in models:
        model._connection = None
    global _connection
    _connection = None


_connection: Connection | None = None


def _shared_connection() -> Connection:
    global _connection
    if _connection is None:
        _connection = Connection(region=TableModel.Meta.region, host=TableModel.Meta.host, max_pool_connections=64)
    return _connection


def transaction() -> TransactWrite:
    """A write transaction on the bound table's endpoint (all-or-nothing, conditions checked together)."""
    return TransactWrite(connection=_shared_connection())


class CounterItem(TableModel):
    value = NumberAttribute(default=0)


class MemberItem(TableModel):
    member_id = NumberAttribute(attr_name="id")
    email = UnicodeAttribute()
    social_type = UnicodeAttribute(attr_name="socialType")
    role = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    nickname = UnicodeAttribute()
    nickname_updated_at = UTCDateTimeAttribute(null=True, attr_name="nicknameUpdatedAt")
    provider_user_id = UnicodeAttribute(null=True, attr_name="providerUserId")
    profile_image = UnicodeAttribute(null=True, attr_name="profileImage")
    # The member's refresh-token family (docs/decisions.md): the current token's hash, the one it was rotated from
    # and when, and the family's id. Only hashes are stored.
    refresh_token_hash = UnicodeAttribute(null=True, attr_name="refreshTokenHash")
    previous_refresh_token_hash = UnicodeAttribute(null=True, attr_name="previousRefreshTokenHash")
    refresh_rotated_at = NumberAttribute(null=True, attr_name="refreshTokenRotatedAt")  # epoch seconds
    refresh_family = UnicodeAttribute(null=True, attr_name="refreshTokenFamily")
    is_deleted = BooleanAttribute(default=False, attr_name="isDeleted")
    deleted_at = UTCDateTimeAttribute(null=True, attr_name="deletedAt")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    pick_total_count = NumberAttribute(default=0, attr_name="pickTotalCount")
    subscription_total_count = NumberAttribute(default=0, attr_name="subscriptionTotalCount")
    pick_comment_count = NumberAttribute(default=0, attr_name="pickCommentCount")  # not deleted, replies included
    tech_comment_count = NumberAttribute(default=0, attr_name="techCommentCount")


class LoginItem(TableModel):
    member_id = NumberAttribute(attr_name="memberId")


class AnonymousMemberItem(TableModel):
    """Stored twice: by the header string (find-or-create) and by the numeric id (display)."""

    anonymous_id = NumberAttribute(attr_name="id")
    header_id = UnicodeAttribute(attr_name="anonymousMemberId")
    nickname = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(attr_name="createdAt")


class RateWindowItem(TableModel):
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE)


class ServiceItem(TableModel):
    """A server-to-server client: only a SHA-256 of its api-key is stored."""

    name = UnicodeAttribute()
    api_key_hash = UnicodeAttribute(attr_name="apiKeyHash")
    signing_secret = UnicodeAttribute(null=True, attr_name="signingSecret")
    require_signature = BooleanAttribute(default=False, attr_name="requireSignature")


class SignedRequestItem(TableModel):
    """A signed request already served: a second one with the same signature is a replay."""

    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE)


class CompanyItem(TableModel):
    company_id = NumberAttribute(attr_name="id")
    name = UnicodeAttribute()
    official_url = UnicodeAttribute(null=True, attr_name="officialUrl")
    official_image_url = UnicodeAttribute(null=True, attr_name="officialImageUrl")
    career_url = UnicodeAttribute(null=True, attr_name="careerUrl")
    industry = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    article_total_count = NumberAttribute(default=0, attr_name="techArticleTotalCount")


class ArticleItem(TableModel):
    article_id = NumberAttribute(attr_name="id")
    elastic_id = UnicodeAttribute(attr_name="elasticId")
    company_id = NumberAttribute(attr_name="companyId")
    title = UnicodeAttribute()
    contents = UnicodeAttribute(null=True)
    author = UnicodeAttribute(null=True)
    reg_date = UnicodeAttribute(attr_name="regDate")  # yyyy-MM-dd
    tech_article_url = UnicodeAttribute(attr_name="techArticleUrl")
    thumbnail_url = UnicodeAttribute(null=True, attr_name="thumbnailUrl")
    view_total_count = NumberAttribute(default=0, attr_name="viewTotalCount")
    recommend_total_count = NumberAttribute(default=0, attr_name="recommendTotalCount")
    comment_total_count = NumberAttribute(default=0, attr_name="commentTotalCount")
    popular_score = NumberAttribute(default=0, attr_name="popularScore")
    origin_comment_count = NumberAttribute(default=0, attr_name="originCommentCount")  # top-level, not deleted
    created_at = UTCDateTimeAttribute(attr_name="createdAt")


class BookmarkItem(TableModel):
    """A member's bookmark; while active it sits in the member's three bookmark orders (GSI1–3) and in the
    article's bookmark list (GSI4)."""

    member_id = NumberAttribute(attr_name="memberId")
    article_id = NumberAttribute(attr_name="articleId")
    status = BooleanAttribute()
    modified_at = UTCDateTimeAttribute(attr_name="lastModifiedAt")


class RecommendItem(TableModel):
    """A recommend of an article by a member or an anonymous member (status toggles)."""

    article_id = NumberAttribute(attr_name="articleId")
    status = BooleanAttribute()
    modified_at = UTCDateTimeAttribute(attr_name="lastModifiedAt")


class SubscriptionItem(TableModel):
    subscription_id = NumberAttribute(attr_name="id")
    member_id = NumberAttribute(attr_name="memberId")
    company_id = NumberAttribute(attr_name="companyId")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")


class ArticleUrlItem(TableModel):
    article_id = NumberAttribute(attr_name="articleId")


class ImageRefAttribute(MapAttribute):
    """An image attached to a pick option, as the detail page shows it."""

    image_id = NumberAttribute(attr_name="id")
    image_url = UnicodeAttribute(attr_name="imageUrl")
    image_key = UnicodeAttribute(attr_name="imageKey")


class PickOptionAttribute(MapAttribute):
    """One of a pick's two options. Its vote count is a top-level attribute of the pick (``ADD`` needs that)."""

    option_id = NumberAttribute(attr_name="id")
    title = UnicodeAttribute()
    content = UnicodeAttribute(null=True)
    images = ListAttribute(of=ImageRefAttribute, default=list)


class PickItem(TableModel):
    """A pick. Counters, the popular score and the list sort keys move together in one update."""

    pick_id = NumberAttribute(attr_name="id")
    title = UnicodeAttribute()
    member_id = NumberAttribute(attr_name="memberId")
    content_status = UnicodeAttribute(attr_name="contentStatus")
    first_option = PickOptionAttribute(attr_name="firstPickOption")
    second_option = PickOptionAttribute(attr_name="secondPickOption")
    first_option_votes = NumberAttribute(default=0, attr_name="firstPickOptionVotes")
    second_option_votes = NumberAttribute(default=0, attr_name="secondPickOptionVotes")
    vote_total_count = NumberAttribute(default=0, attr_name="voteTotalCount")
    view_total_count = NumberAttribute(default=0, attr_name="viewTotalCount")
    comment_total_count = NumberAttribute(default=0, attr_name="commentTotalCount")
    popular_score = NumberAttribute(default=0, attr_name="popularScore")
    blame_total_count = NumberAttribute(default=0, attr_name="blameTotalCount")
    origin_comment_count = NumberAttribute(default=0, attr_name="originCommentCount")  # top-level, not deleted
    # Comments shown under the pick-option filter: top-level comments public with that option, and their replies.
    first_option_comments = NumberAttribute(default=0, attr_name="firstPickOptionComments")
    second_option_comments = NumberAttribute(default=0, attr_name="secondPickOptionComments")
    # Views are counted on the pick's view counter (ViewCounterItem) and folded into viewTotalCount, popularScore and
    # the sort keys now and then (store/picks.py): viewsFolded is how many of the counter's views are in them.
    views_folded = NumberAttribute(default=0, attr_name="viewsFolded")
    folded_at = UTCDateTimeAttribute(null=True, attr_name="viewsFoldedAt")
    revision = NumberAttribute(default=0)  # bumped by content edits (optimistic locking of titles and images)
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    modified_at = UTCDateTimeAttribute(null=True, attr_name="modifiedAt")


class ViewCounterItem(TableModel):
    """Every view of a pick ever counted (``ADD``): one small item outside every index, so a view costs 1 WCU."""

    views = NumberAttribute(default=0)


class PickEmbeddingItem(TableModel):
    """A pick's title embedding: little-endian float32 bytes (a quarter of a JSON list's size), with its model and
    the hash of the title it was made from."""

    pick_id = NumberAttribute(attr_name="pickId")
    vector = BinaryAttribute(legacy_encoding=False)
    dimensions = NumberAttribute()
    model = UnicodeAttribute()
    title_hash = UnicodeAttribute(attr_name="titleHash")
    embedded_at = UTCDateTimeAttribute(attr_name="embeddedAt")


class EmbeddingRequestItem(TableModel):
    """A title waiting for its embedding; the failure of its last try, if any."""

    pick_id = NumberAttribute(attr_name="pickId")
    revision = NumberAttribute()
    title_hash = UnicodeAttribute(attr_name="titleHash")
    requested_at = UTCDateTimeAttribute(attr_name="requestedAt")
    error = UnicodeAttribute(null=True)
    cause = UnicodeAttribute(null=True)
    failed_at = UTCDateTimeAttribute(null=True, attr_name="failedAt")
    failures = NumberAttribute(default=0)


class PickVoteItem(TableModel):
    """The active vote of one voter on one pick (switching rewrites it; there is no un-voting)."""

    vote_id = NumberAttribute(attr_name="id")
    pick_id = NumberAttribute(attr_name="pickId")
    option_type = UnicodeAttribute(attr_name="pickOptionType")
    option_id = NumberAttribute(attr_name="pickOptionId")
    member_id = NumberAttribute(null=True, attr_name="memberId")
    anonymous_member_id = NumberAttribute(null=True, attr_name="anonymousMemberId")
    voted_at = UTCDateTimeAttribute(attr_name="votedAt")


class PickImageItem(TableModel):
    """An uploaded pick option image. Unattached ones expire (TTL here, an S3 lifecycle rule on the object)."""

    image_id = NumberAttribute(attr_name="id")
    member_id = NumberAttribute(attr_name="memberId")
    name = UnicodeAttribute()  # firstPickOptionImage | secondPickOptionImage
    image_key = UnicodeAttribute(attr_name="imageKey")
    image_url = UnicodeAttribute(attr_name="imageUrl")
    content_type = UnicodeAttribute(attr_name="contentType")
    size = NumberAttribute(null=True)
    verified = BooleanAttribute(default=False)  # bytes checked (at upload, or when a presigned upload is attached)
    pick_id = NumberAttribute(null=True, attr_name="pickId")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    expires_at = TTLAttribute(null=True, attr_name=TTL_ATTRIBUTE)


class CommentItem(TableModel):
    """A comment or reply on a pick (``kind`` PICK) or tech article (TECH), in its post's partition.

    Written by a member xor an anonymous member; deleted comments stay (soft delete) with who deleted them."""

    comment_id = NumberAttribute(attr_name="id")
    kind = UnicodeAttribute()
    post_id = NumberAttribute(attr_name="postId")
    contents = UnicodeAttribute()
    member_id = NumberAttribute(null=True, attr_name="memberId")
    anonymous_member_id = NumberAttribute(null=True, attr_name="anonymousMemberId")
    origin_id = NumberAttribute(null=True, attr_name="originParentId")  # None: a top-level comment
    parent_id = NumberAttribute(null=True, attr_name="parentId")
    parent_member_id = NumberAttribute(null=True, attr_name="parentMemberId")
    parent_anonymous_member_id = NumberAttribute(null=True, attr_name="parentAnonymousMemberId")
    voted_option_type = UnicodeAttribute(null=True, attr_name="votedPickOption")  # public pick comments only
    recommend_total_count = NumberAttribute(default=0, attr_name="recommendTotalCount")
    reply_total_count = NumberAttribute(default=0, attr_name="replyTotalCount")
    blame_total_count = NumberAttribute(default=0, attr_name="blameTotalCount")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    contents_modified_at = UTCDateTimeAttribute(null=True, attr_name="contentsLastModifiedAt")
    deleted_at = UTCDateTimeAttribute(null=True, attr_name="deletedAt")
    deleted_by = UnicodeAttribute(null=True, attr_name="deletedBy")  # AUTHOR | ADMIN


class CommentRecommendItem(TableModel):
    """A member's recommend of a comment (status toggles)."""

    comment_id = NumberAttribute(attr_name="commentId")
    status = BooleanAttribute()
    modified_at = UTCDateTimeAttribute(attr_name="lastModifiedAt")


class BlameItem(TableModel):
    """A member's blame of one target; the key makes it one per member and target."""

    blame_id = NumberAttribute(attr_name="id")
    member_id = NumberAttribute(attr_name="memberId")
    blame_type_id = NumberAttribute(attr_name="blameTypeId")
    pick_id = NumberAttribute(null=True, attr_name="pickId")
    pick_comment_id = NumberAttribute(null=True, attr_name="pickCommentId")
    tech_article_id = NumberAttribute(null=True, attr_name="techArticleId")
    tech_comment_id = NumberAttribute(null=True, attr_name="techCommentId")
    custom_reason = UnicodeAttribute(null=True, attr_name="customReason")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")


class BlameTypeItem(TableModel):
    blame_type_id = NumberAttribute(attr_name="id")
    reason = UnicodeAttribute()
    sort_order = NumberAttribute(attr_name="sortOrder")


class SurveyItem(TableModel):
    """The current exit survey: ``questions`` is a list of {id, title, content, sortOrder, options:[...]}."""

    version_id = NumberAttribute(attr_name="surveyVersionId")
    version_name = UnicodeAttribute(attr_name="versionName")
    questions = JSONAttribute()


class SurveyAnswerItem(TableModel):
    """One answer to one exit-survey question: the chosen options, each with an optional custom message."""

    question_id = NumberAttribute(attr_name="questionId")
    options = JSONAttribute()  # [{"id": 3, "message": "..." | null}]
    answered_at = UTCDateTimeAttribute(attr_name="answeredAt")


class NicknameWordsItem(TableModel):
    words = ListAttribute(of=UnicodeAttribute)


class KeywordShardItem(TableModel):
    """One hash shard of the auto-complete keywords: a string set grown with ``ADD`` (idempotent, concurrent-safe)."""

    keywords = UnicodeSetAttribute(default=set)


class NotificationItem(TableModel):
    """A member's notification. While unread it is in GSI1 ``MEMBER#<id>#UNREAD`` (removed when read)."""

    notification_id = NumberAttribute(attr_name="id")
    member_id = NumberAttribute(attr_name="memberId")
    type = UnicodeAttribute()
    message = UnicodeAttribute()
    is_read = BooleanAttribute(default=False, attr_name="isRead")
    company_id = NumberAttribute(null=True, attr_name="companyId")
    tech_article_id = NumberAttribute(null=True, attr_name="techArticleId")
    pick_id = NumberAttribute(null=True, attr_name="pickId")
    comment_id = NumberAttribute(null=True, attr_name="commentId")  # the reply that caused it
    parent_comment_id = NumberAttribute(null=True, attr_name="parentCommentId")  # the member's own comment
    origin_comment_id = NumberAttribute(null=True, attr_name="originCommentId")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")


class UnreadCountItem(TableModel):
    """A member's unread notifications counted by type (``MEMBER#<id>`` / ``UNREAD``), moved in the same transactions
    that create and read them. ``changes`` grows by one with each such transaction; ``complete`` is set once the
    notifications written before the counter existed are counted in (``NotificationRepository.unread_count``)."""

    subscription = NumberAttribute(null=True, attr_name="SUBSCRIPTION")
    comment_and_reply = NumberAttribute(null=True, attr_name="COMMENT_AND_REPLY")
    changes = NumberAttribute(null=True)
    complete = BooleanAttribute(null=True)


class PublicationItem(TableModel):
    """An article already announced to its company's subscribers, and the notification id it was given."""

    notification_id = NumberAttribute(attr_name="notificationId")
    published_at = UTCDateTimeAttribute(attr_name="publishedAt")


class ConnectionItem(TableModel):
    """A live connection of a member: ``websocket`` (API Gateway, with its management endpoint) or ``sse``."""

    connection_id = UnicodeAttribute(attr_name="connectionId")
    member_id = NumberAttribute(attr_name="memberId")
    transport = UnicodeAttribute()
    endpoint = UnicodeAttribute(null=True)
    types = UnicodeSetAttribute(null=True)  # the notification types the client asked for (absent: SUBSCRIPTION)
    connected_at = UTCDateTimeAttribute(attr_name="connectedAt")
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE)


class LiveMessageItem(TableModel):
    """A live message waiting for an SSE connection to take it."""

    payload = UnicodeAttribute()
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE)
