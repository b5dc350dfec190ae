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


# --- 4, 6. tables: laid out for the width they are drawn at, spare width to the text --


def table_lines(table) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


@pytest.fixture
def demo_school(ctx):
    from coachtui.demo import school

    school.fill()


SIZES = [(60, 20), (80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_framework_titles_use_the_width(app, demo_school, size):
    """F7: the state column (empty but for retired items) and the code column
    take only what they need; titles get the rest."""
    from coachtui.teaching import framework

    async with app.run_test(size=size) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        table = app.screen.table
        lines = table_lines(table)
        width = table.scrollable_content_region.width
        assert all(len(line) == width for line in lines)
        title = "Meet pupils at the door and give a task they can start at once"
        assert framework.steps()[0].title == title
        if size[0] >= 80:
            assert any(title in line for line in lines)
        else:
            assert any("Meet pupils at the door" in line and line.rstrip().endswith("…") for line in lines)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_review_tables_fit_and_say_when_text_is_cut(app, demo_school, size, until):
    from coachtui.screens.review import ReviewScreen

    async with app.run_test(size=size) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loads)
        screen = app.screen
        await pilot.press("2")
        await pilot.pause()
        due = screen.due
        lines = table_lines(due)[1:len(due.rows) + 1]
        # Every reason and state reads whole; a cut name ends in "…".
        for row, line in zip(due.rows, lines, strict=False):
            assert row.why in line and row.state in line and row.due_on in line
            if size[0] >= 120:
                assert row.name in line and (row.site or "—") in line and (row.coach or "(none)") in line
        await pilot.press("3")
        await pilot.pause()
        for table in (screen.sites, screen.coaches):
            width = table.scrollable_content_region.width
            header = table_lines(table)[0]
            assert header.rstrip().endswith(table.columns[table._widths[-1][0]].title)
            assert all(len(line) == width for line in table_lines(table))
        if size[0] >= 80:
            for row, line in zip(screen.sites.rows, table_lines(screen.sites)[1:], strict=False):
                assert row.name in line


async def test_tables_follow_a_resize_whatever_was_shown_meanwhile(app, demo_school, until):
    """Coaches & sites at 120 wide, then 80, 60 and back, with other tabs, places
    and a reload in between: the last column always ends inside the screen."""
    from coachtui.screens.review import ReviewScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loads)
        screen = app.screen
        for steps in (["3", (80, 24)], ["1", (60, 20), "r", "3"], ["f2", (120, 40), "f6"], ["2", "f1", (80, 24),
                                                                                           "escape", "3"]):
            for step in steps:
                if isinstance(step, tuple):
                    await pilot.resize_terminal(*step)
                else:
                    await pilot.press(step)
                await app.workers.wait_for_complete()
                await pilot.pause()
            for table in (screen.sites, screen.coaches):
                width = table.scrollable_content_region.width
                assert width == app.size.width - 4  # pane padding and the scrollbar
                assert sum(w + 1 for _, w in table._widths) <= width
                assert table_lines(table)[0].rstrip().endswith(table.columns[table._widths[-1][0]].title)


# --- 3. overloaded coaches marked in F6 with a word ---------------------------------------


async def test_coaches_and_sites_marks_overloaded_coaches_in_words(app, demo_school, until):
    from coachtui.screens.review import ReviewScreen

    limit = app.config.coach_load_limit
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loads)
        screen = app.screen
        await pilot.press("3")
        await pilot.pause()
        coaches = screen.coaches
        assert any(k.load > limit for k in coaches.rows) and any(k.load <= limit for k in coaches.rows)
        for i, k in enumerate(coaches.rows):
            cell = coaches.cells_for(i)[2]
            assert ("over" in cell) is (bool(k.coach_id) and k.load > limit), cell  # (no coach) is no coach
        lines = table_lines(coaches)
        heavy = next(i for i, k in enumerate(coaches.rows) if k.coach_id and k.load > limit)
        assert "over" in lines[heavy + 1]  # on screen, not only in the cell


# --- 7. charts: a label under each bar, zero draws nothing -----------------------------


def test_column_chart_labels_each_bar_and_draws_nothing_for_zero():
    from coachtui.widgets.charts import column_lines

    items = [("Aut1 24/25", 0), ("Aut2 24/25", 4), ("Spr1 24/25", "<3"), ("Spr2 24/25", 1), ("Sum1 24/25", 8)]
    lines = column_lines(items, 40).plain.split("\n")
    slot = 8
    values, bars, labels, years = lines[0], lines[1:-2], lines[-2], lines[-1]
    for n, (label, value) in enumerate(items):
        cells = slice(n * slot, (n + 1) * slot)
        assert str(value) in values[cells] and label.split()[0] in labels[cells]
        drawn = "".join(b[cells] for b in bars).strip()
        assert (drawn == "") is (value in (0, "<3")), (label, drawn)
    assert years.startswith("24/25")
    assert "▁" not in "".join(b[0:slot] for b in bars)  # zero is not a flat line


async def test_half_term_chart_has_a_label_per_bar(app, demo_school, until):
    from coachtui.screens.review import ReviewScreen
    from coachtui.widgets.charts import ColumnChart

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loads)
        await pilot.press("4")
        await until(pilot, lambda: app.screen.pattern_loads == 1)
        await pilot.pause()
        chart = app.screen.query_one("#rv-mastered", ColumnChart)
        text = chart.render().plain
        shown = [label for label, _ in chart.items if label.split()[0] in text]
        assert len(shown) >= 10 and all(name in text for name in ("Aut1", "Spr2", "Sum2"))


# --- 8. CSV: one file per table, UTF-8 with a BOM --------------------------------------


def test_csv_report_is_one_file_per_table_with_a_bom(store, tmp_path):
    import csv

    from coachtui.leader import report

    site = staff.site_named("Scoil Ciarán")
    coach = staff.save(name="Ciarán Ó Súilleabháin", roles="coach", site_id=site)
    for i in range(4):
        staff.save(name=f"Teacher {i}", site_id=site, coach_id=coach)
    files = report.write_report(tmp_path / "review.csv", named=True)
    names = [f.name for f in files]
    assert names[:3] == ["review-coverage.csv", "review-sites.csv", "review-coaches.csv"]
    assert "review-due.csv" in names and names[-1] == "review-notes.csv"
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == sorted(names)  # nothing else, no review.csv
    for f in files:
        raw = f.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f.name
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
        assert rows and all(len(r) == len(rows[0]) for r in rows), f.name  # one header, a tidy table
        assert rows.count(rows[0]) == 1
    sites = list(csv.reader((tmp_path / "review-sites.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sites[0][0] == "Site" and sites[1][0] == "Scoil Ciarán"
    assert "Ciarán Ó Súilleabháin" in (tmp_path / "review-coaches.csv").read_text(encoding="utf-8-sig")
    said = report.said(files)
    assert str(tmp_path) in said and "review-coverage.csv" in said


# --- 5. the report dialog ----------------------------------------------------------------


async def test_report_dialog_enter_writes_states_read_and_overwrite_asks(app, demo_school, until, tmp_path):
    from textual.widgets import Checkbox, Input, Static

    from coachtui.screens.review import ReportModal, ReviewScreen

    out = tmp_path / "review.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loads)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ReportModal))
        modal = app.screen
        modal.query_one("#rv-path", Input).value = str(out)
        names = modal.query_one("#rv-named", Checkbox)
        off = names.render().plain
        await pilot.press("tab")
        assert app.focused is names
        await pilot.press("enter")  # writes; does not tick the box
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert names.value is False and out.exists()
        said = str(modal.query_one("#form-error", Static).render())
        assert str(out) in said and "aggregate" in said
        await pilot.press("space")
        on = names.render().plain
        assert names.value is True and on != off
        # The two states differ in words, not in colour alone.
        assert "no" in off.lower() and "yes" in on.lower()
        before = out.read_text(encoding="utf-8")
        out.write_text("KEEP", encoding="utf-8")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        warning = str(modal.query_one("#form-error", Static).render())
        assert out.read_text(encoding="utf-8") == "KEEP" and "exists" in warning and str(out) in warning
        await pilot.press("enter")  # asked, and said again: replace it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert out.read_text(encoding="utf-8") != "KEEP" and "(named)" in out.read_text(encoding="utf-8")
        assert before


# --- 6, 9. the PLC board's headers: the width used, archived in words ---------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_plc_board_headers_use_the_width_and_say_archived(app, ctx, size):
    from coachtui.plcs import plc
    from coachtui.teaching import framework

    long_name = "Checking for understanding in every lesson"
    keep = plc.save(name=long_name, focus_item_id=framework.steps()[0].id)
    gone = plc.save(name="Reading across the curriculum group", focus_item_id=framework.steps()[1].id)
    plc.set_archived(gone, True)
    assert keep
    async with app.run_test(size=size) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("A", "end")  # archived shown; go to the last column (the archived PLC)
        await pilot.pause()
        board = app.screen.query_one("Board")
        head = board.render_line(0).text
        assert len(head) == board.size.width
        assert "archived" in head.lower()  # in words, whatever the width
        if size[0] >= 120:
            assert long_name[:-6] in head  # three columns share the width
        else:
            assert "Checking for" in head and "…" in head  # cut, and seen to be cut
        used = len(head.rstrip())
        assert used >= board.size.width - 3


# --- 6. the coach picker: "current" stays on its line -------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_coach_picker_keeps_current_on_the_coachs_line(app, ctx, size):
    from textual.widgets import OptionList

    site = staff.site_named("St Brigid's Catholic High School and Sixth Form College")
    coaches = [staff.save(name=f"Bartholomew Featherstonehaugh-{n}", roles="coach", site_id=site) for n in range(3)]
    staff.save(name="Tess Teacher", site_id=site, coach_id=coaches[1])
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"tess", "enter", "c")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CoachPicker"
        options = app.screen.query_one("#picker-list", OptionList)
        current = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == coaches[1])
        lines = [strip.text for strip in options.render_lines(options.region.reset_offset)]
        text = "\n".join(lines)
        assert options.option_count == 4 and len(lines) >= 4
        line = next(line for line in lines if "current" in line)
        assert "-1" in line and current == 3, text  # on the coach's own line, not wrapped onto the next
