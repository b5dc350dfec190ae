"""Pilot tests of the roster against a file database under tmp_path."""

import pytest
from textual.widgets import Input, Static

from coachtui.base.config import load_config
from coachtui.roster import staff
from coachtui.store.models import Staff

ODD = "[bold]Dr [Ann] O'Neil[/]"


@pytest.fixture
def seed(ctx):
    """What the database holds when the app starts (conftest's `app` opens it)."""
    north = staff.site_named("North")
    south = staff.site_named("South")
    coach = staff.save(name="Cara Coach", roles="teacher,coach", site_id=north, team="English")
    staff.save(name="Ben Busy", roles="coach", site_id=south)
    staff.save(name="Jane Smith", site_id=north, team="Maths", coach_id=coach)
    staff.save(name="Tom Jones", site_id=south, team="Science", support="structured")
    staff.save(name=ODD, site_id=north, team="[red]Art")


def row_names(app):
    return [r.name for r in app.screen.table.rows]


def rendered(app) -> str:
    table = app.screen.table
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_roster_lists_everyone_and_renders_odd_names_literally(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(row_names(app)) == 5
        text = rendered(app)
        assert "[bold]Dr [Ann]" in text
        assert "Jane Smith" in text


async def test_typing_filters_fuzzily_and_enter_moves_to_table(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "s", "m")
        await pilot.pause()
        assert row_names(app) == ["Jane Smith"]
        await pilot.press("enter")
        assert app.focused is app.screen.table
        await pilot.press("escape")
        await pilot.pause()
        assert len(row_names(app)) == 5
        box = app.screen.query_one("#roster-filter", Input)
        box.value = "science"
        await pilot.pause()
        assert row_names(app) == ["Tom Jones"]


async def test_edit_form_saves_and_rejects_bad_email(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tom", "enter", "e")
        await pilot.pause()
        form = app.screen
        form.query_one("#email", Input).value = "nope"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open, error shown
        assert "does not look like an email" in str(form.query_one("#form-error", Static).render())
        form.query_one("#email", Input).value = "tom@school.org"
        form.query_one("#name", Input).value = "Tom Jones-Ng"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RosterScreen"
        tom = Staff.get(Staff.email == "tom@school.org")
        assert tom.name == "Tom Jones-Ng"
        assert tom.support == "structured"  # untouched fields survive


async def test_add_new_member_with_new_site(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "a")
        await pilot.pause()
        form = app.screen
        form.query_one("#name", Input).value = "Nia New"
        form.query_one("#site", Input).value = "East Academy"
        await pilot.press("ctrl+s")
        await pilot.pause()
        nia = Staff.get(Staff.name == "Nia New")
        assert {s.name for s in staff.sites()} >= {"East Academy"}
        assert app.screen.table.current_row.id == nia.id


async def test_assign_coach_in_two_keystrokes_and_undo(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tom", "enter")
        await pilot.press("c", "1")
        await pilot.pause()
        tom = Staff.get(Staff.name == "Tom Jones")
        # Tom is at South: the South coach is offered first.
        assert tom.coach_id == Staff.get(Staff.name == "Ben Busy").id
        assert app.screen.table.current_row.coach == "Ben Busy"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert Staff.get_by_id(tom.id).coach_id is None
        assert app.screen.table.current_row.coach == ""


async def test_archive_hides_and_filters_can_show_and_restore(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "x")
        await pilot.pause()
        assert Staff.get(Staff.name == "Jane Smith").archived
        await pilot.press("escape")
        await pilot.pause()
        assert "Jane Smith" not in row_names(app)
        await pilot.press("down", "f")
        await pilot.pause()
        app.screen.query_one("#f-archived").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert row_names(app) == ["Jane Smith"]
        # Back from the filter form the find box has the keys: Down returns to the list.
        await pilot.press("down", "x")
        await pilot.pause()
        assert not Staff.get(Staff.name == "Jane Smith").archived


async def test_filter_by_support_and_teachers_without_coach(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        from coachtui.roster.staff import Filters

        screen._after_filters(Filters(support="structured", labels={"support": "structured support"}))
        await pilot.pause()
        assert row_names(app) == ["Tom Jones"]
        assert "structured support" in str(screen.query_one("#roster-filters", Static).render())
        screen._after_filters(Filters(coach_id="none"))
        await pilot.pause()
        assert sorted(row_names(app)) == sorted(["Cara Coach", "Tom Jones", ODD])


async def test_sort_cycles_columns_and_reverses(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down")
        await pilot.press("o")  # next column after Name: Role
        await pilot.press("o", "o")  # Site, Team
        await pilot.pause()
        assert app.screen.table.sort_key == "team"
        teams = [r.team for r in app.screen.table.rows]
        assert teams == sorted(teams, key=str.casefold)
        await pilot.press("O")
        await pilot.pause()
        assert [r.team for r in app.screen.table.rows] == sorted(teams, key=str.casefold, reverse=True)


async def test_coverage_line_warns_about_teachers_without_coach(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        cov = app.screen.query_one("#coverage", Static)
        assert "1/4 teachers coached" in str(cov.render())
        assert cov.has_class("warn")


async def test_help_and_theme_toggle_persist(app, tmp_path):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "f1")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "Staff roster" in text and "Archive/restore" in text
        await pilot.press("escape", "ctrl+t")
        await pilot.pause()
        assert app.theme == "textual-light"
    assert load_config(app.ctx.paths).theme == "textual-light"


async def test_command_palette_lists_screen_actions(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # focus is in the find box: screen commands still listed
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Add", "Edit", "Coach", "Filters", "Import CSV", "Undo", "Help for this screen"):
            assert wanted in titles
        assert "Paste text from the clipboard" not in " ".join(titles)
        from textual.command import CommandList, CommandPalette

        await pilot.press("ctrl+p", *"filters")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette)
                    and app.screen.query_one(CommandList).option_count > 0
                    and app.screen.query_one(CommandList).highlighted is not None, what="the palette's matches")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FilterForm", what="the filter form")


async def test_strengths_and_development_areas(app):
    from coachtui.roster import focus_areas
    from coachtui.teaching.framework import item_id

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "FocusAreas"
        app.screen.query_one("#focus-filter").value = "cold call"
        await pilot.pause()
        await pilot.press("d")
        jane = Staff.get(Staff.name == "Jane Smith").id
        assert focus_areas.focus_of(jane) == {item_id("QU.1.1"): "development"}
        await pilot.press("s")
        assert focus_areas.focus_of(jane) == {item_id("QU.1.1"): "strength"}
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert focus_areas.focus_of(jane) == {item_id("QU.1.1"): "development"}
        await pilot.press("x", "escape")
        assert focus_areas.focus_of(jane) == {}


async def test_keys_typed_fast_after_enter_reach_the_table(app):
    from textual import events

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # A burst, as a fast typist or a paste sends it: all queued before Enter is handled.
        for key, char in [("j", "j"), ("a", "a"), ("n", "n"), ("enter", "\r"), ("e", "e")]:
            app.post_message(events.Key(key, char))
        for _ in range(5):
            await pilot.pause()
        assert app.screen.__class__.__name__ == "StaffForm"
        assert app.screen.person.name == "Jane Smith"


async def test_settings_validate_and_save(app):
    cara = Staff.get(Staff.name == "Cara Coach").id
    staff.assign_coach(Staff.get(Staff.name == "Tom Jones").id, cara)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        form = app.screen
        form.query_one("#coach_load_limit").value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "coach load limit" in str(form.query_one("#form-error").render())
        form.query_one("#coach_load_limit").value = "1"
        form.query_one("#home_site").value = "North"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.config.coach_load_limit == 1
        assert "over 1: Cara Coach (2)" in str(app.screen.query_one("#coverage").render())
    saved = load_config(app.ctx.paths)
    assert (saved.coach_load_limit, saved.home_site) == (1, "North")


async def test_writes_from_another_copy_appear(app, tmp_path):
    import subprocess
    import sys

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = len(row_names(app))
        code = (
            "import sys; from coachtui.launch import open_database; from coachtui.roster import staff; "
            "from pathlib import Path; open_database(Path(sys.argv[1])); staff.save(name='Other Copy')"
        )
        subprocess.run([sys.executable, "-c", code, str(app.ctx.paths.db)], check=True, timeout=60)
        app._watch_other_writers()
        await pilot.pause()
        assert len(row_names(app)) == before + 1
        assert "Other Copy" in row_names(app)


async def test_merge_duplicates_from_the_roster(app):
    staff.save(name="Mrs Jane Smith", email="jane@x.org")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "D")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "DuplicatesScreen"
        await pilot.press("m", "escape")
        await pilot.pause()
        janes = [n for n in row_names(app) if "Jane" in n]
        assert janes == ["Jane Smith"]
        assert Staff.get(Staff.name == "Jane Smith").email == "jane@x.org"


async def test_a_full_disk_gives_a_message_not_a_crash(app, monkeypatch):
    from peewee import OperationalError

    from coachtui.store import write as w

    def full(*args, **kwargs):
        raise OperationalError("database or disk is full")

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter")
        monkeypatch.setattr(w, "write", full)
        await pilot.press("x")
        await pilot.pause()
        assert app.is_running
        assert any("disk is full" in n.message for n in app._notifications)
        monkeypatch.undo()
        assert not Staff.get(Staff.name == "Jane Smith").archived
        await pilot.press("x")  # and the app still works
        await pilot.pause()
        assert Staff.get(Staff.name == "Jane Smith").archived


async def test_narrowing_and_widening_the_search_gives_the_same_as_fresh(app):
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.screen.query_one("#roster-filter", Input)
        for query in ["o", "on", "on ", "on e", "on", "", "s", "sm", "smi"]:
            box.value = query
            await pilot.pause()
            got = sorted(row_names(app))
            app.screen._search_cache.clear()
            app.screen.apply_filter()
            assert got == sorted(row_names(app)), query


async def test_import_csv_from_the_roster_preview_then_apply(app, tmp_path):
    csv_file = tmp_path / "export.csv"
    csv_file.write_text("Forename,Surname,School\nNew,Person,North\n,,\nTom,Jones,South\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "i")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#csv-path", Input).value = "/no/such/file.csv"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "no such file" in str(screen.query_one("#csv-summary").render())
        screen.query_one("#csv-path", Input).value = str(csv_file)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "would import 1 new, 0 updated, 1 unchanged" in str(screen.query_one("#csv-summary").render())
        assert not Staff.select().where(Staff.name == "New Person").exists()  # preview changes nothing
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "imported 1 new" in str(screen.query_one("#csv-summary").render())
        await pilot.press("escape")
        await pilot.pause()
        assert "New Person" in row_names(app)


async def test_an_unbound_character_in_the_list_starts_a_new_search(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter")
        await pilot.press("T")  # not a command
        await pilot.press("o", "m")
        await pilot.pause()
        assert app.screen.query_one("#roster-filter", Input).value == "Tom"
        assert row_names(app) == ["Tom Jones"]
