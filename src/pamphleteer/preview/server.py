"""The preview's web server: the viewer, what the last build made, and its events.

Only what is named here can be fetched: the viewer's own files (by name, from a fixed
list), the last build's pages, PDF and EPUB (from memory; an EPUB's documents by their
exact names in its zip) and the manuscript's text. No request names a path on disk, so
`/../`, encoded dots and links lead nowhere: 404. It listens on 127.0.0.1 unless told
otherwise, and answers each request in a thread of its own (the events stay open).
"""

from __future__ import annotations

import io
import json
import queue
import re
import zipfile
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .session import Session

ASSETS = Path(__file__).parent / "assets"
# name -> content type: the only files of the viewer the server gives out
VIEWER = {"index.html": "text/html; charset=utf-8", "viewer.css": "text/css; charset=utf-8",
          "viewer.js": "text/javascript; charset=utf-8", "epub-view.css": "text/css; charset=utf-8",
          "epub-view.js": "text/javascript; charset=utf-8"}
TYPES = {".xhtml": "application/xhtml+xml; charset=utf-8", ".html": "text/html; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml", ".otf": "font/otf",
         ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2", ".js": "text/javascript"}
PAGE = re.compile(r"/page/(\d+)\.png")
KEEP_ALIVE = 15  # seconds between comments on an idle event stream
# In each EPUB document the viewer shows, after <head>: its note pop-ups and page numbers.
VIEWER_IN_EPUB = (b'<link rel="stylesheet" href="/assets/epub-view.css"/>'
                  b'<script src="/assets/epub-view.js" defer="defer"></script>')


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream does not hold up the stop

    def __init__(self, session: Session, host: str = "127.0.0.1", port: int = 8000):
        self.session = session
        self.streams: list[queue.Queue] = []
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def close_streams(self) -> None:
        for stream in list(self.streams):
            stream.put(None)


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # the command line says what matters
        pass

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        address = urlsplit(self.path)
        path, query = unquote(address.path), parse_qs(address.query)
        session = self.server.session
        if path in ("/", "/index.html"):
            return self._asset("index.html")
        if path.startswith("/assets/"):
            return self._asset(path.removeprefix("/assets/"))
        if path == "/build.json":
            return self._send(session.as_json(), "application/json", cache=False)
        if path == "/events":
            return self._events()
        if path == "/source.json":
            return self._send(json.dumps(session.source_lines()).encode(), "application/json", cache=False)
        if (match := PAGE.fullmatch(path)) is not None:
            return self._page(int(match[1]), query)
        if path.startswith("/files/"):
            return self._file(path.removeprefix("/files/"))
        if path == "/epub.json":
            return self._send(json.dumps(self._spine()).encode(), "application/json", cache=False)
        if path.startswith("/epub/"):
            return self._epub(path.removeprefix("/epub/"))
        self._not_found()

    # ---- what can be fetched -----------------------------------------------------------

    def _asset(self, name: str) -> None:
        if name not in VIEWER:
            return self._not_found()
        self._send((ASSETS / name).read_bytes(), VIEWER[name], cache=False)

    def _page(self, number: int, query: dict) -> None:
        pages = self.server.session.shown.pages
        if pages is None or not 1 <= number <= len(pages):
            return self._not_found()
        width = int(query.get("w", ["600"])[0]) if query.get("w", ["600"])[0].isdigit() else 600
        self._send(pages.png(number, width), "image/png", cache=True)

    def _file(self, name: str) -> None:
        shown = self.server.session.shown
        for kind, data in (("pdf", shown.pdf), ("epub", shown.epub)):
            if data is not None and shown.names.get(kind) == name:
                types = {"pdf": "application/pdf", "epub": "application/epub+zip"}
                return self._send(data, types[kind], cache=False)
        self._not_found()

    def _epub_zip(self) -> zipfile.ZipFile | None:
        epub = self.server.session.shown.epub
        return zipfile.ZipFile(io.BytesIO(epub)) if epub else None

    def _spine(self) -> list[dict]:
        """The EPUB's documents in reading order: {"href": /epub/..., "title": ...}."""
        archive = self._epub_zip()
        if archive is None:
            return []
        from lxml import etree

        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        opf = etree.fromstring(archive.read(opf_name))
        base = opf_name.rpartition("/")[0]
        items = {item.get("id"): item for item in opf.xpath("//*[local-name()='item']")}
        found = []
        for ref in opf.xpath("//*[local-name()='itemref']"):
            href = items[ref.get("idref")].get("href")
            name = f"{base}/{href}" if base else href
            title = etree.fromstring(archive.read(name)).xpath("string(//*[local-name()='title'])")
            found.append({"href": f"/epub/{name}", "title": title.strip() or href})
        return found

    def _epub(self, name: str) -> None:
        archive = self._epub_zip()
        if archive is None or name not in archive.namelist() or name.endswith("/"):
            return self._not_found()
        data = archive.read(name)
        suffix = Path(name).suffix.lower()
        if suffix == ".xhtml":
            data = data.replace(b"</head>", VIEWER_IN_EPUB + b"</head>", 1)
        self._send(data, TYPES.get(suffix, "application/octet-stream"), cache=False)

    # ---- answers ---------------------------------------------------------------------

    def _events(self) -> None:
        """Server-sent events: `build` after each build, `files` when its PDF and EPUB are written."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        stream: queue.Queue = queue.Queue()
        self.server.streams.append(stream)
        stop_listening = self.server.session.listen(lambda event, data: stream.put((event, data)))
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                try:
                    item = stream.get(timeout=KEEP_ALIVE)
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    continue
                if item is None:
                    return
                event, data = item
                self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            stop_listening()
            self.server.streams.remove(stream)
            self.close_connection = True

    def _send(self, data: bytes, content_type: str, cache: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        # A page's address carries its digest: the same address is the same picture.
        self.send_header("Cache-Control", "max-age=3600, immutable" if cache else "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _not_found(self) -> None:
        body = b"not found"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
