"""No-stakes privacy in lists and reports (issue 11, part A):

- formal support is never shown, sorted or filtered beside names (only on the
  teacher's own pages);
- aggregate reports and the review's patterns hide small counts;
- report files carry names as text: no raw HTML in Markdown, no bidi controls.
"""

from __future__ import annotations

import re

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


# --- A3: report files carry names as text -------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_strip_bidi_and_clean_drop_every_bidi_control():
    from coachtui.base.text import clean, clean_block, strip_bidi

    for ch in BIDI:
        assert strip_bidi(f"Ann{ch}e") == "Anne"
        assert clean(f" Ann{ch}e ", "name") == "Anne"
        assert clean_block(f"line one{ch}\nline two", "note", 100) == "line one\nline two"
    # What is not a bidi control stays: accents, Arabic and Hebrew letters, emoji, zero-width joiner.
    kept = "Zoë أحمد דוד 👩\u200d🏫"
    assert strip_bidi(kept) == clean(kept, "name") == kept


def test_typed_names_never_hold_bidi_controls(store):
    sid = staff.save(name="Eve\u202eliam", site_id=staff.site_named("We\u2067st"))
    row = next(r for r in staff.roster_rows() if r.id == sid)
    assert (row.name, row.site) == ("Eveliam", "West")


HOSTILE_SITE = "<script>alert(1)</script> | `tick` & *Co*"
HOSTILE_NAME = "Rae\u202eevil\u202c <img src=x onerror=alert(1)>"


@pytest.fixture
def hostile(store):
    """Names stored before cleaning dropped bidi controls (or by an older laptop):
    written past the service, as a bundle from an old build would."""
    from coachtui.store.models import Site, Staff, database

    site = staff.site_named("Plain")
    coach = staff.save(name="Cara Coach", roles="teacher,coach", site_id=site)
    sid = staff.save(name="placeholder", site_id=site, coach_id=coach)
    database.execute_sql(f"UPDATE {Site._meta.table_name} SET name = ? WHERE id = ?", (HOSTILE_SITE + "\u202e", site))
    database.execute_sql(f"UPDATE {Staff._meta.table_name} SET name = ? WHERE id = ?", (HOSTILE_NAME, sid))
    return sid


@pytest.mark.parametrize("named", [False, True])
def test_markdown_report_escapes_html_and_table_syntax(hostile, tmp_path, named):
    import datetime as dt

    from coachtui.leader.report import write_report

    path = tmp_path / "r.md"
    write_report(path, named=named, on=dt.date(2025, 3, 12))
    text = path.read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text and "</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\\`tick\\`" in text and "&amp;" in text and "\\*Co\\*" in text
    # Every table row still has as many cells as its header: the | in the name is escaped.
    site_row = next(line for line in text.splitlines() if "alert(1)" in line and line.startswith("|"))
    assert "\\|" in site_row and len(re.findall(r"(?<!\\)\|", site_row)) == 8  # Per site: 7 columns
    if named:
        assert "Raeevil &lt;img src=x onerror=alert(1)&gt;" in text


@pytest.mark.parametrize("ext", ["md", "html", "csv"])
@pytest.mark.parametrize("named", [False, True])
def test_reports_strip_bidi_controls_from_stored_text(hostile, tmp_path, ext, named):
    import datetime as dt

    from coachtui.leader.report import write_report

    path = tmp_path / f"r.{ext}"
    write_report(path, named=named, on=dt.date(2025, 3, 12))
    text = path.read_text(encoding="utf-8")
    assert not any(ch in text for ch in BIDI), [hex(ord(ch)) for ch in BIDI if ch in text]
    assert "alert(1)" in text  # the site is there, as text
    if named:
        assert "Raeevil" in text
