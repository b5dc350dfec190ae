"""The roster's keys: typing a name anywhere on the roster finds the name.

The rule: single-letter commands act in the list once Enter or Down has taken
you there from the find box (or you clicked it). Coming back to the roster
(from a screen, a form that edits or another place) puts you in the find box,
the search kept and selected (typing replaces it) and the same person chosen;
Enter or Down goes back to them. Closing F1 help or a dialog opened from the
list (k, c, f) returns to the list. A letter that is not a command starts a
new search, and the letters after it go on into the find box however fast
they come. Enter on a person opens their edit form with nothing selected."""

import pytest
from textual import events
from textual.widgets import Input

from coachtui.roster import staff
from coachtui.store.models import Staff


@pytest.fixture
def seed(ctx):
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    staff.save(name="Jane Smith", team="Maths", coach_id=coach)
    staff.save(name="Tom Jones", team="Science", coach_id=coach)
    staff.save(name="Amara Khan", team="Year 4", coach_id=coach)
    staff.save(name="Leah Ward", team="Year 1", coach_id=coach)


def screen_name(app):
    return app.screen.__class__.__name__


def box(app):
    return app.screen.query_one("#roster-filter", Input)


def names(app):
    return [r.name for r in app.screen.table.rows]


async def burst(app, pilot, keys):
    """Keys as a fast typist sends them: all queued before the first is handled."""
    for key in keys:
        char = {"enter": "\r"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))
    for _ in range(len(keys) + 3):
        await pilot.pause()


async def back_on_the_roster_with_jane_chosen(app, pilot, until):
    await pilot.press(*"jane", "enter", "h")
    await until(pilot, lambda: screen_name(app) == "HistoryScreen", what="the history")
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(app) == "RosterScreen", what="the roster")
    await pilot.pause()


async def test_back_on_the_roster_a_name_enter_j_joins_that_name(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await back_on_the_roster_with_jane_chosen(app, pilot, until)
        await burst(app, pilot, ["t", "o", "m", "enter", "j"])
        await until(pilot, lambda: screen_name(app) == "JoinSetup", what="the join setup")
        assert app.screen.teacher.name == "Tom Jones"
    assert sorted(s.name for s in Staff.select()) == ["Amara Khan", "Cara Coach", "Jane Smith", "Leah Ward",
                                                      "Tom Jones"]


async def test_back_on_the_roster_typing_amara_finds_amara(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await back_on_the_roster_with_jane_chosen(app, pilot, until)
        await pilot.press(*"amara")
        await pilot.pause()
        assert screen_name(app) == "RosterScreen"
        assert box(app).value == "amara"
        assert names(app) == ["Amara Khan"]


async def test_back_on_the_roster_enter_returns_to_the_same_person(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await back_on_the_roster_with_jane_chosen(app, pilot, until)
        assert app.focused is box(app) and box(app).value == "jane"
        await pilot.press("enter", "h")
        await until(pilot, lambda: screen_name(app) == "HistoryScreen", what="the history again")
        assert app.screen.staff_id == Staff.get(Staff.name == "Jane Smith").id


async def test_no_letter_typed_mid_word_in_the_list_opens_a_form(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter")
        assert app.focused is app.screen.table
        # l starts a new search; e (edit) and a (add) are then part of the word.
        await burst(app, pilot, ["l", "e", "a"])
        assert screen_name(app) == "RosterScreen"
        assert box(app).value == "lea"
        assert names(app) == ["Leah Ward"]


async def test_enter_on_a_person_selects_nothing_in_the_edit_form(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "enter")
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the edit form")
        await pilot.pause()
        name = app.screen.query_one("#name", Input)
        assert app.focused is name
        assert name.selected_text == ""
        assert name.cursor_position == len("Jane Smith")
        await pilot.press("j")  # a key meant for the roster adds to the name, never replaces it
        assert name.value == "Jane Smithj"
        await pilot.press("escape", "d")
    assert Staff.select().where(Staff.name == "Jane Smith").exists()


async def test_command_letters_act_after_enter_or_down(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "j")
        await until(pilot, lambda: screen_name(app) == "JoinSetup", what="the join setup")
        assert app.screen.teacher.name == "Jane Smith"
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "RosterScreen", what="the roster")
        await pilot.press("down", "h")
        await until(pilot, lambda: screen_name(app) == "HistoryScreen", what="the history")


async def test_the_rule_is_in_f1_help_and_the_readme(app, until):
    from pathlib import Path

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await until(pilot, lambda: screen_name(app) == "HelpScreen", what="the help")
        text = " ".join(str(app.screen.query_one("#help-text").render()).split())  # F1 wraps to its width
        assert "Coming back to the roster" in text
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "Coming back to the roster" in readme


@pytest.mark.parametrize("opener", [["f1"], ["k"], ["c"], ["f"]])
async def test_closing_help_or_a_list_dialog_returns_to_the_list(app, until, opener):
    """Issue 13: F1 on the list, Esc, then j searched for "j" instead of joining;
    closing the cadence dialog (k) then o searched instead of sorting."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter")
        assert app.focused is app.screen.table
        await pilot.press(*opener)
        await until(pilot, lambda: screen_name(app) != "RosterScreen", what="the dialog")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "RosterScreen", what="the roster")
        await pilot.pause()
        assert app.focused is app.screen.table
        assert app.screen.table.current_row.name == "Jane Smith"
        await pilot.press("j")
        await until(pilot, lambda: screen_name(app) == "JoinSetup", what="the join setup")
        assert app.screen.teacher.name == "Jane Smith"
