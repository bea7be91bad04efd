"""WeasyPrint's native libraries (GObject, Pango, HarfBuzz, fontconfig) found without a compiler.

WeasyPrint opens each library under several names, the Windows ones first. On
Linux, cffi hands every name it cannot open to `ctypes.util.find_library`, which,
for a name the linker cache does not hold, runs `gcc` and then `ld` to look for
it: about thirty processes, a third of a second of every command that lays out a
page, before any work. While WeasyPrint loads (and only then), a name is looked
for where `ld` would find it: in the linker cache (`ldconfig -p`, read once) and
in LD_LIBRARY_PATH. The compiler's own folders, which `gcc` adds, hold none of
these libraries.

`find_libraries_quickly()` arranges this for the first import of WeasyPrint in
the process, wherever it happens; it changes nothing anywhere else.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import importlib.machinery
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

# ctypes.util's names for the C library's ABI in `ldconfig -p`, by machine and word size.
_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def find_libraries_quickly() -> None:
    """The next import of WeasyPrint finds its libraries without running a compiler."""
    if sys.platform.startswith("linux") and "weasyprint" not in sys.modules:
        sys.meta_path.insert(0, _FirstWeasyPrint())


class _FirstWeasyPrint:
    """Finds `weasyprint` as Python would, and loads it with `libraries_found_quickly`."""

    def find_spec(self, name: str, path=None, target=None):
        if name != "weasyprint":
            return None
        sys.meta_path.remove(self)  # once: the submodules load inside the package's own import
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def exec_module(module) -> None:
                with libraries_found_quickly():
                    load(module)

            spec.loader.exec_module = exec_module
        return spec


@contextlib.contextmanager
def libraries_found_quickly() -> Iterator[None]:
    """`ctypes.util.find_library` answering from the linker cache and LD_LIBRARY_PATH."""
    usual = ctypes.util.find_library
    ctypes.util.find_library = _find_library
    try:
        yield
    finally:
        ctypes.util.find_library = usual


@functools.cache
def _find_library(name: str) -> str | None:
    found = re.search(rb"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(os.fsencode(name)), _abi()), _linker_cache())
    if found:
        return os.fsdecode(found[1])
    for folder in filter(None, os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)):
        candidates = sorted(Path(folder).glob(f"lib{name}.so*"))
        if candidates:
            return candidates[0].name
    return None


def _abi() -> bytes:
    machine = f"{os.uname().machine}-{struct.calcsize('l') * 8}"
    return _ABI.get(machine, "libc6").encode()


@functools.cache
def _linker_cache() -> bytes:
    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, check=False,
                              env={**os.environ, "LC_ALL": "C", "LANG": "C"}).stdout
    except OSError:
        return b""
