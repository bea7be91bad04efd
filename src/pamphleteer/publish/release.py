"""Releases: a checked book's files in publish/<slug>/<version>/, with checksums and a record.

    manuscript --build (if stale)--> build/ --strict checks--> staged release --rename--> publish/
                                                                       \\--> the catalogue, rebuilt

A release is made in a hidden folder beside its place and renamed into place
whole, so a reader of publish/ never sees half of one. A published release is
never changed: the same version with the same files is a no-op, with other
files it is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .. import __version__
from ..model import Book
from ..problems import display_path, fail
from ..read.frontmatter import key_line, split_front_matter
from ..support.cache import file_sha256
from ..support.clock import source_date_epoch
from .versions import next_version

RECORD = "release.json"
SUMS = "SHA256SUMS"
THUMBNAIL_WIDTH = 320  # pixels: a cover 160 CSS pixels wide on a 2× phone screen


@dataclass(frozen=True)
class Edition:
    """One file of a release: which built file it comes from and what it is called."""

    format: str  # epub, pdf, print-pdf, booklet-pdf, print-cover, cover, thumbnail
    built: Path
    name: str
    media_type: str


@dataclass(frozen=True)
class Outcome:
    folder: Path
    written: bool  # False: the same release was already there


def release_folder(publish: Path, book: Book) -> Path:
    return publish / book.metadata.slug / book.metadata.version


def editions(book: Book, built: dict[str, Path]) -> list[Edition]:
    """The files a release holds, named <slug>-<version>[-kind].<ext>, from the built ones."""
    base = f"{book.metadata.slug}-{book.metadata.version}"
    kinds = [("epub", f"{base}.epub", "application/epub+zip"),
             ("pdf", f"{base}.pdf", "application/pdf"),
             ("print-pdf", f"{base}-print.pdf", "application/pdf"),
             ("booklet-pdf", f"{base}-booklet.pdf", "application/pdf"),
             ("print-cover", f"{base}-print-cover.pdf", "application/pdf"),
             ("cover", f"{base}-cover.jpg", "image/jpeg")]
    return [Edition(kind, built[kind], name, media_type) for kind, name, media_type in kinds]


@contextlib.contextmanager
def publish_lock(publish: Path) -> Iterator[None]:
    """One writer at a time in publish/ (`make -j publish`); the lock is on the folder itself,
    so no lock file is left in what gets copied to the web server."""
    publish.mkdir(parents=True, exist_ok=True)
    handle = os.open(publish, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def make_release(book: Book, built: dict[str, Path], publish: Path, print_profile: str,
                 check: Callable[[], None] = lambda: None, when: dt.datetime | None = None) -> Outcome:
    """Publish the built files of `book` (keys as in `editions`). `check` runs only when
    there is something new to publish, and stops it by raising."""
    folder = release_folder(publish, book)
    refuse_another_book(publish, book)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
    try:
        files = _stage_files(book, built, staging)
        record = release_record(book, files, print_profile, when or publication_time())
        _write(staging / RECORD, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        sums = "".join(f"{entry['sha256']}  {entry['name']}\n" for entry in files)
        sums += f"{file_sha256(staging / RECORD)}  {RECORD}\n"
        _write(staging / SUMS, sums)
        if folder.exists():
            _same_or_refuse(folder, files, book)
            return Outcome(folder, written=False)
        check()
        _sync(staging)
        with publish_lock(publish):  # another book may have taken the slug or version meanwhile
            refuse_another_book(publish, book)
            if folder.exists():
                _same_or_refuse(folder, files, book)
                return Outcome(folder, written=False)
            os.rename(staging, folder)  # atomic: the whole release appears at once
        return Outcome(folder, written=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publication_time() -> dt.datetime:
    """When this release is made: SOURCE_DATE_EPOCH if set (reproducible builds), else now."""
    return source_date_epoch() or dt.datetime.now(dt.UTC).replace(microsecond=0)


def release_record(book: Book, files: list[dict], print_profile: str,
                   published: dt.datetime) -> dict:
    meta = book.metadata
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "authors": list(meta.authors),
        "language": meta.lang,
        "identifier": meta.identifier,
        "version": meta.version,
        "slug": meta.slug,
        "date": meta.date,
        "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": meta.publisher,
        "description": meta.description,
        "subjects": list(meta.subjects),
        "rights": meta.rights,
        "print_profile": print_profile,
        "files": files,
        "tool": {"name": "pamphleteer", "version": __version__},
    }


def _stage_files(book: Book, built: dict[str, Path], staging: Path) -> list[dict]:
    files = []
    for edition in editions(book, built):
        shutil.copyfile(edition.built, staging / edition.name)
        files.append(_describe(staging / edition.name, edition.format, edition.media_type))
    thumbnail = staging / f"{book.metadata.slug}-{book.metadata.version}-thumbnail.jpg"
    _write(thumbnail, make_thumbnail(built["cover"].read_bytes()))
    files.append(_describe(thumbnail, "thumbnail", "image/jpeg"))
    return files


def make_thumbnail(cover: bytes) -> bytes:
    """The cover small, for catalogue pages and e-reader apps' lists."""
    with Image.open(io.BytesIO(cover)) as image:
        small = image.convert("RGB")
        height = round(small.height * THUMBNAIL_WIDTH / small.width)
        small = small.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def _describe(path: Path, kind: str, media_type: str) -> dict:
    return {"name": path.name, "format": kind, "media_type": media_type,
            "size": path.stat().st_size, "sha256": file_sha256(path)}


def _write(path: Path, text: str | bytes) -> None:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


def _sync(staging: Path) -> None:
    """On disk before the rename, so a crash cannot leave a release of empty files."""
    for path in [*staging.iterdir(), staging]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _same_or_refuse(folder: Path, files: list[dict], book: Book) -> None:
    """A published release stays as it is: the same files again is fine, others are not."""
    published = read_record(folder / RECORD).get("files", [])
    for entry in published:  # what is on disk, not only what the record says
        path = folder / entry["name"]
        if not path.is_file() or file_sha256(path) != entry["sha256"]:
            raise fail("PUBLISH-001", f"{display_path(path)} is missing or damaged (its SHA-256 differs from "
                       "release.json): restore it from your copy of publish/")
    have = {entry["name"]: entry["sha256"] for entry in published}
    want = {entry["name"]: entry["sha256"] for entry in files}
    if have != want:
        changed = sorted(name for name in have.keys() | want.keys() if have.get(name) != want.get(name))
        raise fail("PUBLISH-002", f"version {book.metadata.version} is already published in "
                   f"{display_path(folder)} with other content ({', '.join(changed)}): "
                   "set a new 'version:' in the front matter (e.g. "
                   f"{next_version(book.metadata.version)}) and publish again", book.source,
                   _front_matter_line(book, "version"))


def refuse_another_book(publish: Path, book: Book) -> None:
    """publish/<slug>/ belongs to one book, and a book to one slug: a retitled book keeps
    its old slug, and another book with the same slug must choose its own."""
    meta = book.metadata
    for record_file in sorted(publish.glob(f"[!.]*/[!.]*/{RECORD}")):
        record = read_record(record_file)
        slug, identifier = record_file.parent.parent.name, record.get("identifier")
        if slug == meta.slug and identifier != meta.identifier:
            raise fail("PUBLISH-003", f"{display_path(record_file.parent.parent)} holds another book "
                       f"({identifier}); give this one a 'slug:' of its own in the front matter, such as "
                       f"'{meta.slug}-2'", book.source, _front_matter_line(book, "slug"))
        if slug != meta.slug and identifier == meta.identifier:
            raise fail("PUBLISH-004", f"this book is published as {display_path(record_file.parent.parent)}: "
                       f"add 'slug: {slug}' to the front matter to keep its versions together",
                       book.source, _front_matter_line(book, "slug"))


def read_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail("PUBLISH-005", f"cannot read this release record ({exc}); restore it from your copy of "
                   "publish/ (it is never rewritten)", path) from None
    if not isinstance(record, dict):
        raise fail("PUBLISH-006", "this release record is not a JSON object; restore it from your copy of "
                   "publish/", path)
    return record


def _front_matter_line(book: Book, key: str) -> int:
    yaml_text, _, _ = split_front_matter(book.source.read_text(encoding="utf-8"))
    return key_line(yaml_text or "", key)

