"""The caseload of a scope with several parts on PostgreSQL, whose planner the part-by-part
statement is written for: every sort, filter and page is what the scope's union finds
(the scene and the checks of ``tests/web/test_caseload_scope_parts.py``)."""

from __future__ import annotations

from tests.web.test_caseload_scope_parts import build_scene, check_every_listing


def test_every_sort_filter_and_page_is_what_the_union_finds(
    clean_db, clean_redis, runtime_for, monkeypatch
):
    rt = runtime_for(clean_db, clean_redis)
    check_every_listing(rt, build_scene(rt), monkeypatch)
