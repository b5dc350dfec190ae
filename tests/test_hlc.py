import pytest

from coachtui.launch import open_database
from coachtui.store import db as store_db
from coachtui.store import hlc
from coachtui.store.db import close_store


def test_ticks_are_strictly_increasing_even_when_wall_stalls_or_goes_back():
    walls = iter([1000, 1000, 999, 500, 1001, 1001])
    clock = hlc.Clock("devA", wall=lambda: next(walls))
    stamps = [clock.tick() for _ in range(6)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 6
    assert hlc.parse(stamps[3]).wall == 1000  # clock jumped back: logical time did not


def test_string_order_is_wall_then_counter_then_device():
    a = str(hlc.Stamp(5, 0, "b"))
    b = str(hlc.Stamp(5, 1, "a"))
    c = str(hlc.Stamp(6, 0, "a"))
    tie_a, tie_b = str(hlc.Stamp(5, 0, "a")), str(hlc.Stamp(5, 0, "b"))
    assert a < b < c
    assert tie_a < tie_b  # tie broken by device id
    assert hlc.Stamp(10**12, 0, "x").__str__() < hlc.Stamp(10**12 + 1, 0, "a").__str__()


def test_observe_moves_past_remote_stamps():
    clock = hlc.Clock("me", wall=lambda: 100)
    clock.observe(str(hlc.Stamp(5000, 7, "other")))
    nxt = clock.tick()
    assert nxt > str(hlc.Stamp(5000, 7, "other"))
    assert hlc.parse(nxt).device == "me"


def test_counter_overflow_borrows_a_millisecond():
    clock = hlc.Clock("d", last=str(hlc.Stamp(10, hlc.MAX_COUNTER, "d")), wall=lambda: 10)
    s = hlc.parse(clock.tick())
    assert (s.wall, s.counter) == (11, 0)


@pytest.mark.parametrize("bad", ["", "abc", "123-45-x", "00000000000a0-00000-d"])
def test_parse_rejects_garbage(bad):
    with pytest.raises(ValueError):
        hlc.parse(bad)


def test_device_id_must_not_contain_separator():
    with pytest.raises(ValueError):
        hlc.Clock("a-b")


def test_clock_is_monotonic_across_restarts(tmp_path, monkeypatch):
    path = tmp_path / "c.db"
    open_database(path)
    with store_db.database.atomic():
        first = store_db.tick()
    device = store_db.device_id()
    close_store()
    # The wall clock jumps back an hour before the next start.
    monkeypatch.setattr(hlc, "now_ms", lambda: hlc.parse(first).wall - 3_600_000)
    monkeypatch.setattr(hlc.Clock.__init__, "__defaults__", (None, hlc.now_ms))
    open_database(path)
    with store_db.database.atomic():
        second = store_db.tick()
    assert store_db.device_id() == device
    assert second > first
