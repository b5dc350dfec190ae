"""Keys that arrive together (a fast typist, a laggy remote desktop, a text
expander, tmux) go where they would have gone one by one: a key that moves the
focus or changes the screen is handled before the keys behind it are routed."""

import pytest
from textual import events
from textual.widgets import Input

from coachtui.roster import staff
from tests.keys import send_raw


@pytest.fixture
def seed(ctx):
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    staff.save(name="Jane Smith", team="Maths", coach_id=coach)


def burst(app, keys):
    """Post every key at once, as a terminal delivers a burst: none waits for the one before."""
    chars = {"tab": "\t", "slash": "/", "space": " ", "enter": "\r"}
    for key in keys:
        char = key if len(key) == 1 else chars.get(key)
        app.post_message(events.Key("space" if key == " " else key, char))


async def test_text_after_tab_goes_into_the_next_field(app, until):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "a")  # into the list, add a person
        await until(pilot, lambda: app.screen.__class__.__name__ == "StaffForm", what="the staff form")
        burst(app, list("Ann Lee") + ["tab"] + list("ann@x.org"))
        await until(pilot, lambda: app.screen.query_one("#email", Input).value, what="text in the email box")
        await pilot.pause()
        assert app.screen.query_one("#name", Input).value == "Ann Lee"
        assert app.screen.query_one("#email", Input).value == "ann@x.org"


async def test_text_after_a_key_that_opens_a_screen_goes_into_that_screen(app, until):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down")
        burst(app, ["a"] + list("Bo"))  # `a` opens the form; "Bo" is typed into it, not searched for
        await until(pilot, lambda: app.screen.__class__.__name__ == "StaffForm", what="the staff form")
        await until(pilot, lambda: app.screen.query_one("#name", Input).value, what="text in the name box")
        await pilot.pause()
        assert app.screen.query_one("#name", Input).value == "Bo"


async def test_find_in_the_framework_takes_the_whole_word(app, until):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("down")
        burst(app, ["slash"] + list("feedback"))
        await until(pilot, lambda: app.screen.query_one("#fw-find", Input).value.endswith("k"), what="the word")
        assert app.screen.query_one("#fw-find", Input).value == "feedback"


async def test_esc_and_a_letter_in_one_burst_close_help_then_act(app, until):
    """A terminal sends Esc and a key typed within ~100 ms as Alt+key: F1, then
    Esc and `a` quickly, closed nothing and lost the `a` (the re-check walkthrough)."""
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "f1")
        await until(pilot, lambda: app.screen.__class__.__name__ != "RosterScreen", what="the help")
        await send_raw(app, pilot, "\x1ba")
        await until(pilot, lambda: app.screen.__class__.__name__ == "StaffForm", what="the staff form from `a`")


async def test_a_name_typed_and_enter_take_the_best_match(app, until):
    """The re-check walkthrough: `padraig v` then Enter took Pádraig Adeyemi,
    the person under the cursor from `padraig`, though Pádraig Vaughan was
    now the best match and first in the list."""
    from coachtui.roster import staff as roster_staff

    roster_staff.save(name="Pádraig Adeyemi", team="Science", email="pa@riverside.org")
    roster_staff.save(name="Pádraig Vaughan", team="Maths")
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.reload()
        await pilot.pause()
        burst(app, list("padraig v") + ["enter"])
        await until(pilot, lambda: app.focused is app.screen.table, what="the list")
        assert app.screen.table.rows[0].name == "Pádraig Vaughan"
        assert app.screen.table.current_row.name == "Pádraig Vaughan"


async def test_a_ctrl_key_typed_straight_after_text_acts_on_the_whole_text(app, until, monkeypatch, tmp_path):
    """Typing a folder and Ctrl+F at once synced with the half-typed folder
    (/tmp/ instead of /tmp/fe-it/usb): a priority binding ran before the
    letters ahead of it had reached the box."""
    from coachtui.screens.sync import SyncScreen

    seen = []
    monkeypatch.setattr(SyncScreen, "_run", lambda self, what, path, *a: seen.append(path))
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(SyncScreen())
        await until(pilot, lambda: isinstance(app.focused, Input), what="the Path box")
        app.screen.query_one("#sync-pass", Input).value = "a passphrase"
        target = str(tmp_path / "a" / "long" / "folder" / "name")
        burst(app, list(target) + ["ctrl+f"])
        await until(pilot, lambda: seen, what="a sync")
        assert seen == [target]
