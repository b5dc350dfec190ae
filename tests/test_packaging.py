"""The installed wheel, not just the checkout, starts and finds its styles and data."""

import os
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

from coachtui.base.resources import read_text, resource

pytestmark = pytest.mark.slow  # builds and installs a wheel

ROOT = Path(__file__).resolve().parent.parent


def test_resources_found_from_checkout():
    assert resource("styles", "app.tcss").is_file()
    assert "[[domain]]" in read_text("data", "framework.toml")


@pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to build the wheel")
def test_installed_wheel_runs_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(["uv", "build", "--wheel", "--out-dir", str(dist), str(ROOT)], check=True,
                   capture_output=True, timeout=300)
    wheel = next(dist.glob("coachtui-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False, system_site_packages=False)
    # Scripts\python.exe on Windows, bin/python elsewhere: ask sysconfig, as venv itself does.
    scripts = Path(sysconfig.get_path("scripts", "venv", vars={"base": str(env_dir), "platbase": str(env_dir)}))
    py = next(p for p in (scripts / "python.exe", scripts / "python") if p.exists())
    # Install the wheel with its dependencies from the same places uv uses.
    subprocess.run(["uv", "pip", "install", "--python", str(py), str(wheel)], check=True,
                   capture_output=True, timeout=300)
    script = (
        "import asyncio, sys\n"
        "from coachtui.app import CoachApp\n"
        "from coachtui.launch import open_data\n"
        "async def main():\n"
        "    app = CoachApp(open_data(sys.argv[1]))\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "        from coachtui.base.resources import resource\n"
        "        css = str(resource('styles', 'app.tcss'))\n"
        "        print(type(app.screen).__name__, app.stylesheet.has_source(css))\n"
        "asyncio.run(main())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(py), "-c", script, str(tmp_path / "data")], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RosterScreen", "True"]
    located = subprocess.run([str(py), "-c", "import coachtui; print(coachtui.__file__)"], cwd=tmp_path,
                             env=env, capture_output=True, text=True)
    assert str(ROOT) not in located.stdout  # really the installed copy
    version = subprocess.run([str(shutil.which("coachtui", path=str(scripts))), "--version"], capture_output=True,
                             text=True)
    assert version.stdout.startswith("coachtui ")
