"""The one place text is cleaned (base/text.py), and what reaches a terminal."""

from coachtui.base.text import clean, clean_block, for_terminal
from coachtui.cli.main import main


def test_c1_controls_are_dropped_like_c0():
    # U+009B is CSI and U+009D is OSC to some terminals.
    assert clean("Ann\x9b31m\x9d0;title\x07 Lee", "name") == "Ann31m0;title Lee"
    assert clean_block("line\x85one\nline two", "note", 100) == "lineone\nline two"


def test_text_for_a_terminal_shows_controls_as_escapes():
    assert for_terminal("Evil\x1b]0;PWN\x07\u202e\x9b") == "Evil\\x1b]0;PWN\\x07\\u202e\\x9b"
    assert for_terminal("Ciarán Ó Briain") == "Ciarán Ó Briain"


def test_an_error_line_never_drives_the_terminal(tmp_path, capsys):
    hostile = "x\x1b]0;PWNED\x07\x1b[2J.txt"  # an OSC that sets the title, then clear screen
    assert main(["report", "--out", hostile, "--data-dir", str(tmp_path / "d")]) == 1
    err = capsys.readouterr().err
    assert "PWNED" in err and "\x1b" not in err and "\x07" not in err and "\\x1b" in err


def test_the_fast_cleaners_drop_exactly_what_keep_says():
    from coachtui.base import text

    every = "".join(chr(c) for c in range(0x3000)) + "\u202e\u2066"
    assert clean(every, "x", 10**6) == "".join(ch for ch in every if text._keep(ch, "\t")).strip()
    assert clean_block(every, "x", 10**6) == "".join(ch for ch in every if text._keep(ch, "\n\t")).strip()
