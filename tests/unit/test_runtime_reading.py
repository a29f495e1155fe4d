"""``Runtime.reading()``: the sessions a page opens share one connection and transaction
(one pool checkout for all), keep the reader's scope, see what is committed, and refuse
to commit, so that no write is lost in the shared transaction's rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from tests import programme_fixtures as pf
from workflow.persistence.models import CaseRow
from workflow.programme.staff import AddStaff
from workflow.runtime import WriteWhileReading
from workflow.services import handle


def test_sessions_share_one_connection_and_keep_the_scope(sqlite_runtime):
    rt = sqlite_runtime
    own = pf.register(rt, family_name="Սարգսյան", phone="+374 91 900001")
    handle(
        rt, AddStaff(username="sw-other", full_name="Այլ Աշխատող", role="social_worker", actor="t")
    )
    other = pf.register(rt, actor="sw-other", family_name="Պողոսյան", phone="+374 91 900002")
    reader = rt.acting_for(pf.SOCIAL_WORKER)
    checkouts: list[object] = []
    event.listen(rt.engine, "checkout", lambda *args: checkouts.append(args))
    with reader.reading() as reading:
        seen = []
        for _ in range(5):
            with reading.session_factory() as session:
                seen.append(set(session.scalars(select(CaseRow.id))))
    assert len(checkouts) == 1
    # The colleague's case of no shared community stays outside the scope.
    assert seen == [{own}] * 5 and other not in seen[0]


def test_a_commit_is_refused_and_nothing_is_written(sqlite_runtime):
    rt = sqlite_runtime
    case_id = pf.register(rt, family_name="Սարգսյան", phone="+374 91 900001")
    with rt.reading() as reading:
        with reading.session_factory() as session:
            session.get(CaseRow, case_id).family_name = "Փոխված"
            with pytest.raises(WriteWhileReading, match="tried to commit"):
                session.commit()
        # A later session of the same page still reads.
        with reading.session_factory() as session:
            assert session.get(CaseRow, case_id) is not None
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).family_name != "Փոխված"


def test_it_reads_what_was_committed_before_and_during_the_page(sqlite_runtime):
    rt = sqlite_runtime
    first = pf.register(rt, family_name="Առաջին", phone="+374 91 900003")
    with rt.reading() as reading, reading.session_factory() as session:
        assert session.scalars(select(CaseRow.id)).all() == [first]
    second = pf.register(rt, family_name="Երկրորդ", phone="+374 91 900004")
    with rt.reading() as reading, reading.session_factory() as session:
        assert session.scalars(select(CaseRow.id).order_by(CaseRow.id)).all() == [
            first,
            second,
        ]
