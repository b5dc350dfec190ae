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
    yield
    write.clear_history()
    close_store()


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "data" / "coachtui.db"
    open_database(path)
    yield path
    close_store()
