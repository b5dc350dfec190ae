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
    Cyrus    South, coach Benedikt; joined 1 Mar, no extra support (South sets no regular joins
             for it) -> follow-up in May: on track
    Dee      South, no coach, never joined -> due today: due soon
    Cara     North, a coach who teaches, no coach, never joined -> due today: due soon
    Eve      North, archived: left out of everything
    """
    s1, s2 = framework.steps()[:2]
    north, south = staff.site_named("North <b>&"), staff.site_named("South")
    cadence.set_days(south, "none", 0)
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
    return dict(north=north, south=south, cara=cara, ben=ben, ann=ann, bob=bob, cy=cy, dee=dee, s1=s1, s2=s2)


def test_coverage_coaches_and_sites(trust):
    r = review.build(ON)
    c = r.coverage
    assert (c.teachers, c.with_coach, c.joined_recently, c.overdue, c.due_soon, c.coaches) == (5, 3, 2, 1, 3, 2)
    coaches = {k.name: (k.load, k.overdue, k.due_soon) for k in r.coaches}
    assert coaches == {COACHES[0]: (2, 1, 1), COACHES[1]: (1, 0, 0)}
    sites = {s.name: (s.teachers, s.with_coach, s.joined_recently, s.overdue, s.due_soon, s.coaches) for s in r.sites}
    assert sites == {"North <b>&": (3, 2, 1, 1, 2, 1), "South": (2, 1, 1, 0, 1, 1)}


def test_due_list_is_by_due_date_with_reasons_and_no_support_level(trust):
    r = review.build(ON)
    assert [(d.name, d.due_on, d.state) for d in r.due] == [
        (TEACHERS[1], "2025-02-24", "overdue"),
        (COACHES[0], "2025-03-12", "due soon"),
        (TEACHERS[3], "2025-03-12", "due soon"),
        (TEACHERS[0], "2025-03-17", "due soon"),
    ]
    assert [d.why for d in r.due] == ["join due", "join due", "follow-up", "agreed join"]  # Cara: North joins everyone
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
    assert review.half_term(dt.date(2025, 5, 1)) == (2024, 4)
    assert review.half_term(dt.date(2025, 8, 20)) == (2024, 5)
    terms = review.half_terms(dt.date(2025, 9, 5), 2)
    assert [(t[0], t[1].isoformat(), t[2].isoformat()) for t in terms] == [
        ("Sum2 24/25", "2025-06-01", "2025-09-01"), ("Aut1 25/26", "2025-09-01", "2025-11-01")]


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
        assert {k.name: k.overdue for k in screen.data.coaches} == {COACHES[0]: 0, COACHES[1]: 1}
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
