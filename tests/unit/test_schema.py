"""The indexes' projections: what is read whole from GSI1 is all projected; no index projects a counter."""

from __future__ import annotations

import pytest
from devdevdev.store.models import (
    ArticleItem,
    CommentItem,
    CompanyItem,
    ConnectionItem,
    EmbeddingRequestItem,
    NotificationItem,
    PickItem,
    TableModel,
)
from devdevdev.store.schema import GSI1_ATTRIBUTES, INDEXES, KEYS_ONLY, create_table_request

KEYS = {"PK", "SK", *(name for i in INDEXES for name in (i.partition_key, i.sort_key))}


def attribute_names(model: type[TableModel]) -> set[str]:
    return {attribute.attr_name for attribute in model.get_attributes().values()} - KEYS


@pytest.mark.parametrize("model", [CompanyItem, EmbeddingRequestItem])
def test_gsi1_projects_every_attribute_of_the_items_read_whole_from_it(model):
    assert attribute_names(model) <= set(GSI1_ATTRIBUTES)


def test_gsi1_leaves_out_the_items_read_by_their_keys_only():
    # read-all and the live push read GSI1's keys and BatchGet the rest; CloudFormation allows 20 non-key attributes
    for attribute in (NotificationItem.message, NotificationItem.is_read, ConnectionItem.transport):
        assert attribute.attr_name not in GSI1_ATTRIBUTES
    assert len(GSI1_ATTRIBUTES) <= 20


def test_no_index_projects_a_counter_or_a_view_sort_key():
    counters = {
        PickItem.view_total_count.attr_name,
        PickItem.vote_total_count.attr_name,
        PickItem.first_option_votes.attr_name,
        PickItem.second_option_votes.attr_name,
        PickItem.comment_total_count.attr_name,
        PickItem.popular_score.attr_name,
        PickItem.views_folded.attr_name,
        PickItem.folded_at.attr_name,
        CommentItem.recommend_total_count.attr_name,
        CommentItem.reply_total_count.attr_name,
        ArticleItem.view_total_count.attr_name,
        ArticleItem.recommend_total_count.attr_name,
        "views",
        "lastModifiedAt",
        "status",
    }
    for index in INDEXES:
        assert not counters & set(index.attributes), index.name


def test_the_create_request_carries_each_indexs_projection():
    request = create_table_request("t")
    projections = {i["IndexName"]: i["Projection"] for i in request["GlobalSecondaryIndexes"]}
    assert projections["GSI4"] == projections["GSI5"] == {"ProjectionType": KEYS_ONLY}
    assert projections["GSI1"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(GSI1_ATTRIBUTES)}
    assert projections["GSI2"]["NonKeyAttributes"] == ["votedPickOption", "deletedAt"]
    assert sum(len(i.attributes) for i in INDEXES) <= 100  # DynamoDB's limit across a table's indexes
