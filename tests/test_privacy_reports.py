"""No-stakes privacy in lists and reports (issue 11, part A):

- formal support is never shown, sorted or filtered beside names (only on the
  teacher's own pages);
- aggregate reports and the review's patterns hide small counts;
- report files carry names as text: no raw HTML in Markdown, no bidi controls.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time

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
    # On the roster since 2024 and never seen: overdue (on the named list) on the reports' date.
    (clocks,) = database.execute_sql("SELECT clocks FROM staff WHERE id = ?", (sid,)).fetchone()
    old = json.dumps(dict.fromkeys(json.loads(clocks), "1700000000000-00000-test"))
    database.execute_sql("UPDATE staff SET clocks = ? WHERE id = ?", (old, sid))
    return sid


@pytest.mark.parametrize("named", [False, True])
def test_markdown_report_escapes_html_and_table_syntax(hostile, tmp_path, named):
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
    from coachtui.leader.report import write_report

    path = tmp_path / f"r.{ext}"
    files = write_report(path, named=named, on=dt.date(2025, 3, 12))
    text = "".join(f.read_text(encoding="utf-8-sig") for f in files)
    assert not any(ch in text for ch in BIDI), [hex(ord(ch)) for ch in BIDI if ch in text]
    assert "alert(1)" in text  # the site is there, as text
    if named:
        assert "Raeevil" in text


# --- A2: small numbers are hidden --------------------------------------------------------

ON = dt.date(2025, 3, 12)
SMALL = "Northfield Primary"
BIG = "Big Academy"


def ms(day: str) -> int:
    d = dt.date.fromisoformat(day)
    return int(time.mktime((d.year, d.month, d.day, 12, 0, 0, 0, 0, -1)) * 1000)


@pytest.fixture
def school(store):
    """A small school with one teacher (joined on step 1, working on it, one
    step mastered in Aut1, one cycle ended), and a bigger one with four
    teachers (each joined on step 2, working on it, a step mastered in Spr1,
    a cycle ended). One coach each."""
    from coachtui.store import write as w
    from coachtui.store.models import ActionStep, CoachingCycle, Join, StaffFocus
    from coachtui.teaching import framework

    s1, s2 = framework.steps()[:2]
    small, big = staff.site_named(SMALL), staff.site_named(BIG)
    c1 = staff.save(name="Cal Coach", roles="coach", site_id=small)
    c2 = staff.save(name="Dot Coach", roles="coach", site_id=big)
    lone = staff.save(name="Lone Teacher", site_id=small, coach_id=c1, team="Year 6")
    many = [staff.save(name=f"Big Teacher {n}", site_id=big, coach_id=c2, team="Maths") for n in range(4)]
    w.insert_new(Join, [dict(staff_id=lone, coach_id=c1, focus_item_id=s1.id, started_at=ms("2025-03-03"))]
                 + [dict(staff_id=t, coach_id=c2, focus_item_id=s2.id, started_at=ms("2025-03-04")) for t in many])
    w.insert_new(StaffFocus, [dict(staff_id=lone, item_id=s1.id, kind="development")]
                 + [dict(staff_id=t, item_id=s2.id, kind="development") for t in many])
    w.insert_new(ActionStep, [dict(staff_id=lone, item_id=s1.id, status="mastered", set_on="2024-09-10",
                                   mastered_on="2024-10-01")]
                 + [dict(staff_id=t, item_id=s2.id, status="mastered", set_on="2025-01-10", mastered_on="2025-02-03")
                    for t in many])
    w.insert_new(CoachingCycle, [dict(staff_id=lone, coach_id=c1, started_on="2024-09-01", ended_on="2024-10-11")])
    return dict(s1=s1, s2=s2, lone=lone, many=many)


def _csv_rows(path) -> list[list[str]]:
    """Every table of a CSV report (one file each, NAME-KEY.csv) as rows
    [KEY, *cells], header rows left out."""
    rows = []
    for f in sorted(path.parent.glob(f"{path.stem}-*.csv")):
        key = f.stem[len(path.stem) + 1:]
        rows += [[key, *r] for r in list(csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig"))))[1:] if r]
    return rows


def test_aggregate_report_shows_no_count_from_1_to_2(school, tmp_path):
    from coachtui.leader.report import write_report

    path = tmp_path / "r.csv"
    write_report(path, on=ON)
    rows = _csv_rows(path)
    # Whatever the section, no figure is 1 or 2: each could point at a person.
    small_figures = [r for r in rows if any(cell in ("1", "2") for cell in r[1:])]
    assert small_figures == []
    focus = {r[1]: r[2:] for r in rows if r[0] == "focus"}
    s1, s2 = school["s1"], school["s2"]
    assert focus[f"{s1.code} {s1.title}"] == ["fewer than 3", "fewer than 3", ""]  # no site named for it
    assert focus[f"{s2.code} {s2.title}"] == ["4", "4", f"{BIG} (4)"]
    sites = {r[1]: r[2:] for r in rows if r[0] == "sites"}
    # The big site's 4 is withheld too: beside the total of 5 it would give the small one away.
    assert sites[SMALL][0] == "fewer than 3" and sites[BIG][0] == "withheld"
    mastered = {r[1]: r[4] for r in rows if r[0] == "mastered"}  # half term, months, from, mastered
    assert (mastered["Aut1 24/25"], mastered["Spr1 24/25"], mastered["Aut2 24/25"]) == ("fewer than 3", "4", "0")
    cycles = {r[1]: r[2] for r in rows if r[0] == "cycles"}
    assert cycles["Cycles ended"] == "fewer than 3"
    assert cycles["Median length (days)"] != "40"  # one cycle's length is one teacher's
    assert any("fewer than 3" in " ".join(r) and "point at" in " ".join(r) for r in rows if r[0] == "notes")


@pytest.mark.parametrize("ext", ["md", "html"])
def test_aggregate_report_says_why_and_ties_no_small_count_to_a_site(school, tmp_path, ext):
    from coachtui.leader.report import write_report

    path = tmp_path / f"r.{ext}"
    write_report(path, on=ON)
    text = path.read_text(encoding="utf-8")
    assert f"{SMALL} (1)" not in text and f"{SMALL} (" not in text
    assert f"{BIG} (4)" in text
    assert "fewer than 3" in text and "point at" in text
    cells = re.findall(r"\| (\d+) (?=\|)", text) if ext == "md" else re.findall(r"<td>(\d+)</td>", text)
    assert cells and not {"1", "2"} & set(cells)


def test_named_report_hides_small_counts_in_the_patterns(school, tmp_path):
    from coachtui.leader.report import write_report

    path = tmp_path / "r.csv"
    write_report(path, named=True, on=ON)
    rows = _csv_rows(path)
    focus = {r[1]: r[2:] for r in rows if r[0] == "focus"}
    assert focus[f"{school['s1'].code} {school['s1'].title}"] == ["fewer than 3", "fewer than 3", ""]
    # The figures a leader sees by name anyway (as on the F6 screen) stay exact.
    sites = {r[1]: r[2:] for r in rows if r[0] == "sites"}
    assert sites[SMALL][:2] == ["1", "1"]


def test_the_threshold_comes_from_the_config(school, tmp_path, capsys):
    from coachtui.cli.main import main

    data = tmp_path / "data"
    (data / "config.toml").write_text("suppress_below = 5\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    assert main(["report", "--out", str(out), "--on", ON.isoformat()]) == 0
    focus = {r[1]: r[2:] for r in _csv_rows(out) if r[0] == "focus"}
    assert focus[f"{school['s2'].code} {school['s2'].title}"] == ["fewer than 5", "fewer than 5", ""]


def test_suppress_puts_hidden_patterns_after_the_shown(school):
    from coachtui.leader import review

    raw = review.build(ON)
    assert [f.item_id for f in raw.development] == [school["s2"].id, school["s1"].id]
    shown = review.suppress(raw, 5, figures=False)
    assert [(f.count, f.teachers, f.sites) for f in shown.development] == [(None, None, {}), (None, None, {})]
    assert [f.label for f in shown.development] == sorted((f.label for f in raw.development), key=str.casefold)
    assert raw.development[0].teachers == 4  # the review itself is left as it was
    assert shown.coverage.teachers == raw.coverage.teachers  # figures=False: only the patterns
    both = review.suppress(raw, 5, figures=True).coverage
    assert (both.teachers, both.coaches) == (5, None)  # 5 teachers, 2 coaches


async def test_review_patterns_tab_hides_small_counts(school, tmp_path, monkeypatch):
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    monkeypatch.setattr("coachtui.screens.review.today", lambda: ON)
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.pattern_loads == 1
        shown = "\n".join(str(w.render()) for w in screen.query("#rv-pat-scroll > *"))
        assert f"{SMALL} (1)" not in shown and f"{BIG} (4)" in shown
        assert "<3" in shown and "fewer than 3" in shown
        focus = str(screen.query_one("#rv-focus").render())
        s1_line = next(line for line in focus.splitlines() if school["s1"].code in line)
        assert s1_line.rstrip().endswith("<3") and "█" not in s1_line
        assert "1 ended" not in shown


async def test_settings_set_the_small_count_threshold(ctx):
    from coachtui.app import CoachApp
    from coachtui.base.config import load_config

    app = CoachApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        form = app.screen
        box = form.query_one("#suppress_below")
        assert box.value == "3"
        for bad in ("1", "x", ""):
            box.value = bad
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form
            error = str(form.query_one("#form-error").render())
            assert "small counts" in error and "\n" not in error.strip()
        box.value = "5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form and app.config.suppress_below == 5
    assert load_config(ctx.paths).suppress_below == 5
