"""uv.lock holds a wheel of every package with compiled parts for every laptop
coachtui claims (README, "Platforms"), for every Python uv may pick there.
Without one, `uv run` on that laptop tries to build the package from source:
for cryptography that needs Rust, which a school laptop does not have."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# Each claimed platform: its marker in pyproject's required-environments, and
# the wheel platform tags that install there.
PLATFORMS = {
    "Windows x64": ("sys_platform == 'win32' and platform_machine == 'AMD64'", lambda t: t == "win_amd64"),
    "Windows ARM64": ("sys_platform == 'win32' and platform_machine == 'ARM64'", lambda t: t == "win_arm64"),
    "macOS Intel": ("sys_platform == 'darwin' and platform_machine == 'x86_64'",
                    lambda t: t.startswith("macosx_") and t.endswith(("_x86_64", "_universal2", "_intel"))),
    "macOS Apple silicon": ("sys_platform == 'darwin' and platform_machine == 'arm64'",
                            lambda t: t.startswith("macosx_") and t.endswith(("_arm64", "_universal2"))),
    "Linux x64": ("sys_platform == 'linux' and platform_machine == 'x86_64'",
                  lambda t: t.startswith("manylinux") and t.endswith("_x86_64")),
    "Linux ARM64": ("sys_platform == 'linux' and platform_machine == 'aarch64'",
                    lambda t: t.startswith("manylinux") and t.endswith("_aarch64")),
}
# The Pythons `uv run` may use: the oldest requires-python allows, up to the
# newest CPython release when this lock was made (uv downloads the newest).
PYTHONS = [(3, 11), (3, 12), (3, 13), (3, 14)]


def environment(marker: str, version: tuple[int, int]) -> dict[str, str]:
    """The marker environment of a claimed platform running CPython `version`."""
    env = dict(part.strip().split(" == ") for part in marker.split(" and "))
    env = {k: v.strip("'") for k, v in env.items()}
    return {**env, "python_version": f"{version[0]}.{version[1]}", "python_full_version": f"{version[0]}.{version[1]}.0",
            "platform_python_implementation": "CPython", "implementation_name": "cpython", "os_name":
            "nt" if env["sys_platform"] == "win32" else "posix", "platform_system": {"win32": "Windows", "darwin":
            "Darwin", "linux": "Linux"}[env["sys_platform"]]}


def locked_for(package: dict, env: dict[str, str]) -> bool:
    """Is this locked version the one installed there? (A package pinned per
    platform has one entry per version, each with its resolution-markers.)"""
    markers = package.get("resolution-markers")
    return not markers or any(Marker(m).evaluate(env) for m in markers)


def wheel_tags(filename: str) -> tuple[set[str], set[str], set[str]]:
    """(python tags, abi tags, platform tags) of a wheel file name (PEP 427; compressed tags split)."""
    python, abi, platform = filename.removesuffix(".whl").split("-")[-3:]
    return set(python.split(".")), set(abi.split(".")), set(platform.split("."))


def runs_on(python: str, abi: str, version: tuple[int, int]) -> bool:
    """Can CPython `version` (not free-threaded) install a wheel tagged python-abi?"""
    if not python.startswith("cp"):
        return python in ("py3", f"py{version[0]}{version[1]}") and abi == "none"
    built_for = (int(python[2]), int(python[3:]))
    if abi == "abi3":
        return built_for <= version
    return built_for == version and abi == f"cp{version[0]}{version[1]}"


def compiled_packages() -> list[dict]:
    """Packages from an index with no pure-Python (`-any.whl`) wheel."""
    return [p for p in LOCK["package"]
            if p.get("wheels") and not any(w["url"].endswith("-any.whl") for w in p["wheels"])]


def covered(package: dict, platform_ok, version: tuple[int, int]) -> bool:
    for wheel in package["wheels"]:
        pythons, abis, platforms = wheel_tags(wheel["url"].rsplit("/", 1)[1])
        if any(platform_ok(t) for t in platforms) and any(runs_on(p, a, version) for p in pythons for a in abis):
            return True
    return False


def test_pyproject_requires_every_claimed_platform():
    required = {" ".join(m.split()) for m in PYPROJECT["tool"]["uv"]["required-environments"]}
    assert required == {marker for marker, _ in PLATFORMS.values()}


def test_cryptography_is_among_the_compiled_packages_checked():
    assert "cryptography" in {p["name"] for p in compiled_packages()}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_compiled_package_has_a_wheel_for_each_claimed_platform(platform):
    marker, platform_ok = PLATFORMS[platform]
    missing = [f"{p['name']} {p['version']} (Python {v[0]}.{v[1]})" for p in compiled_packages() for v in PYTHONS
               if locked_for(p, environment(marker, v)) and not covered(p, platform_ok, v)]
    assert not missing, f"uv.lock has no wheel for {platform} of: {', '.join(missing)}"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_platform_gets_exactly_one_cryptography(platform):
    marker, _ = PLATFORMS[platform]
    for v in PYTHONS:
        versions = [p["version"] for p in LOCK["package"]
                    if p["name"] == "cryptography" and locked_for(p, environment(marker, v))]
        assert len(versions) == 1, (platform, v, versions)
