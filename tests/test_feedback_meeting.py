"""The feedback meeting (issue 13): its id shown and usable from the command
line, exports that never overwrite, durations read as people say them, text
boxes with room, a private/shared switch whose look changes, and the action
step from a > note not paired with another step's criteria."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, Select, TextArea

from coachtui.cli.main import main
from coachtui.lessons import feedback, history, joins
from coachtui.roster import focus_areas, staff
from coachtui.store.models import Join
from coachtui.teaching.framework import item_id

SIZES = [(60, 20), (80, 24), (120, 40)]


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def ended_join(teacher: str, seconds: int = 20 * 60, day_offset_ms: int = 0, **kwargs) -> str:
    jid = joins.start(teacher, focus_item_id=kwargs.pop("focus_item_id", None), **kwargs)
    j = joins.get(jid)
    start = j.started_at - seconds * 1000 - day_offset_ms
    Join.update(started_at=start).where(Join.id == jid).execute()
    joins.end(joins.get(jid), at=start + seconds * 1000)
    return jid


@pytest.fixture
def seed(ctx):
    t = staff.save(name="Jane Smith", email="jane@school.test")
    focus_areas.set_focus(t, item_id("QU.1.1"), "development")


def jane() -> str:
    return next(r.id for r in staff.roster_rows() if r.name == "Jane Smith")


# --- durations ---------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "words"), [(0, "under a minute"), (40, "under a minute"), (59, "under a minute"),
                                                (60, "1 minute"), (89, "1 minute"), (90, "2 minutes"),
                                                (171, "3 minutes"), (20 * 60, "20 minutes"), (3 * 3600, "180 minutes")])
def test_durations_read_as_people_say_them(seconds, words):
    assert joins.duration_words(seconds) == words


@pytest.mark.parametrize(("seconds", "words"), [(171, "3 minutes"), (40, "under a minute")])
def test_the_summary_and_the_history_round_the_same_way(seed, seconds, words):
    jid = ended_join(jane(), seconds, focus_text="Routines")
    feedback.save(joins.get(jid), {"strengths": ("calm start", False)})
    assert f", {words}." in feedback.teacher_summary(jid)
    entry = next(e for e in history.entries(jane()) if e.what == "join")
    assert words in entry.detail


# --- the feedback's id, and the command line -----------------------------------------


def test_export_by_short_id_teacher_latest_and_date(seed, tmp_path, capsys, ctx):
    old = ended_join(jane(), focus_text="Routines", day_offset_ms=3 * 86400_000)
    new = ended_join(jane(), focus_text="Questioning")
    for jid in (old, new):
        feedback.save(joins.get(jid), {"strengths": (f"strength of {joins.get(jid).focus_text}", False)})
    data = ["--data-dir", str(ctx.paths.data_dir)]
    short = feedback.short_id(feedback.feedback_id(old))
    out = tmp_path / "a.md"
    assert main([*data, "feedback", "export", short, "--out", str(out)]) == 0
    assert "strength of Routines" in out.read_text()
    assert main([*data, "feedback", "export", "Jane Smith", "latest", "--out", str(out), "--force"]) == 0
    assert "strength of Questioning" in out.read_text()
    old_day = joins.day_of(joins.get(old))
    assert main([*data, "feedback", "export", "jane@school.test", old_day, "--out", str(out), "--force"]) == 0
    assert "strength of Routines" in out.read_text()
    capsys.readouterr()
    # a teacher alone, with two feedbacks: both listed, one line each, exit 1, nothing written
    out.unlink()
    assert main([*data, "feedback", "export", "Jane Smith", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert not out.exists()
    lines = [line for line in err.splitlines() if short in line or feedback.short_id(feedback.feedback_id(new)) in line]
    assert len(lines) == 2, err
    assert main([*data, "feedback", "export", "Jane Smith", "1999-01-01", "--out", str(out)]) == 1
    assert main([*data, "feedback", "export", "Jane Smith", "yesterday-ish", "--out", str(out)]) == 1
    assert main([*data, "feedback", "export", "Nobody", "latest", "--out", str(out)]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 3  # one line each
    assert not out.exists()


async def test_the_feedback_screen_shows_its_id(app, until):
    jid = ended_join(jane(), focus_item_id=item_id("QU.1.1"))
    async with app.run_test(size=(80, 24)) as pilot:
        from coachtui.screens.feedback import FeedbackScreen

        await app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        assert feedback.short_id(feedback.feedback_id(jid)) in screen_text(app)


# --- Ctrl+E ----------------------------------------------------------------------------


async def test_ctrl_e_never_overwrites_and_says_the_full_path(app, until, tmp_path):
    first = ended_join(jane(), focus_text="Routines", seconds=600)
    second = ended_join(jane(), focus_text="Questioning", seconds=300)
    from coachtui.screens.feedback import FeedbackScreen

    async with app.run_test(size=(80, 24)) as pilot:
        paths = []
        for n, jid in enumerate((first, second, second)):
            await app.push_screen(FeedbackScreen(jid))
            await pilot.pause()
            # changed text each time (the same text again reuses its file: test_it_trial)
            app.screen.query_one("#fb-strengths", TextArea).text = f"strength {jid} ({n})"
            app._notifications.clear()
            await pilot.press("ctrl+e")
            await pilot.pause()
            said = [n.message for n in app._notifications if "written to" in n.message]
            assert said, [n.message for n in app._notifications]
            path = said[-1].split("written to ", 1)[1]
            assert path.startswith("/"), path
            paths.append(path)
            app.screen.dismiss()
            await pilot.pause()
        assert len(set(paths)) == 3
        folder = tmp_path / "Documents" / "coachtui"  # conftest points Documents here
        texts = sorted(p.read_text() for p in folder.glob("*.md"))
        assert len(texts) == 3 and sum(f"strength {first}" in t for t in texts) == 1


# --- room to write, and a switch that shows its state -------------------------------------


@pytest.mark.parametrize(("size", "lines"), [((80, 24), 4), ((120, 40), 6)], ids=["80x24", "120x40"])
async def test_text_areas_have_room(app, size, lines):
    jid = ended_join(jane(), focus_text="Routines")
    from coachtui.screens.feedback import FeedbackScreen

    async with app.run_test(size=size) as pilot:
        await app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        for part in ("strengths", "criteria", "practice", "reflection"):
            area = app.screen.query_one(f"#fb-{part}", TextArea)
            assert area.content_region.height >= lines, (part, area.content_region.height)


async def test_private_and_shared_look_different(app):
    jid = ended_join(jane(), focus_text="Routines")
    from coachtui.screens.feedback import FeedbackScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        box = app.screen.query_one("#fb-private-reflection", Checkbox)
        shared = str(box.render())
        box.value = True
        await pilot.pause()
        private = str(box.render())
        assert "shared" in shared and "private" not in shared
        assert "private" in private and "shared" not in private
        assert shared.split()[0] != private.split()[0]  # a distinct mark, not only other words
        assert "X" not in shared and "X" not in private


# --- the action step from a > note ----------------------------------------------------------


async def test_a_next_step_note_is_not_paired_with_the_focus_criteria(app):
    jid = joins.start(jane(), focus_item_id=item_id("QU.1.1"))
    joins.add_note(joins.get(jid), "cold call the back row", kind="next")
    joins.end(joins.get(jid))
    title, criteria = joins.focus_of(joins.get(jid))
    from coachtui.screens.feedback import FeedbackScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        form = app.screen
        assert form.query_one("#fb-action_step", Input).value == "cold call the back row"
        assert form.query_one("#fb-step", Select).value is Select.NULL  # written fresh, not the focus step
        assert not any(c in form.query_one("#fb-criteria", TextArea).text for c in criteria)
        assert title[:30] in screen_text(app)  # the agreed focus is shown


async def test_without_a_next_step_note_the_focus_is_the_step_with_its_criteria(app):
    jid = ended_join(jane(), focus_item_id=item_id("QU.1.1"))
    _, criteria = joins.focus_of(joins.get(jid))
    from coachtui.screens.feedback import FeedbackScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        form = app.screen
        assert form.query_one("#fb-step", Select).value == item_id("QU.1.1")
        assert criteria[0] in form.query_one("#fb-criteria", TextArea).text
