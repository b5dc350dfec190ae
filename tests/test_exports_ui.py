"""Files for people go to Documents/coachtui with readable names, the full
path shown; paths pasted with quotes (Explorer's "Copy as path") or backslash
escapes (dragged from Finder) are taken as the path they name (issue 15)."""

from __future__ import annotations

from textual.widgets import Input

from coachtui.lessons import feedback, joins
from coachtui.roster import staff
from coachtui.store.models import Join

PASS = "correct horse battery staple"


def seed_join() -> str:
    teacher = staff.save(name="Siân Ó Súilleabháin", team="Welsh")
    jid = joins.start(teacher, focus_item_id=None, focus_text="Routines", minutes=20)
    joins.add_note(Join.get_by_id(jid), "+calm start", "strength")
    joins.end(Join.get_by_id(jid))
    return jid


def documents(tmp_path):
    return tmp_path / "Documents" / "coachtui"  # conftest points Documents here


async def test_a_teachers_summary_goes_to_documents_with_their_name_as_written(app, tmp_path):
    from coachtui.screens.feedback import FeedbackScreen

    jid = seed_join()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        written = list(documents(tmp_path).glob("*.md"))
        assert len(written) == 1 and "Siân Ó Súilleabháin" in written[0].name, written
        assert feedback.get(jid) is not None
        assert any(str(written[0]) in str(n.message) for n in app._notifications)  # the full path shown


async def test_the_sync_screen_takes_a_path_copied_from_explorer_or_dragged_from_finder(app, tmp_path):
    stick = tmp_path / "NO NAME"
    stick.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#sync-pass", Input).value = PASS
        for typed, made in ((f'"{stick / "quoted.ctb"}"', "quoted.ctb"),
                            (str(stick / "dragged.ctb").replace(" ", "\\ ") + " ", "dragged.ctb")):
            screen.query_one("#sync-path", Input).value = typed
            await pilot.press("ctrl+e")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert (stick / made).exists(), str(screen.query_one("#sync-status").render())


async def test_framework_import_and_export_take_pasted_paths_and_export_to_documents(app, tmp_path):
    from coachtui.screens.framework_edit import FrameworkFile

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkFile)
        offered = app.screen.query_one("#fw-path", Input).value
        assert offered == str(documents(tmp_path) / "framework.toml")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        out = documents(tmp_path) / "framework.toml"
        assert out.exists() and str(out) in str(app.screen.query_one("#fw-summary").render())
        await pilot.press("escape")
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#fw-path", Input).value = f'"{out}"'
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "✗" not in str(app.screen.query_one("#fw-summary").render())


async def test_the_review_report_is_offered_in_documents_and_takes_a_quoted_path(app, tmp_path):
    from coachtui.screens.review import ReportModal

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        app.push_screen(ReportModal())
        await pilot.pause()
        box = app.screen.query_one("#rv-path", Input)
        assert box.value.startswith(str(documents(tmp_path))) and box.value.endswith(".md")
        (tmp_path / "my reports").mkdir()
        box.value = f'"{tmp_path / "my reports" / "review.csv"}"'
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "my reports" / "review-coverage.csv").exists()  # one CSV per table
