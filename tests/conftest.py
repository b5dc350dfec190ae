import pytest

from coachtui.launch import open_database
from coachtui.store import write
from coachtui.store.db import close_store


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    """Never touch the real user dirs: point everything at tmp_path."""
    monkeypatch.setenv("COACHTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    # macOS and Windows ignore XDG_*: the platform's folders (and Documents, where
    # summaries and reports go) are pointed at tmp_path on every system.
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app=None, *a, **k: str(tmp_path / "xdg-data" / (app or "")))
    monkeypatch.setattr(platformdirs, "user_config_dir",
                        lambda app=None, *a, **k: str(tmp_path / "xdg-config" / (app or "")))
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda *a, **k: str(tmp_path / "Documents"))
    # The same symbols and terminal answers on every OS (a Windows CI runs in the old console).
    from coachtui.base import glyphs, terminal

    monkeypatch.setattr(terminal, "PLATFORM", "linux")
    yield
    glyphs.use_ascii(False)
    write.clear_history()
    close_store()


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "data" / "coachtui.db"
    open_database(path)
    yield path
    close_store()


@pytest.fixture
def ctx(tmp_path):
    """The test's data folder, opened the way the app opens it."""
    from coachtui.launch import open_data

    return open_data(str(tmp_path / "data"))


@pytest.fixture
def seed(ctx):
    """What the database holds when the app starts: a UI test file overrides this."""


@pytest.fixture
def app(ctx, seed):
    """The app on the test's data folder (after `seed`), for `app.run_test()`."""
    from coachtui.app import CoachApp

    return CoachApp(ctx)


@pytest.fixture
def until():
    """Wait on a condition in a pilot run, not on a clock: `await until(pilot, lambda: ...)`.
    Fails the test if it has not held within `timeout` seconds."""

    async def wait(pilot, condition, timeout: float = 5.0, what: str = "the condition"):
        import time

        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not hold within {timeout} s")
            await pilot.pause(0.02)

    return wait
