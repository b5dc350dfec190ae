import subprocess
import sys

from coachtui import __version__
from coachtui.cli.main import main


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "coachtui", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"coachtui {__version__}"


def test_usage_error_exits_2():
    out = run("no-such-command")
    assert out.returncode == 2


def test_unopenable_database_is_one_line_exit_1(tmp_path, capsys):
    data = tmp_path / "d"
    data.mkdir()
    (data / "coachtui.db").write_bytes(b"garbage" * 50)
    code = main(["--data-dir", str(data), "demo", "--staff", "5"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("coachtui: ") and err.count("\n") == 1


def test_bad_config_is_one_line_exit_1(tmp_path, capsys):
    data = tmp_path / "d"
    data.mkdir()
    (data / "config.toml").write_text("theme = [unclosed")
    from coachtui.base.config import ConfigError
    from coachtui.launch import open_data

    try:
        open_data(str(data))
    except ConfigError as exc:
        assert "not valid TOML" in str(exc)
    else:
        raise AssertionError("bad config accepted")
