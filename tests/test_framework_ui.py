"""Pilot tests of the framework editor (F7) against a file database under tmp_path."""

from textual.widgets import Input, Select, TextArea

from coachtui.screens.framework_edit import FrameworkFile, FrameworkScreen, ItemForm
from coachtui.screens.help import HelpScreen
from coachtui.store.models import FrameworkItem
from coachtui.teaching import framework
from coachtui.teaching.framework import item_id


def rendered(app) -> str:
    table = app.screen.table
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def current_code(app) -> str:
    return app.screen.table.current_row.item.code


async def test_add_reword_reorder_and_retire_with_keys(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)
        assert app.focused is app.screen.table
        await pilot.press("down", "down")
        assert current_code(app) == "BR.1.1"
        # a: add, next to the selected step (a step in BR.1) unless told otherwise.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        assert app.screen.query_one("#fw-kind", Select).value == f"step|{item_id('BR.1')}"
        await pilot.press(*"Seat plan [b]ready[/b]", "tab")
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Plan on the desk", "enter", *"Names checked", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)
        new = FrameworkItem.get_by_id(item_id("BR.1.3"))
        assert (new.title, new.detail, new.parent_id) == ("Seat plan [b]ready[/b]", "Plan on the desk\nNames checked",
                                                          item_id("BR.1"))
        assert current_code(app) == "BR.1.3"
        assert "Seat plan [b]ready[/b]" in rendered(app)  # user text drawn literally
        # r: reword. Nothing is selected on focus (a stray key never replaces the
        # title): the cursor is at the end; Ctrl+U clears to the start.
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+u", *"Seating plan ready", "ctrl+s")
        await pilot.pause()
        assert FrameworkItem.get_by_id(item_id("BR.1.3")).title == "Seating plan ready"
        # [ and shift+up move it up among its siblings.
        await pilot.press("left_square_bracket", "shift+up")
        await pilot.pause()
        assert [i.code for i in framework._children(item_id("BR.1"))] == ["BR.1.3", "BR.1.1", "BR.1.2"]
        assert current_code(app) == "BR.1.3"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert [i.code for i in framework._children(item_id("BR.1"))] == ["BR.1.1", "BR.1.3", "BR.1.2"]
        # x retires (kept, marked, no longer offered); again restores.
        await pilot.press("x")
        await pilot.pause()
        assert FrameworkItem.get_by_id(item_id("BR.1.3")).retired
        assert item_id("BR.1.3") not in {s.id for s in framework.steps()}
        line = next(ln for ln in rendered(app).splitlines() if "BR.1.3" in ln)
        assert line.rstrip().endswith("retired")
        # Ctrl+Z takes the retirement back.
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not FrameworkItem.get_by_id(item_id("BR.1.3")).retired
        assert "retired" not in next(ln for ln in rendered(app).splitlines() if "BR.1.3" in ln)


async def test_form_errors_stay_in_the_form_and_change_nothing(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        count = FrameworkItem.select().count()
        await pilot.press("a", "shift+tab")  # from the title back to the code box
        await pilot.press(*"BR.1.1", "tab", *"Duplicate", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        assert "already used" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape", "d")  # typed text: Esc asks first, d discards it
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)
        assert FrameworkItem.select().count() == count


async def test_find_help_and_export_import_from_the_screen(app, tmp_path):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("slash", *"cold call")
        await pilot.pause()
        assert current_code(app) == "QU.1.1"
        await pilot.press("escape")
        assert app.focused is app.screen.table and len(app.screen.table.rows) == len(framework.tree())
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "retire" in str(app.screen.query_one("#help-text").render())
        await pilot.press("escape")
        # Export in a thread worker, then import a changed copy: preview, then Ctrl+S.
        out = tmp_path / "fw.toml"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkFile)
        app.screen.query_one("#fw-path", Input).value = str(out)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert out.exists() and 'code = "QU.1.1"' in out.read_text()
        await pilot.press("escape")
        out.write_text(out.read_text().replace('code = "QU.1.1"', 'code = "QU.1.1"\nretired = true'))
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#fw-path", Input).value = str(out)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "1 retired" in str(app.screen.query_one("#fw-summary").render())
        assert not FrameworkItem.get_by_id(item_id("QU.1.1")).retired  # only a preview so far
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert FrameworkItem.get_by_id(item_id("QU.1.1")).retired
        await pilot.press("escape")
        await pilot.pause()
        assert "retired" in next(ln for ln in rendered(app).splitlines() if "QU.1.1" in ln)


async def test_feedback_for_a_join_whose_step_was_retired_still_opens(app):
    """The feedback form offers only live steps, but still shows the retired
    one this join was about (instead of failing on a value it does not list)."""
    from textual.widgets import Select as SelectWidget

    from coachtui.lessons import joins
    from coachtui.roster import staff
    from coachtui.screens.feedback import FeedbackScreen

    teacher = staff.save(name="Jane Smith")
    jid = joins.start(teacher, focus_item_id=item_id("QU.1.1"), minutes=20)
    from coachtui.store.models import Join

    joins.end(Join.get_by_id(jid))
    framework.set_retired(item_id("QU.1.1"), True)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        select = app.screen.query_one("#fb-step", SelectWidget)
        assert select.value == item_id("QU.1.1")
        values = [v for _, v in select._options]
        assert item_id("QU.1.2") in values
