"""Marks for what only some operating systems have, so that one command
(`uv run pytest`) passes on Linux, macOS and Windows. A test that needs one
of these skips with the reason elsewhere; everything else runs everywhere."""

import os
import sys

import pytest

# Windows has no POSIX file modes (0600 means nothing there, its ACLs do the job).
posix_modes = pytest.mark.skipif(os.name == "nt", reason="no POSIX file modes on Windows")
# Named pipes made with mkfifo, /dev/zero, sticky folders, symlinks without admin rights.
posix_files = pytest.mark.skipif(os.name == "nt", reason="no FIFOs, /dev or ordinary symlinks on Windows")
# /proc exists on Linux only.
linux_proc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux only")
