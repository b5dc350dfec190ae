"""Every checkbox in the app shows its state by its look, not by colour alone:
the stock one draws the same X ticked or not."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from coachtui.roster import staff


@pytest.fixture
def seed(ctx):
    staff.save(name="Tia Teacher", roles="teacher")


def looks(box: Checkbox) -> str:
    return str(box.render())


@pytest.mark.parametrize(("keys", "selector"), [(("tia", "enter", "e"), "#role-coach"), (("down", "f"), "#f-archived")])
async def test_a_ticked_box_looks_ticked(app, keys, selector):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        box = app.screen.query_one(selector, Checkbox)
        off = looks(box)
        box.value = True
        await pilot.pause()
        on = looks(box)
        assert on != off and "X" not in on + off, (on, off)
        assert "✓" in on and "✓" not in off
