"""The per-request tax benchmark, small: on a warm instance an ordinary list request pays nothing for the rate limit
or for finding its caller."""

from __future__ import annotations

import pytest

from bench.request_tax import PAGES, measure

pytestmark = pytest.mark.integration

# The pages that render the member's own counters (their totals) and read the member item for them.
READ_THE_MEMBER = {"my picks", "my comments", "my companies"}


def test_a_warm_list_request_pays_no_rate_limit_write_and_no_member_read(clocked):
    result = measure(clocked.runtime, repeats=3, amortized=20)
    pages = {(page["page"], page["caller"]): page for page in result["pages"]}
    assert len(pages) == sum(len(askers) for _, _, askers in PAGES) == 10
    for (name, caller), page in pages.items():
        tax = page["tax_per_request"]
        assert (tax["rate limit"], tax["login"], tax["anonymous"]) == (0, 0, 0), (name, caller, tax)
        assert tax["member item"] == (1 if name in READ_THE_MEMBER else 0), (name, caller, tax)
        assert "UpdateItem" not in page["by_operation"] and page["wcu_per_request"] == 0, (name, caller, page)
    # A member's picks page is the page's own reads only: no GetItem of a login.
    assert "GetItem" not in pages[("picks", "member")]["by_operation"]
    # Over 20 requests of one client the rate limit wrote twice: a block of 10 each time.
    assert result["block"] == 10
    assert result["rate_limit"]["table_calls"] == 2
