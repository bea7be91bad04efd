"""What a command costs before it does any work (support/native.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _tools_run(tmp_path: Path, code: str) -> list[str]:
    """The compilers and linkers that `python -c code` starts: stand-ins first on PATH,
    which say so and fail, as they do when a library is not where they look."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    said = tmp_path / "said"
    for tool in ("gcc", "cc", "ld", "objdump"):
        (folder / tool).write_text(f"#!/bin/sh\necho {tool} >> {said}\nexit 1\n", encoding="utf-8")
        (folder / tool).chmod(0o755)
    said.write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr
    return said.read_text(encoding="utf-8").split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux looks for libraries with gcc")
def test_loading_weasyprint_runs_no_compiler(tmp_path):
    # WeasyPrint on its own asks gcc and ld for the Windows names of its libraries...
    assert "gcc" in _tools_run(tmp_path, "import weasyprint")
    # ...under pamphleteer it finds every one of them without, the same ones.
    code = ("import pamphleteer, weasyprint\nfrom weasyprint.text import ffi\n"
            "assert all(lib is not None for lib in (ffi.gobject, ffi.pango, ffi.harfbuzz, "
            "ffi.fontconfig, ffi.pangoft2))\n"
            "import ctypes.util; assert ctypes.util.find_library.__name__ == 'find_library'\n")
    assert _tools_run(tmp_path, code) == []
