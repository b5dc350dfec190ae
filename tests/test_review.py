"""The leader's review and its reports, against a small hand-counted trust
with a fixed clock (on = Wednesday 12 March 2025)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import time

import pytest

from coachtui.base.errors import UserError
from coachtui.cli.main import main
from coachtui.coaching import cadence
from coachtui.leader import review
from coachtui.leader.report import write_report
from coachtui.roster import staff
from coachtui.store import write as w
from coachtui.store.models import (
    ActionStep,
    CoachingCycle,
    Feedback,
    FeedbackItem,
    Join,
    Note,
    PlannedJoin,
    Staff,
    StaffFocus,
    database,
)
from coachtui.teaching import framework

ON = dt.date(2025, 3, 12)
SECRET_NOTE = "PRIVATE-NOTE-Zebedee"
SHARED_NOTE = "SHARED-NOTE-Quixote"
PRIVATE_FEEDBACK = "PRIVATE-FEEDBACK-Marmalade"
OWN_FOCUS = "Annabel's own focus"
TEACHERS = ["Annabel Quist", "Bobbin Varga", "Cyrus Wendt", "Dee [bold]Xu[/]"]
COACHES = ["Cara Coachley", "Benedikt Busby"]


def ms(day: str, hour: int = 12) -> int:
    d = dt.date.fromisoformat(day)
    return int(time.mktime((d.year, d.month, d.day, hour, 0, 0, 0, 0, -1)) * 1000)


@pytest.fixture
def trust(store):
    """Two sites, two coaches (Cara also teaches), four teachers and a leaver:

    Annabel  North, coach Cara, formal support; joined 10 Mar, agreed next join 17 Mar -> due soon
    Bobbin   North, coach Cara, support (every 14 days); joined 10 Feb -> join due 24 Feb: overdue
    Cyrus    South, coach Benedikt; joined 1 Mar, no extra support (this trust sets no regular
             joins for it) -> follow-up in May: on track
    Dee      South, no coach, never joined, on the roster since 18 Dec -> follow-up due on 12 Mar: due soon
    Cara     North, a coach who teaches, no coach, never joined, the same
    Eve      North, archived: left out of everything
    """
    s1, s2 = framework.steps()[:2]
    north, south = staff.site_named("North <b>&"), staff.site_named("South")
    cadence.set_days(None, "none", 0)
    cara = staff.save(name=COACHES[0], roles="teacher,coach", site_id=north)
    ben = staff.save(name=COACHES[1], roles="coach", site_id=south)
    ann = staff.save(name=TEACHERS[0], site_id=north, team="Maths", coach_id=cara, support="formal")
    bob = staff.save(name=TEACHERS[1], site_id=north, team="English", coach_id=cara, support="support")
    cy = staff.save(name=TEACHERS[2], site_id=south, team="Maths", coach_id=ben)
    dee = staff.save(name=TEACHERS[3], site_id=south, team="Science")
    eve = staff.save(name="Eve Leaver", site_id=north, coach_id=cara)
    staff.archive(eve)
    j_ann = w.insert_new(Join, [dict(staff_id=ann, coach_id=cara, focus_item_id=s1.id, started_at=ms("2025-03-10"))])[0]
    w.insert_new(Join, [
        dict(staff_id=ann, coach_id=cara, focus_text=OWN_FOCUS, started_at=ms("2025-03-03")),
        dict(staff_id=bob, coach_id=cara, focus_item_id=s1.id, started_at=ms("2025-02-10")),
        dict(staff_id=cy, coach_id=ben, focus_item_id=s2.id, started_at=ms("2025-03-01")),
        dict(staff_id=cy, coach_id=ben, focus_item_id=s2.id, started_at=ms("2024-11-01")),  # before the 12 weeks
        dict(staff_id=eve, coach_id=cara, focus_item_id=s2.id, started_at=ms("2025-03-04")),  # a leaver's join counts
    ])
    fb = w.insert_new(Feedback, [dict(join_id=j_ann, staff_id=ann, coach_id=cara, given_on="2025-03-10",
                                      next_join="2025-03-17")])[0]
    w.insert_new(FeedbackItem, [dict(feedback_id=fb, part="reflection", text=PRIVATE_FEEDBACK, private=True)])
    w.insert_new(Note, [dict(join_id=j_ann, staff_id=ann, text=SECRET_NOTE, private=True),
                        dict(join_id=j_ann, staff_id=ann, text=SHARED_NOTE)])
    w.insert_new(StaffFocus, [dict(staff_id=ann, item_id=s1.id, kind="development"),
                              dict(staff_id=bob, item_id=s1.id, kind="development"),
                              dict(staff_id=cy, item_id=s2.id, kind="development"),
                              dict(staff_id=dee, item_id=s2.id, kind="strength"),
                              dict(staff_id=eve, item_id=s1.id, kind="development")])
    w.insert_new(ActionStep, [
        dict(staff_id=ann, item_id=s1.id, text="step text Ann", status="mastered", set_on="2025-02-01",
             mastered_on="2025-02-20"),  # Spr1
        dict(staff_id=bob, item_id=s1.id, text="step text Bob", set_on="2025-01-10"),
        dict(staff_id=cy, item_id=s2.id, status="mastered", set_on="2024-10-01", mastered_on="2024-10-20"),  # Aut1
        dict(staff_id=cy, text="Cyrus's own words", status="mastered", set_on="2025-03-01",
             mastered_on="2025-03-05"),  # Spr2
        dict(staff_id=cy, status="mastered", set_on="2025-03-01", mastered_on="2025-03-20"),  # after `on`
        dict(staff_id=bob, status="mastered", set_on="2025-01-01", mastered_on="2025-02-02", deleted=True),
    ])
    w.insert_new(CoachingCycle, [
        dict(staff_id=ann, coach_id=cara, started_on="2025-01-06", ended_on="2025-02-15"),  # 40 days
        dict(staff_id=bob, coach_id=cara, started_on="2024-11-01", ended_on="2024-12-01"),  # 30 days
        dict(staff_id=cy, coach_id=ben, started_on="2024-09-01", ended_on="2024-12-31"),  # 121 days
        dict(staff_id=cy, coach_id=ben, started_on="2022-09-01", ended_on="2023-01-01"),  # over a year ago
        dict(staff_id=ann, coach_id=cara, started_on="2025-02-20"),  # open
    ])
    # Dee and Cara came onto the roster 12 weeks (the follow-up interval) before `on`: due on it.
    for sid in (dee, cara):
        made_on(sid, "2024-12-18")
    return dict(north=north, south=south, cara=cara, ben=ben, ann=ann, bob=bob, cy=cy, dee=dee, s1=s1, s2=s2)


def made_on(staff_id: str, day: str) -> None:
    """Backdate a staff record's stamps: as if it had been made on `day`."""
    import json

    (clocks,) = database.execute_sql("SELECT clocks FROM staff WHERE id = ?", (staff_id,)).fetchone()
    stamp = f"{ms(day, 9):013d}-00000-test"
    database.execute_sql("UPDATE staff SET clocks = ? WHERE id = ?",
                         (json.dumps({k: stamp for k in json.loads(clocks) if k != "_base"}), staff_id))


def test_coverage_coaches_and_sites(trust):
    r = review.build(ON)
    c = r.coverage
    assert (c.teachers, c.with_coach, c.joined_recently, c.overdue, c.due_soon, c.coaches) == (5, 3, 2, 1, 3, 2)
    coaches = {k.name: (k.load, k.overdue, k.due_soon) for k in r.coaches}
    assert coaches == {COACHES[0]: (2, 1, 1), COACHES[1]: (1, 0, 0), review.NO_COACH: (2, 0, 2)}
    sites = {s.name: (s.teachers, s.with_coach, s.joined_recently, s.overdue, s.due_soon, s.coaches) for s in r.sites}
    assert sites == {"North <b>&": (3, 2, 1, 1, 2, 1), "South": (2, 1, 1, 0, 1, 1)}


def test_due_list_is_by_due_date_with_reasons_and_no_support_level(trust):
    r = review.build(ON)
    assert [(d.name, d.due_on, d.state) for d in r.due] == [
        (TEACHERS[1], "2025-02-24", "overdue"),
        (COACHES[0], "2025-03-12", "due today"),  # issue 13: F6 called today "due soon"
        (TEACHERS[3], "2025-03-12", "due today"),
        (TEACHERS[0], "2025-03-17", "due soon"),
    ]
    assert [d.why for d in r.due] == ["join due", "follow-up", "follow-up", "agreed join"]
    assert r.due[0].coach == COACHES[0] and r.due[2].coach == ""
    assert not hasattr(r.due[0], "support")


def test_patterns(trust):
    r = review.build(ON)
    s1, s2 = trust["s1"], trust["s2"]
    focus = {f.item_id: (f.count, f.teachers, f.sites) for f in r.focus}
    assert focus == {s1.id: (2, 2, {"North <b>&": 2}), s2.id: (2, 2, {"South": 1, "North <b>&": 1}),
                     None: (1, 1, {"North <b>&": 1})}
    assert r.focus[-1].label == review.OWN_FOCUS  # free text is counted, never shown
    assert {f.item_id: f.teams for f in r.focus}[s1.id] == {"Maths": 1, "English": 1}
    assert {f.item_id: f.teachers for f in r.development} == {s1.id: 2, s2.id: 1}
    assert {f.item_id: f.count for f in r.steps} == {s1.id: 2, None: 2}
    assert r.steps[-1].label == review.OWN_STEP
    labels = [h.label for h in r.mastered]
    assert len(labels) == review.HALF_TERMS_SHOWN and labels[-1] == "Spr2 24/25" and labels[-4] == "Aut1 24/25"
    assert [h.mastered for h in r.mastered[-4:]] == [1, 0, 1, 1]
    assert (r.cycles.ended, r.cycles.median_days, r.cycles.open) == (3, 40, 1)


def test_half_terms_by_month():
    assert review.half_term(dt.date(2024, 9, 2)) == (2024, 0)
    assert review.half_term(dt.date(2024, 12, 20)) == (2024, 1)
    assert review.half_term(dt.date(2025, 2, 14)) == (2024, 2)
    assert review.half_term(dt.date(2025, 3, 31)) == (2024, 3)
    assert review.half_term(dt.date(2025, 4, 20)) == (2024, 3)  # Spr2 is March and April
    assert review.half_term(dt.date(2025, 5, 1)) == (2024, 4)  # Sum1 is May
    assert review.half_term(dt.date(2025, 7, 10)) == (2024, 5)
    terms = review.half_terms(dt.date(2025, 9, 5), 3)
    assert [(t[0], t[1].isoformat(), t[2].isoformat()) for t in terms] == [
        ("Sum1 24/25", "2025-05-01", "2025-06-01"), ("Sum2 24/25", "2025-06-01", "2025-08-01"),  # August in none
        ("Aut1 25/26", "2025-09-01", "2025-11-01")]
    assert review.half_months("Spr2 24/25") == "Mar-Apr"
    assert "August" in review.HALF_TERM_RULE and "Sum2 Jun-Jul" in review.HALF_TERM_RULE


def test_review_never_reads_note_or_feedback_text(trust, monkeypatch):
    seen = []
    real = database.execute_sql

    def spy(sql, *args, **kwargs):
        seen.append(sql.lower())
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(database, "execute_sql", spy)
    review.build(ON)
    assert seen and not any("note" in s or "feedback_item" in s or "text" in s for s in seen)


# --- reports ------------------------------------------------------------------------


def report_text(files) -> str:
    """A report's text, all its files (CSV: one per table)."""
    return "".join(f.read_text(encoding="utf-8-sig") for f in files)


@pytest.mark.parametrize("ext", ["md", "html", "csv"])
def test_default_report_is_aggregate(trust, tmp_path, ext):
    path = tmp_path / f"r.{ext}"
    text = report_text(write_report(path, on=ON))
    for secret in TEACHERS + COACHES + ["Eve Leaver", SECRET_NOTE, SHARED_NOTE, PRIVATE_FEEDBACK, OWN_FOCUS,
                                        "Cyrus's own words", "step text", "formal"]:
        assert secret not in text, secret
    assert "coach 1" in text and "South" in text


@pytest.mark.parametrize("ext", ["md", "html", "csv"])
def test_named_report_adds_names_but_never_notes_or_support(trust, tmp_path, ext):
    path = tmp_path / f"r.{ext}"
    text = report_text(write_report(path, named=True, on=ON))
    for name in (TEACHERS[0], TEACHERS[1], COACHES[0], COACHES[1]):
        assert name in text
    assert TEACHERS[2] not in text  # on track: not on the list
    for secret in (SECRET_NOTE, SHARED_NOTE, PRIVATE_FEEDBACK, OWN_FOCUS, "formal"):
        assert secret not in text


def test_report_formats_by_extension(trust, tmp_path):
    md, page, sheet = tmp_path / "r.markdown", tmp_path / "r.HTM", tmp_path / "r.csv"
    for p in (md, page, sheet):
        write_report(p, on=ON, named=True)
    assert md.read_text().startswith("# Coaching review, 2025-03-12")
    html_text = page.read_text()
    assert html_text.startswith("<!DOCTYPE html>")
    assert "North &lt;b&gt;&amp;" in html_text and "<b>&" not in html_text
    assert "Dee [bold]Xu[/]" in html_text
    rows = list(csv.reader(io.StringIO((tmp_path / "r-coverage.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Measure", "Count", "Share"]
    assert ["Active teachers", "5", ""] in rows
    assert {p.name for p in tmp_path.glob("r-*.csv")} >= {f"r-{k}.csv" for k in ("coverage", "sites", "coaches",
                                                                                 "focus", "mastered", "due")}
    assert not list(tmp_path.glob("*.partial"))


def test_report_refuses_bad_names_and_paths_leaving_nothing(trust, tmp_path):
    with pytest.raises(UserError, match="give a .md, .html or .csv"):
        write_report(tmp_path / "r.txt", on=ON)
    with pytest.raises(UserError, match="cannot write"):
        write_report(tmp_path / "missing" / "r.md", on=ON)
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        write_report(tmp_path / "dir.md", on=ON)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "dir.md"]


def test_report_write_failure_removes_the_partial(trust, tmp_path, monkeypatch):
    import os

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(UserError, match="No space left"):
        write_report(tmp_path / "r.md", on=ON)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_report_cli(trust, tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["report", "--out", str(out), "--on", "2025-03-12"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out and TEACHERS[1] not in out.read_text()
    assert main(["report", "--out", str(out), "--named", "--on", "2025-03-12"]) == 0
    assert TEACHERS[1] in out.read_text()
    assert main(["report", "--out", str(tmp_path / "r.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give a .md, .html or .csv" in err


def test_schema_7_adds_the_review_indexes(tmp_path):
    from coachtui.launch import open_database
    from coachtui.store import schema
    from coachtui.store.db import close_store

    path = tmp_path / "v6.db"
    open_database(path)
    names = [r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE name LIKE '%_live_%'")]
    assert len(names) == 8
    for name in names:
        database.execute_sql(f"DROP INDEX {name}")
    database.execute_sql("PRAGMA user_version = 6")
    close_store()
    open_database(path)
    assert database.execute_sql("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 7
    close_store()
    con = sqlite3.connect(path)
    assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE name LIKE '%_live_%'")} == set(names)
    con.close()


# --- the screen -------------------------------------------------------------------------


async def test_review_screen_reassigns_a_coach_from_the_overdue_list(trust, tmp_path, monkeypatch):
    from coachtui.app import CoachApp
    from coachtui.launch import open_data
    from coachtui.screens.review import ReviewScreen

    monkeypatch.setattr("coachtui.screens.review.today", lambda: ON)
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.loads == 1
        await pilot.press("2")
        assert app.focused is screen.due
        lines = "\n".join(screen.due.render_line(y).text for y in range(screen.due.size.height))
        assert "Dee [bold]Xu[/]" in lines and "formal" not in lines
        first = screen.due.current_row
        assert (first.name, first.coach) == (TEACHERS[1], COACHES[0])
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("2")  # the picker lists Cara (same site) first, then Benedikt
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert Staff.get_by_id(trust["bob"]).coach_id == trust["ben"]
        assert screen.loads == 2
        row = next(d for d in screen.due.rows if d.name == TEACHERS[1])
        assert row.coach == COACHES[1]
        assert {k.name: k.overdue for k in screen.data.coaches} == {COACHES[0]: 0, COACHES[1]: 1, review.NO_COACH: 0}
        # The patterns are read when their tab opens, once per load.
        assert screen.pattern_loads == 0
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.pattern_loads == 1 and screen.data.mastered
        await pilot.press("1")
        await pilot.press("4")
        await app.workers.wait_for_complete()
        assert screen.pattern_loads == 1


async def test_planning_a_join_from_the_overdue_list(trust, tmp_path, monkeypatch):
    from coachtui.app import CoachApp
    from coachtui.launch import open_data
    from coachtui.widgets.form import FormModal

    monkeypatch.setattr("coachtui.screens.review.today", lambda: ON)
    # ON is today: a review of a past date would leave out plans made after it, as this one is.
    monkeypatch.setattr("coachtui.coaching.cadence._today", lambda: ON)
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        await pilot.press("2")
        who = screen.due.current_row
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        app.screen.query_one("#f-on").value = "2099-01-05"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        [p] = PlannedJoin.select()
        assert (p.staff_id, p.on) == (who.staff_id, "2099-01-05")
        assert all(d.staff_id != who.staff_id for d in screen.due.rows)  # no longer due: planned


# --- the leader's hour at the desk (issue 13) ----------------------------------------------


def test_a_teacher_never_seen_is_due_from_joining_the_roster_and_then_overdue(trust):
    from coachtui.coaching import cadence

    # Dee: no extra support, on the roster since 18 Dec: follow-up due 12 Mar; overdue after it.
    assert cadence.dues(ON)[trust["dee"]].due_on == "2025-03-12"
    later = cadence.dues(dt.date(2025, 4, 1))[trust["dee"]]
    assert (later.due_on, later.state) == ("2025-03-12", "overdue")
    # On support (every 14 days) since 1 Mar: due 15 Mar, overdue on the 20th.
    made_on(trust["dee"], "2025-03-01")
    w.write(Staff, trust["dee"], support="support")
    d = cadence.dues(dt.date(2025, 3, 20))[trust["dee"]]
    assert (d.due_on, d.why, d.state) == ("2025-03-15", "join", "overdue")


def test_teachers_with_no_coach_have_their_own_row_so_the_coach_columns_add_up(trust):
    r = review.build(ON)
    rows = {k.name: (k.load, k.overdue, k.due_soon) for k in r.coaches}
    assert rows[review.NO_COACH] == (2, 0, 2)  # Dee and Cara
    assert sum(k.overdue for k in r.coaches) == r.coverage.overdue
    assert sum(k.due_soon for k in r.coaches) == r.coverage.due_soon
    assert r.coverage.coaches == 2  # the row is not a coach


def test_a_review_on_a_past_date_reads_what_had_happened_by_then(trust):
    from coachtui.store.models import SupportChange

    # Bob moved up from no extra support to support on 1 Mar.
    w.insert_new(SupportChange, [dict(staff_id=trust["bob"], from_level="none", to_level="support",
                                      on="2025-03-01")])
    r = review.build(dt.date(2025, 3, 5))
    assert r.coverage.joined_recently == 2  # Ann on 3 Mar, Cyrus on 1 Mar (not Ann's 10 Mar join)
    due = {d.name: (d.due_on, d.why) for d in r.due}
    assert due[TEACHERS[0]] == ("2025-03-10", "join due")  # formal support, joined 3 Mar; the 10 Mar feedback not yet
    assert due[TEACHERS[1]] == ("2025-02-24", "join due")
    # On 20 Feb Bob had no extra support yet: his follow-up (May) was not due.
    assert TEACHERS[1] not in {d.name for d in review.build(dt.date(2025, 2, 20)).due}
    # Ann's first cycle (6 Jan - 15 Feb) was open on 1 Feb; two had ended in the year before it.
    cy = review.build(dt.date(2025, 2, 1)).cycles
    assert (cy.ended, cy.open) == (2, 1)


def test_a_report_on_a_past_date_says_what_is_todays(trust, tmp_path):
    from coachtui.leader import report

    past = report.to_markdown(review.build(ON), named=True)
    assert "today's" in past and "roster" in past
    assert "today's" not in report.to_markdown(review.build(dt.date.today()), named=True)


def test_a_csv_set_written_again_without_names_removes_the_named_files(trust, tmp_path):
    from coachtui.leader import report

    path = tmp_path / "review.csv"
    write_report(path, named=True, on=ON)
    assert TEACHERS[1] in (tmp_path / "review-due.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "review-other.csv").write_text("not ours")  # not a name of the set: left alone
    done = write_report(path, named=False, on=ON)
    assert not (tmp_path / "review-due.csv").exists()
    assert (tmp_path / "review-other.csv").exists()
    assert "review-due.csv" in report.said(done) and "removed" in report.said(done)
    for f in tmp_path.glob("review-*.csv"):
        for name in TEACHERS + COACHES:
            assert name not in f.read_text(encoding="utf-8-sig"), (f.name, name)


def leaders_sites(overdue=(2, 5, 4, 4, 3)) -> review.Review:
    """The leader's per-site table: Oakwood 2 overdue of 18."""
    names = ["Oakwood", "Brook", "Castle", "Dale", "Elm"]
    sites = [review.SiteRow(f"s{i}", n, teachers=20, with_coach=20, joined_recently=10, overdue=o, due_soon=5,
                            coaches=3) for i, (n, o) in enumerate(zip(names, overdue, strict=True))]
    cov = review.Coverage(100, 100, 50, sum(overdue), 25, 15)
    return review.Review(ON, cov, [], sites, [], [], [], [], [], review.Cycles(0, None, 0))


def test_a_hidden_count_cannot_be_worked_out_from_its_total():
    r = review.suppress(leaders_sites(), 3, figures=True)
    assert r.coverage.overdue == 18
    assert [s.overdue for s in r.sites] == [None, 5, 4, 4, review.WITHHELD]  # the next smallest goes too
    # Two hidden already, or none: nothing more.
    assert [s.overdue for s in review.suppress(leaders_sites((2, 1, 4, 4, 3)), 3, figures=True).sites] == [
        None, None, 4, 4, 3]
    assert [s.overdue for s in review.suppress(leaders_sites((6, 5, 4, 4, 3)), 3, figures=True).sites] == [
        6, 5, 4, 4, 3]
    from coachtui.leader import report

    sites = next(s for s in report.sections(leaders_sites()) if s.key == "sites")
    assert [row[4] for row in sites.rows] == ["fewer than 3", 5, 4, 4, review.WITHHELD]


@pytest.mark.parametrize("ext", ["md", "html", "csv"])
def test_reports_mark_overloaded_coaches_and_state_the_limit(trust, tmp_path, ext):
    files = write_report(tmp_path / f"r.{ext}", named=True, on=ON, limit=1)
    text = report_text(files)
    assert "load limit 1" in text
    coach_table = report_text([f for f in files if "coaches" in f.name]) if ext == "csv" else text
    assert "over" in coach_table.split(COACHES[0], 1)[1].split(COACHES[1], 1)[0]  # Cara has 2


async def test_a_new_small_counts_setting_is_taken_up_by_the_review_at_once(trust, tmp_path, monkeypatch, until):
    from textual.widgets import Static

    from coachtui.app import CoachApp
    from coachtui.launch import open_data
    from coachtui.widgets.inputs import NumberInput

    monkeypatch.setattr("coachtui.screens.review.today", lambda: ON)
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = app.screen
        await until(pilot, lambda: screen.loads)
        await pilot.press("4")
        await until(pilot, lambda: screen.pattern_loads)
        small = screen.query_one("#rv-small", Static)
        assert "<3" in str(small.render())
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#suppress_below", NumberInput).value = "5"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: "<5" in str(small.render()), what="the review showing <5")


async def test_review_keys_show_only_on_the_tab_where_they_act(trust, tmp_path, monkeypatch, until):
    from textual.widgets._footer import FooterKey

    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    monkeypatch.setattr("coachtui.screens.review.today", lambda: ON)
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = app.screen
        await until(pilot, lambda: screen.loads)
        for tab, acts in (("1", False), ("2", True), ("3", False), ("4", False)):
            await pilot.press(tab)
            await pilot.pause()
            await pilot.pause()
            shown = {k.description for k in screen.query(FooterKey)}
            assert ({"History", "Coach"} <= shown) is acts and (shown & {"History", "Coach"} == set()) is not acts
            assert "Undo" in shown, shown  # the footer is not cut short by keys that do nothing


async def test_the_palette_finds_the_words_a_leader_types(trust, tmp_path, monkeypatch, until):
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.loads)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for title in ("Export a report (e)", "Coverage (1)", "Overdue and due soon (2)", "Coaches & sites (3)",
                      "Patterns (4)", "Light or dark theme"):
            assert title in commands, title
        assert "Theme" not in commands  # Textual's own picker would apply a theme F9 knows nothing of
        assert not any(help.startswith("Switch to the") for help in commands.values())
        assert not any(title.startswith("Section ") for title in commands)


async def test_the_export_dialog_shows_home_as_tilde_and_forgets_an_old_message(trust, tmp_path, monkeypatch, until):
    from textual.widgets import Input, Static

    from coachtui.app import CoachApp
    from coachtui.launch import open_data
    from coachtui.screens.review import ReportModal

    monkeypatch.setenv("HOME", str(tmp_path))
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.loads)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ReportModal))
        box = app.screen.query_one("#rv-path", Input)
        assert box.value.startswith("~/Documents/") and box.value.endswith(".md")  # not "root/Documents/…"
        said = app.screen.query_one("#form-error", Static)
        await pilot.press("enter")
        await until(pilot, lambda: "Wrote" in str(said.render()), what="the written message")
        assert (tmp_path / "Documents").is_dir() and list((tmp_path / "Documents").rglob("*.md"))
        box.value = "~/Documents/other.md"
        await pilot.pause()
        assert "Wrote" not in str(said.render())
        await pilot.press("enter")
        await until(pilot, lambda: "Wrote" in str(said.render()), what="the written message")
        await pilot.press("tab", "space")
        await pilot.pause()
        assert "Wrote" not in str(said.render())


def test_help_texts_agree_with_the_keys_and_the_readme():
    from coachtui.screens.review import ReviewScreen
    from coachtui.screens.settings import SettingsForm
    from coachtui.screens.sync import SyncScreen

    assert "F9/settings" not in ReviewScreen.HELP and "k on the roster" in " ".join(ReviewScreen.HELP.split())
    sync = " ".join(SyncScreen.HELP.split())
    assert 'passphrase = "' not in sync and "coachtui passphrase set" in sync and "keyring" in sync
    # One paragraph per setting, not one dense block.
    paragraphs = [p for p in SettingsForm.HELP.split("\n\n") if p.strip()]
    assert len(paragraphs) >= 8
    for name in ("Device name:", "Home site:", "Join length:", "Coach load limit:", "Small counts:", "I am:",
                 "Theme:", "Symbols:"):
        assert any(p.lstrip().startswith(name) for p in paragraphs), name


async def test_patterns_say_how_many_are_shown_in_what_unit_and_the_months(trust, tmp_path, monkeypatch, until):
    from textual.widgets import Static

    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    monkeypatch.setattr("coachtui.screens.review.today", lambda: ON)
    monkeypatch.setattr("coachtui.screens.review.TOP", 2)
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = app.screen
        await until(pilot, lambda: screen.loads)
        await pilot.press("4")
        await until(pilot, lambda: screen.pattern_loads)

        def text(wid: str) -> str:
            return " ".join(str(screen.query_one(wid, Static).render()).split())

        assert "joins" in text("#rv-focus-title") and "2 of 3" in text("#rv-focus-title")
        assert "teachers" in text("#rv-dev-title") and "2 of 2" in text("#rv-dev-title")
        assert "steps" in text("#rv-steps-title")
        assert "Spr2 Mar-Apr" in text("#rv-mastered-line") and "August" in text("#rv-mastered-line")


def test_bar_labels_use_the_width_there_is():
    from coachtui.widgets.charts import bar_lines

    title = "IN.2.2 Show what excellent work looks like before pupils begin theirs"  # 70 characters
    assert title in bar_lines([(title, 85), ("BR.1.2 Short", 79)], 120).plain
    at_80 = bar_lines([(title, 85)], 80).plain
    assert "IN.2.2 Show what excellent work looks like before" in at_80 and "█" * 10 in at_80


async def test_a_cut_sort_header_keeps_its_mark():
    from textual.app import App

    from coachtui.widgets.table import Column, RowTable

    table = RowTable([Column("name", "Name", 8, weight=1), Column("last", "Last joined", 6)],
                     lambda r: [r, "2025-01-01"])

    class One(App):
        def compose(self):
            yield table

    async with One().run_test(size=(30, 6)) as pilot:
        table.set_rows(["Ann", "Bob"])
        table.sort_key = "last"
        table.refresh()
        await pilot.pause()
        header = "".join(s.text for s in table._header(30))
        assert "▲" in header and "…" in header, header
