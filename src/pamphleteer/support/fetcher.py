"""What WeasyPrint may read: files inside the allowed folders, and nothing else.

A manuscript, a template or a stylesheet could otherwise point WeasyPrint at
`/etc/passwd`, `/dev/zero` or a web address, and the PDF would carry the
result. This fetcher refuses, and the refusal stops the build.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher


class ForbiddenResource(FatalURLFetchingError):
    """A resource outside the allowed folders was asked for."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class FolderFetcher(URLFetcher):
    def __init__(self, allowed: list[Path], pictures: dict[str, Path] | None = None):
        """`pictures`: the file behind each `picture:` address of the print HTML."""
        super().__init__(allowed_protocols={"file", "data", "picture"}, fail_on_errors=True)
        self.allowed = [folder.resolve() for folder in allowed]
        self.pictures = pictures or {}

    def fetch(self, url: str, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "picture":
            if url not in self.pictures:
                raise ForbiddenResource(url, "not a picture of this book")
            url = self.pictures[url].as_uri()
            scheme = "file"
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ForbiddenResource(url, "only files inside the manuscript's folder or styles/ "
                                         "may be used; download it and refer to the local copy")
        path = Path(unquote(urlsplit(url).path)).resolve()  # resolve() follows symlinks
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            raise ForbiddenResource(url, "outside the manuscript's folder and styles/")
        if not path.is_file():
            raise ForbiddenResource(url, "not found, or not a regular file")
        return super().fetch(path.as_uri(), headers)
