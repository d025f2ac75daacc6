"""A small run of ``bench/search.py`` (so it cannot rot): the same pages as the every-match order it compares with,
and the structural goal: a page reads about ``size + 1`` documents whatever the number of matches."""

from __future__ import annotations

from bench.search import _keyword_figures, _search_figures


def test_a_small_search_bench_reads_pages_not_matches() -> None:
    figures = _search_figures([500, 2000], rounds=1)  # also asserts each page equals the every-match page
    for name, case in figures.items():
        if "HIGHEST_SCORE" in name:
            continue  # relevance reads its rank and the tie group of its last score (tests/search/test_top_k.py)
        for articles in (500, 2000):
            # size + 1 (LATEST), + the boundary's ties (counters), + scores (with a keyword), + the count on a cursor page
            assert case["read"][articles] <= 3 * 21 + 1, (name, articles)
        if "no keyword" in name or "common word" in name:
            assert case["matches"][2000] >= 4 * case["matches"][500] > 200
            assert case["read"][2000] <= case["read"][500] + 21, name


def test_a_small_keyword_bench_updates_in_place() -> None:
    figures = _keyword_figures([1000])  # asserts the updated index holds what a built one would
    assert set(figures) == {"build", "add", "remove", "suggest"}
    assert all(figures[kind][1000] > 0 for kind in figures)
