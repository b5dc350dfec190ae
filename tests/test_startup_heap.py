"""The app pauses garbage collection while it builds its first screen (for
start-up speed); collection must be back on once that screen is up, and after
an app that never got that far."""

import gc

import pytest


@pytest.mark.asyncio
async def test_collection_resumes_once_the_roster_is_up(app, until):
    async with app.run_test() as pilot:
        await until(pilot, lambda: gc.isenabled(), what="garbage collection back on")
    assert gc.isenabled()


@pytest.mark.asyncio
async def test_collection_resumes_when_the_app_ends_before_its_first_screen(app, monkeypatch):
    monkeypatch.setattr(type(app), "_settle_heap", lambda self: None)
    async with app.run_test():
        assert not gc.isenabled()
    assert gc.isenabled()
