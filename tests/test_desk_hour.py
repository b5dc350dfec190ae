"""Issue 13, the leader's hour at the desk: due dates, percentages, reports,
charts and the review's tables as a leader meets them."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from coachtui.coaching import cadence
from coachtui.roster import staff
from coachtui.store import write as w
from coachtui.store.models import Feedback, Join


def ms(day: str, hour: int = 12) -> int:
    d = dt.date.fromisoformat(day)
    return int(time.mktime((d.year, d.month, d.day, hour, 0, 0, 0, 0, -1)) * 1000)


# --- 1. a join on the agreed date satisfies it ----------------------------------------


@pytest.mark.parametrize("joined_on, overdue", [("2025-03-10", False), ("2025-03-11", False), ("2025-03-09", True)])
def test_a_join_on_or_after_the_agreed_date_satisfies_it(store, joined_on, overdue):
    t = staff.save(name="Tess Teacher", support="support")
    first = w.insert_new(Join, [dict(staff_id=t, started_at=ms("2025-03-01"))])[0]
    w.insert_new(Feedback, [dict(join_id=first, staff_id=t, given_on="2025-03-01", next_join="2025-03-10")])
    w.insert_new(Join, [dict(staff_id=t, started_at=ms(joined_on))])
    due = cadence.dues(dt.date(2025, 3, 12))[t]
    assert (due.state == "overdue") is overdue
    if not overdue:
        assert due.why != "agreed join" and due.due_on > "2025-03-12"


# --- 2. one rounding for every percentage ----------------------------------------------


def test_percent_rounds_half_up_and_never_says_all_or_none_wrongly():
    from coachtui.base.numbers import percent, share

    assert percent(6, 7) == "86%" and percent(1, 8) == "13%" and percent(1, 200) == "1%"
    assert share(199, 200) == 99 and share(200, 200) == 100 and share(0, 5) == 0
    assert percent(1, 1000) == "1%" and percent(3, 0) == "n/a"


def test_roster_and_report_say_the_same_percentage(store):
    from coachtui.leader import report, review

    coach = staff.save(name="Cara Coach", roles="coach")
    for i in range(7):
        staff.save(name=f"Teacher {i}", coach_id=coach if i < 6 else None)
    cov = staff.coverage(staff.roster_rows(), 10)
    assert "(86%)" in cov.summary()
    [coverage] = [s for s in report.sections(review.build(dt.date.today()), named=True) if s.key == "coverage"]
    assert ["With a coach", 6, "86%"] in coverage.rows
