"""Typing and pasting in a join's note box: every Enter makes exactly one
note with exactly the text typed, whatever the pace; a paste keeps every
line; Ctrl+Z in the box undoes typing, never a saved note."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from textual import events
from textual.widgets import Input

from coachtui.lessons import joins
from coachtui.roster import staff


@pytest.fixture
def seed(ctx):
    t = staff.save(name="Tia Teacher")
    staff.save(name="Xavier Other")  # a roster with more than one row: stray letters would act on it
    joins.start(t, focus_item_id=None, focus_text="Routines")


def key(ch: str) -> events.Key:
    names = {"\r": "enter", " ": "space", "+": "plus", ">": "greater_than_sign", "?": "question_mark"}
    return events.Key(names.get(ch, ch), ch)


def post(app, keys) -> None:
    """Keys queued all at once, as a terminal delivers them when the app is a
    moment behind (no turn of the event loop between them)."""
    for k in keys:
        app.post_message(key(k) if len(k) == 1 else events.Key(k, None))


async def in_the_note_box(app, pilot, until) -> None:
    await until(pilot, lambda: getattr(app.focused, "id", None) == "join-note", what="typing in the join")


def live(jid):
    return [(n.kind, n.text) for n in joins.notes(jid)]


async def test_two_enters_a_millisecond_apart_make_one_note(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        post(app, [*"pupils settled", "\r", "\r"])
        await pilot.pause(0.3)
        assert live(jid) == [("observation", "pupils settled")]


async def test_notes_typed_faster_than_the_screen_keeps_each_its_own_text(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        post(app, [*"one\r+two\r?three\rfour wrong", "backspace", "backspace", "backspace", "backspace", "backspace",
                   "backspace", *"\rfive"])
        await pilot.pause(0.3)
        assert live(jid) == [("observation", "one"), ("strength", "two"), ("question", "three"),
                             ("observation", "four")]
        assert app.screen.query_one("#join-note", Input).value == "five"


async def test_a_pasted_three_lines_keep_every_line(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        await pilot.press(*"from the plan: ")
        app.screen.query_one("#join-note", Input).post_message(events.Paste("starter on the board\n+clear model\n"
                                                                             "?who checks the"))
        await pilot.pause(0.3)
        box = app.screen.query_one("#join-note", Input)
        # Each line break acts as Enter; what follows the last one waits in the box.
        assert live(jid) == [("observation", "from the plan: starter on the board"), ("strength", "clear model")]
        assert box.value == "?who checks the"
        await pilot.press(*" answers", "enter")
        await pilot.pause()
        assert live(jid)[-1] == ("question", "who checks the answers")
        assert "three pasted" in app.screen.HELP  # and F1 says so


async def test_text_left_in_the_box_at_the_end_keeps_its_kind(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        await pilot.press(*"+great start to the lesson", "escape", "e")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback")
        assert live(jid) == [("strength", "great start to the lesson")]


async def test_ctrl_z_in_the_note_box_undoes_typing_not_the_last_note(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        await pilot.press(*"kept note", "enter", *"abc def")
        await pilot.pause()
        box = app.screen.query_one("#join-note", Input)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert live(jid) == [("observation", "kept note")]
        assert box.value == "abc "
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
        assert box.value == ""
        assert live(jid) == [("observation", "kept note")]
        await pilot.press("escape", "ctrl+z")  # out of the box, Ctrl+Z takes back the last change
        await pilot.pause()
        assert live(jid) == []


async def test_typing_straight_after_ctrl_s_goes_into_the_note(app, until):
    joins.end(joins.running_join())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tia", "enter", "j")
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinSetup")
        app.screen.query_one("#join-focus", Input).value = "Routines"
        await pilot.pause()
        loop = asyncio.get_running_loop()

        def typist():  # a coach who starts typing the moment they press Ctrl+S
            for k in [events.Key("ctrl+s", None), *map(key, "first note\r")]:
                loop.call_soon_threadsafe(app.post_message, k)
                time.sleep(0.005)

        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        await until(pilot, lambda: not thread.is_alive())
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinScreen", what="the join")
        jid = joins.running_join().id
        await until(pilot, lambda: live(jid) != [], what="a note")
        await pilot.pause(0.3)
        assert live(jid) == [("observation", "first note")]
        assert [s.name for s in staff.roster_rows()] == ["Tia Teacher", "Xavier Other"]  # nothing else touched


async def test_typing_straight_after_enter_in_the_last_box_goes_into_the_note(app, until):
    joins.end(joins.running_join())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tia", "enter", "j")
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinSetup")
        app.screen.query_one("#join-focus", Input).value = "Routines"
        app.screen.query_one("#join-tallies", Input).focus()
        await pilot.pause()
        post(app, [*"\rfirst note\r"])
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinScreen", what="the join")
        jid = joins.running_join().id
        await until(pilot, lambda: live(jid) != [], what="a note")
        await pilot.pause(0.3)
        assert live(jid) == [("observation", "first note")]
        assert joins.tallies(joins.running_join()) == {"questions asked": [], "cold calls": [], "pupils off task": []}
