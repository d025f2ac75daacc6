"""Every key format of the table, in one module. Only repositories use it.

Layout (PK / SK):
- ``SEQ#<name>`` / ``SEQ``                      id counters (ids are integers below 2^53)
- ``MEMBER#<id>`` / ``PROFILE``                  a member
- ``LOGIN#<socialType>#<email>`` / ``LOGIN``     the login of a live member → its id (deleted when it exits)
- ``ANON#<header id>`` / ``ANON``                an anonymous member by the client's ``Anonymous-Member-Id``
- ``ANONMEMBER#<id>`` / ``PROFILE``              the same anonymous member by its numeric id
- ``RATE#<ip>#<minute>`` / ``RATE``              a rate-limit window: the IP's total and one counter per client (TTL)
- ``AUTHFAIL#<subject>#<minute>`` / ``AUTHFAIL``  failed crawler authentications of a service or an IP (TTL)
- ``SERVICE#<name>`` / ``SERVICE``               a server-to-server client (the crawler) and its key hash
- ``SIGNED#<service>#<signature>`` / ``SIGNED``  a signed request already served (replays refused; TTL)
- ``COMPANY#<id>`` / ``PROFILE``                 a company; GSI1 ``COMPANIES`` / id lists them id-descending
- ``ARTICLE#<id>`` / ``ARTICLE``                 a tech article; GSI5 ``ARTICLES`` / id lists them all (reindexing)
- ``ARTICLE_URL#<url>`` / ``ARTICLE_URL``        uniqueness of an article's URL → its id
- ``PICK#<id>`` / ``PICK``                       a pick with its two options (counters, images inline)
- ``PICK#<id>`` / ``VIEWS``                      the pick's view counter (1 KB, in no index: a view writes only it)
- ``PICK#<id>`` / ``VOTE#<M|A><voter id>``       the one active vote of a member (M) or anonymous member (A)
                                                 Everything that belongs to a pick lives in its partition, so
                                                 deleting a pick is one Query plus batched deletes.
- ``PICK#<id>`` / ``EMBEDDING``                  the pick's title embedding (float32 bytes, its model, the title's hash)
      GSI1 ``PICK_EMBEDDINGS`` / pick id          while the pick is APPROVAL: the similar-pick candidates, latest first
- ``PICK#<id>`` / ``EMBEDDING_REQUEST#<revision:010d>``  a title waiting for its embedding (written with the pick's
                                                 create or title change; its INSERT starts the pipeline; deleted
                                                 once embedded; a failure is recorded on it)
      GSI1 ``EMBEDDING_REQUESTS`` / pick id        every waiting or failed request (the backfill reads it)
- ``PICK_EMBEDDINGS`` / ``VERSION``              a counter bumped whenever the candidates change (cache freshness)
- ``IMAGE#<id>`` / ``IMAGE``                     an uploaded pick option image (who uploaded it, its S3 key)
- ``BLAME_TYPES`` / ``<sortOrder:06d>#<id>``     the blame reasons, in display order
- ``SURVEY`` / ``CURRENT``                       the current exit-survey version (questions and options inline)
- ``NICKNAME_WORDS`` / ``<ADVERB|ADJECTIVE|NOUN>`` the random-nickname dictionary, one item per word type
- ``MEMBER#<id>`` / ``BOOKMARK#<articleId>``      a member's bookmark of an article (status toggles)
- ``MEMBER#<id>`` / ``SUBSCRIPTION#<companyId>`` a member's subscription to a company
- ``ARTICLE#<id>`` / ``RECOMMEND#<M|A><id>``     a member's or anonymous member's recommend of an article
- ``MEMBER#<id>`` / ``SURVEY_ANSWER#<version>#<question>#<answer id>``  exit-survey answers (append-only)
- ``KEYWORDS`` / ``SHARD#<n>``                   auto-complete keywords: a string set per hash shard
- ``KEYWORDS_VERSION`` / ``VERSION``             a counter bumped after every write of keywords (cache freshness)
- ``KEYWORDS_VERSION`` / ``CHANGE#<version:012d>``  the keywords that write of keywords added (a change log)
- ``PICK#<id>`` or ``ARTICLE#<id>`` / ``COMMENT#<id>``  a comment or reply on a pick or article (its post's partition)
      GSI1 ``COMMENTS#<kind>#<post>`` / id         top-level comments by id (LATEST, OLDEST)
      GSI2 (same partition) / recommends·10^16+id  top-level comments MOST_LIKED (and the best comments)
      GSI3 (same partition) / replies·10^16+id     top-level comments MOST_COMMENTED
      GSI4 ``THREAD#<kind>#<origin>`` / id         the replies of one top-level comment, oldest first
      GSI5 ``MEMBER#<id>#COMMENTS#<kind>`` / id    a member's comments that are not deleted (my comments)
- ``PICK#<id>`` or ``ARTICLE#<id>`` / ``COMMENT_RECOMMEND#<comment>#M<member>``  a member's recommend of a comment
- ``MEMBER#<id>`` / ``BLAME#<target>``           a member's one blame of a pick, pick comment or tech comment
- ``MEMBER#<id>`` / ``NOTIFICATION#<id:016d>``   a member's notification (the id orders them, newest last)
      GSI1 ``MEMBER#<id>#UNREAD`` / id             while unread (read-all reads it)
- ``MEMBER#<id>`` / ``UNREAD``                   the member's unread notifications counted by type (moved in the
                                                 transactions that create and read them); ``UNREAD#<0-7>`` what
                                                 read-all's parallel transactions took off (the count is their sum)
- ``COMPANY#<id>`` / ``PUBLISHED#<articleId>``   an article already announced, with its notification id
- ``CONNECTION#<id>`` / ``CONNECTION``          a live connection (WebSocket, or SSE on the local stack), with a TTL
      GSI1 ``CONNECTED`` / member id               every live connection by member (fan-out finds the connected
                                                   subscribers of a page of member ids in one Query)
- ``LIVE#<connection>`` / ``MSG#<n>``            a live message waiting for an SSE connection, with a TTL
"""

from __future__ import annotations


def counter(name: str) -> tuple[str, str]:
    return f"SEQ#{name}", "SEQ"


def member(member_id: int) -> tuple[str, str]:
    return f"MEMBER#{member_id}", "PROFILE"


def login(social_type: str, email: str) -> tuple[str, str]:
    return f"LOGIN#{social_type}#{email.lower()}", "LOGIN"


def anonymous_by_header(header_id: str) -> tuple[str, str]:
    return f"ANON#{header_id}", "ANON"


def anonymous_member(anonymous_id: int) -> tuple[str, str]:
    return f"ANONMEMBER#{anonymous_id}", "PROFILE"


def rate_window(source_ip: str, minute: int) -> tuple[str, str]:
    return f"RATE#{source_ip}#{minute}", "RATE"


def auth_failures(subject: str, minute: int) -> tuple[str, str]:
    return f"AUTHFAIL#{subject}#{minute}", "AUTHFAIL"


def service(name: str) -> tuple[str, str]:
    return f"SERVICE#{name}", "SERVICE"


def signed_request(service_name: str, signature: str) -> tuple[str, str]:
    return f"SIGNED#{service_name}#{signature}", "SIGNED"


def company(company_id: int) -> tuple[str, str]:
    return f"COMPANY#{company_id}", "PROFILE"


COMPANIES_LIST = "COMPANIES"


ARTICLES_LIST = "ARTICLES"


def article(article_id: int) -> tuple[str, str]:
    return f"ARTICLE#{article_id}", "ARTICLE"


def article_url(url: str) -> tuple[str, str]:
    return f"ARTICLE_URL#{url}", "ARTICLE_URL"


def pick(pick_id: int) -> tuple[str, str]:
    return f"PICK#{pick_id}", "PICK"


def pick_partition(pick_id: int) -> str:
    return f"PICK#{pick_id}"


def id_of(partition: str) -> int:
    """The id of an item's partition key (``PICK#7``, ``ARTICLE#7``, ``COMPANY#7``: 7)."""
    return int(partition.rsplit("#", 1)[1])


def pick_views(pick_id: int) -> tuple[str, str]:
    """The pick's view counter: every view ever counted (the pick item holds how many of them it has folded in)."""
    return f"PICK#{pick_id}", "VIEWS"


def pick_vote(pick_id: int, voter: str) -> tuple[str, str]:
    """``voter`` is ``M<member id>`` or ``A<anonymous member id>``."""
    return f"PICK#{pick_id}", f"VOTE#{voter}"


EMBEDDING_REQUEST_PREFIX = "EMBEDDING_REQUEST#"
PICK_EMBEDDINGS = "PICK_EMBEDDINGS"  # GSI1: embeddings of APPROVAL picks, by pick id
EMBEDDING_REQUESTS = "EMBEDDING_REQUESTS"  # GSI1: embedding requests waiting or failed, by pick id


def pick_embedding(pick_id: int) -> tuple[str, str]:
    return f"PICK#{pick_id}", "EMBEDDING"


def embedding_request(pick_id: int, revision: int) -> tuple[str, str]:
    return f"PICK#{pick_id}", f"{EMBEDDING_REQUEST_PREFIX}{revision:010d}"


def embeddings_version() -> tuple[str, str]:
    return PICK_EMBEDDINGS, "VERSION"


def image(image_id: int) -> tuple[str, str]:
    return f"IMAGE#{image_id}", "IMAGE"


# List keys (GSI partition values). Sort keys are numbers ordered as the list: ``value * SCORE_SHIFT + id`` keeps
# "value desc, id desc" in one Number (ids are below 2^53 < 10^16; DynamoDB numbers hold 38 digits).
SCORE_SHIFT = 10**16
PICKS_LIST = "PICKS"  # GSI1 by id (LATEST), GSI2 popular, GSI3 views, GSI4 comments; APPROVAL picks only
UNATTACHED_IMAGES = "UNATTACHED_IMAGES"  # GSI1 by expiry (epoch seconds): uploads no pick uses yet


def member_picks(member_id: int) -> str:
    """GSI5 partition of a member's own picks (every status), by id."""
    return f"MEMBER#{member_id}#PICKS"


def ranked(value: int, item_id: int) -> int:
    """The numeric sort key of ``value`` desc, then ``item_id`` desc."""
    return value * SCORE_SHIFT + item_id


BLAME_TYPES = "BLAME_TYPES"


def blame_type(sort_order: int, blame_type_id: int) -> tuple[str, str]:
    return BLAME_TYPES, f"{sort_order:06d}#{blame_type_id}"


def current_survey() -> tuple[str, str]:
    return "SURVEY", "CURRENT"


def bookmark(member_id: int, article_id: int) -> tuple[str, str]:
    return f"MEMBER#{member_id}", f"BOOKMARK#{article_id}"


def subscription(member_id: int, company_id: int) -> tuple[str, str]:
    return f"MEMBER#{member_id}", f"SUBSCRIPTION#{company_id}"


def article_recommend(article_id: int, actor: str) -> tuple[str, str]:
    """``actor`` is ``M<member id>`` or ``A<anonymous member id>``."""
    return f"ARTICLE#{article_id}", f"RECOMMEND#{actor}"


def member_bookmarks(member_id: int, order: str) -> str:
    """GSI partition of a member's active bookmarks in one order (GSI1 BOOKMARKED, GSI2 LATEST, GSI3 COMMENTED)."""
    return f"MEMBER#{member_id}#BOOKMARKS#{order}"


def article_bookmarks(article_id: int) -> str:
    """GSI4 partition of an article's active bookmarks (to refresh their copy of its comment count)."""
    return f"ARTICLE#{article_id}#BOOKMARKS"


def member_subscriptions(member_id: int) -> str:
    """GSI1 partition of a member's subscriptions, by company id."""
    return f"MEMBER#{member_id}#SUBSCRIPTIONS"


def company_subscribers(company_id: int) -> str:
    """GSI2 partition of a company's subscribers, by member id (the notification fan-out reads it)."""
    return f"COMPANY#{company_id}#SUBSCRIBERS"


def survey_answer(member_id: int, version_id: int, question_id: int, answer_id: int) -> tuple[str, str]:
    return f"MEMBER#{member_id}", f"{survey_answers_prefix(version_id)}{question_id}#{answer_id}"


def survey_answers_prefix(version_id: int) -> str:
    return f"SURVEY_ANSWER#{version_id}#"


def nickname_words(word_type: str) -> tuple[str, str]:
    return "NICKNAME_WORDS", word_type


KEYWORDS = "KEYWORDS"


def keyword_shard(shard: int) -> tuple[str, str]:
    """One shard of the auto-complete keywords (all shards share the partition ``KEYWORDS``: one Query reads all)."""
    return KEYWORDS, f"SHARD#{shard}"


KEYWORDS_VERSION = "KEYWORDS_VERSION"


def keyword_version() -> tuple[str, str]:
    """The counter bumped after every write of auto-complete keywords (outside ``KEYWORDS``, which one Query reads)."""
    return KEYWORDS_VERSION, "VERSION"


def keyword_change(version: int) -> tuple[str, str]:
    """The keywords added by the write that moved the counter to ``version`` (sorted by version in the partition)."""
    return KEYWORDS_VERSION, f"CHANGE#{version:012d}"


PICK_COMMENTS, TECH_COMMENTS = "PICK", "TECH"  # the two kinds of comment


def post_partition(kind: str, post_id: int) -> str:
    """The partition of a comment's post: its pick's or its article's."""
    return f"PICK#{post_id}" if kind == PICK_COMMENTS else f"ARTICLE#{post_id}"


def comment(kind: str, post_id: int, comment_id: int) -> tuple[str, str]:
    return post_partition(kind, post_id), f"COMMENT#{comment_id}"


def comment_recommend(kind: str, post_id: int, comment_id: int, member_id: int) -> tuple[str, str]:
    return post_partition(kind, post_id), f"COMMENT_RECOMMEND#{comment_id}#M{member_id}"


def post_comments(kind: str, post_id: int) -> str:
    """GSI1–3 partition of a post's top-level comments."""
    return f"COMMENTS#{kind}#{post_id}"


def comment_thread(kind: str, origin_id: int) -> str:
    """GSI4 partition of the replies under one top-level comment."""
    return f"THREAD#{kind}#{origin_id}"


def member_comments(member_id: int, kind: str) -> str:
    """GSI5 partition of a member's comments of one kind that are not deleted."""
    return f"MEMBER#{member_id}#COMMENTS#{kind}"


def blame(member_id: int, target: str) -> tuple[str, str]:
    """``target``: ``PICK#<pick>``, ``PICK_COMMENT#<pick>#<comment>`` or ``TECH_COMMENT#<article>#<comment>``."""
    return f"MEMBER#{member_id}", f"BLAME#{target}"


def notification(member_id: int, notification_id: int) -> tuple[str, str]:
    return f"MEMBER#{member_id}", f"NOTIFICATION#{notification_id:016d}"


NOTIFICATION_PREFIX = "NOTIFICATION#"
CONNECTED = "CONNECTED"  # GSI1 partition of every live connection, by member id


def member_partition(member_id: int) -> str:
    return f"MEMBER#{member_id}"


UNREAD_COUNT = "UNREAD"


def unread_count(member_id: int, lane: int | None = None) -> tuple[str, str]:
    """The member's unread counter, or one of the items read-all's parallel transactions take their counts off."""
    return f"MEMBER#{member_id}", UNREAD_COUNT if lane is None else f"{UNREAD_COUNT}#{lane}"


def unread_notifications(member_id: int) -> str:
    """GSI1 partition of a member's unread notifications, by id."""
    return f"MEMBER#{member_id}#UNREAD"


def publication(company_id: int, article_id: int) -> tuple[str, str]:
    return f"COMPANY#{company_id}", f"PUBLISHED#{article_id}"


def connection(connection_id: str) -> tuple[str, str]:
    return f"CONNECTION#{connection_id}", "CONNECTION"


def live_inbox(connection_id: str) -> str:
    return f"LIVE#{connection_id}"


def live_message(connection_id: str, sequence: int) -> tuple[str, str]:
    return live_inbox(connection_id), f"MSG#{sequence:020d}"
