"""No-stakes privacy in lists and reports (issue 11, part A):

- formal support is never shown, sorted or filtered beside names (only on the
  teacher's own pages);
- aggregate reports and the review's patterns hide small counts;
- report files carry names as text: no raw HTML in Markdown, no bidi controls.
"""

from __future__ import annotations

import pytest
from textual.widgets import Select

from coachtui.roster import staff
from coachtui.roster.staff import Filters

# --- A1: formal support never beside a name in a list --------------------------------


@pytest.fixture
def seed(ctx):
    north = staff.site_named("North")
    coach = staff.save(name="Cara Coach", roles="teacher,coach", site_id=north)
    staff.save(name="Fay Formal", site_id=north, team="Maths", coach_id=coach, support="formal")
    staff.save(name="Sam Structured", site_id=north, team="Maths", coach_id=coach, support="structured")
    staff.save(name="Pat Plain", site_id=north, team="Maths", coach_id=coach, support="support")
    staff.save(name="Nia None", site_id=north, team="Maths", coach_id=coach)


def test_roster_rows_list_formal_support_as_structured(seed):
    levels = {r.name: r.support for r in staff.roster_rows()}
    assert levels["Fay Formal"] == levels["Sam Structured"] == "structured"
    assert "formal" not in levels.values()


def _roster_text(app) -> str:
    table = app.screen.table
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_roster_shows_sorts_and_filters_formal_as_structured(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        text = _roster_text(app)
        assert "Fay Formal" in text and "formal" not in text.replace("Fay Formal", "")
        fay = next(line for line in text.splitlines() if "Fay Formal" in line)
        assert "structured" in fay
        # Sorted by support: the formal teacher sits among the structured ones, by name.
        screen.table.sort_key = "support"
        screen.apply_filter()
        await pilot.pause()
        assert [r.name for r in screen.table.rows][-2:] == ["Fay Formal", "Sam Structured"]
        # Filtering on structured support shows both: the filter cannot single her out.
        screen._after_filters(Filters(support="structured", labels={"support": "structured support"}))
        await pilot.pause()
        assert sorted(r.name for r in screen.table.rows) == ["Fay Formal", "Sam Structured"]
        # The filter form does not offer formal support at all.
        await pilot.press("down", "f")
        await pilot.pause()
        select = app.screen.query_one("#f-support", Select)
        values = [v for _, v in select._options if v is not Select.NULL]
        assert "formal" not in values and "structured" in values
        assert not any("formal" in str(label) for label, _ in select._options)


def test_formal_filter_left_over_matches_nobody_it_would_single_out(seed):
    """A filter on "formal" (e.g. from an old build) lists nobody rather than her."""
    rows = staff.roster_rows()
    assert [r.name for r in rows if Filters(support="formal").keep(r)] == []
