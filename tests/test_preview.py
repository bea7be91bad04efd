"""`pamphleteer preview`: the server's contract (/build.json, /events, the files it serves),
the paths it refuses, the last save winning, the pages a change replaces, a failed build
keeping the last good pages, and a clean stop."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pamphleteer.pipeline import build
from pamphleteer.preview.server import PreviewServer
from pamphleteer.preview.session import Session
from pamphleteer.preview.watch import watch, watched_folders
from pamphleteer.problems import collect

from support import draw_image, page_texts, write_manuscript

FRONT = "title: A preview\ndate: 2026-01-01"
PARAGRAPH = ("Members met each week in the back room of an inn, paid their pence into the box, "
             "and chose a steward to visit the sick. ") * 6


def text(last_word: str = "lantern", picture: str = "images/purse.png") -> str:
    body = "\n\n".join(PARAGRAPH for _ in range(5))
    return (f"The box had three locks.[^locks]\n\n{body}\n\n![A purse on a table](" + picture
            + ' "The purse.")\n\n'
            f"The last paragraph names a {last_word}.\n\n"
            "[^locks]: One key each for the steward and two trustees.\n")


class Preview:
    """A session and its server, in this process, on a free port."""

    def __init__(self, folder: Path, watching: bool = False):
        draw_image(folder / "images" / "purse.png", size=(600, 400))
        self.manuscript = write_manuscript(folder, text(), FRONT)
        self.session = Session(self.manuscript, folder / "build", jobs=1)
        self.server = PreviewServer(self.session, "127.0.0.1", 0)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.server.serve_forever, daemon=True)]
        if watching:
            self.threads.append(threading.Thread(target=watch, daemon=True, args=(
                watched_folders(self.manuscript), [folder / "build"], self.session.changed, self.stop)))
        self.session.start()
        for thread in self.threads:
            thread.start()
        assert self.session.wait_for(1, timeout=120)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.server.url.rstrip("/") + path, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def state(self) -> dict:
        return json.loads(self.get("/build.json")[1])

    def save(self, body: str) -> None:
        self.manuscript.write_text(f"---\n{FRONT}\n---\n{body}", encoding="utf-8")

    def close(self) -> None:
        self.stop.set()
        self.server.close_streams()
        self.server.shutdown()
        self.server.server_close()
        self.session.stop()


@pytest.fixture
def preview(tmp_path):
    running = Preview(tmp_path)
    yield running
    running.close()


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory):
    """One preview for the tests that change nothing."""
    running = Preview(tmp_path_factory.mktemp("preview"))
    yield running
    running.close()


def test_build_json_says_what_the_last_build_made(unchanged):
    preview = unchanged
    state = preview.state()
    assert state["generation"] == 1 and state["files_generation"] == 1
    assert state["ok"] is True and state["problems"] == []
    assert state["pages"] >= 2
    assert state["changed_pages"] == list(range(1, state["pages"] + 1))  # all new
    assert state["files"] == {"pdf": "/files/test.pdf", "epub": "/files/test.epub"}
    status, png = preview.get("/page/1.png?w=300")
    assert status == 200 and png.startswith(b"\x89PNG")


def test_the_files_served_are_what_build_makes(unchanged, tmp_path):
    preview = unchanged
    with collect():
        made = build(preview.manuscript, tmp_path / "elsewhere")
    for kind in ("pdf", "epub"):
        status, served = preview.get(preview.state()["files"][kind])
        assert status == 200
        assert hashlib.sha256(served).digest() == hashlib.sha256(made.outputs[kind].read_bytes()).digest()


def test_nothing_outside_what_it_names_can_be_fetched(unchanged):
    preview = unchanged
    os.symlink("/etc", preview.manuscript.parent / "etc")
    for path in ("/../../etc/passwd", "/assets/../session.py", "/assets/%2e%2e/session.py",
                 "/assets/viewer.js/..", "/epub/../../etc/passwd", "/epub/%2e%2e%2fetc%2fpasswd",
                 "/epub/etc/passwd", "/files/../test.md", "/files/test.md", "/etc/passwd",
                 "/page/0.png", "/page/999.png", "/page/1.png/../../test.md", "/test.md",
                 "/images/purse.png"):
        status, body = preview.get(path)
        assert status == 404, path
        assert b"root:" not in body
    assert preview.get("/assets/viewer.js")[0] == 200


def test_a_change_replaces_only_the_pages_it_changed_and_is_an_event(preview):
    events: list[tuple[str, dict]] = []
    stream = threading.Thread(target=read_events, args=(preview, events), daemon=True)
    stream.start()
    time.sleep(0.5)  # connected
    before = preview.state()
    preview.save(text(last_word="weathervane"))
    preview.session.changed()
    assert preview.session.wait_for(2, timeout=120, files=True)
    after = preview.state()
    assert after["generation"] == after["files_generation"] == 2 and after["ok"]
    pdf = preview.manuscript.parent / "build" / "test.pdf"
    [edited] = [n for n, words in enumerate(page_texts(pdf), start=1) if "weathervane" in words]
    assert after["changed_pages"] == [edited]  # the word's page, and nothing moved
    assert [d for n, d in enumerate(after["digests"], 1) if n != edited] == \
        [d for n, d in enumerate(before["digests"], 1) if n != edited]
    assert "weathervane" in after["texts"][edited - 1]
    deadline = time.monotonic() + 10
    while len(events) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    # The edit's page first, laid out from where the edit begins, before the files are
    # built; then the files, whose pages are the same: no second page build.
    assert [name for name, _ in events] == ["build", "files"]
    page_build, files = (data for _, data in events)
    assert page_build["generation"] == 2 and page_build["files_generation"] == 1
    assert page_build["changed_pages"] == [edited] and "weathervane" in page_build["texts"][edited - 1]
    assert page_build["digests"] == files["digests"] == after["digests"]
    assert files["files_generation"] == 2


def read_events(preview: Preview, events: list) -> None:
    with urllib.request.urlopen(preview.server.url + "events", timeout=60) as stream:
        name = None
        for line in stream:
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: ") and name:
                events.append((name, json.loads(line.removeprefix("data: "))))


def test_a_failed_build_keeps_the_last_good_pages_and_says_where(preview):
    good = preview.state()
    preview.save(text(picture="images/nowhere.png"))
    preview.session.changed()
    assert preview.session.wait_for(2, timeout=120)
    failed = preview.state()
    assert failed["ok"] is False
    [problem] = [p for p in failed["problems"] if p["severity"] == "error"]
    lines = preview.manuscript.read_text(encoding="utf-8").splitlines()
    assert problem["file"] == "test.md"
    assert problem["line"] == 1 + next(n for n, line in enumerate(lines) if "nowhere.png" in line)
    assert "nowhere.png" in problem["message"]
    assert failed["pages"] == good["pages"] and failed["digests"] == good["digests"]
    assert preview.get("/page/1.png")[0] == 200  # still on screen
    assert failed["files_generation"] == 1  # the files are those of the last good build
    preview.save(text())
    preview.session.changed()
    assert preview.session.wait_for(3, timeout=120)
    assert preview.state()["ok"] is True and preview.state()["problems"] == []


def test_the_last_save_wins(preview):
    """A save while a build runs supersedes it: its files are never written, nor shown."""
    events: list[tuple[str, dict]] = []
    threading.Thread(target=read_events, args=(preview, events), daemon=True).start()
    time.sleep(0.5)  # connected
    preview.save(text(last_word="alpha"))
    preview.session.changed()
    time.sleep(0.3)  # the build of "alpha" has begun
    preview.save(text(last_word="omega"))
    preview.session.changed()
    assert preview.session.wait_for(2, timeout=120, files=True)
    time.sleep(1)
    state = preview.state()
    assert [name for name, _ in events].count("files") == 1  # one set of files, not two
    assert state["files_generation"] == state["generation"]
    pdf = preview.get(state["files"]["pdf"])[1]
    assert b"alpha" not in pdf
    assert "omega" in " ".join(page_texts(preview.manuscript.parent / "build" / "test.pdf"))
    assert "omega" in " ".join(state["texts"]) and "alpha" not in " ".join(state["texts"])


def test_an_editor_writing_twice_causes_one_build(tmp_path):
    running = Preview(tmp_path, watching=True)
    try:
        time.sleep(0.5)  # the watcher is watching
        running.save(text(last_word="first"))
        running.save(text(last_word="second"))  # as editors that write a file twice do
        assert running.session.wait_for(2, timeout=120, files=True)
        time.sleep(1.5)
        assert running.state()["generation"] == running.state()["files_generation"] == 2
    finally:
        running.close()


def preview_process(manuscript: Path) -> subprocess.Popen:
    """`pamphleteer preview` as a user starts it from a terminal: Ctrl-C (SIGINT) reaches
    it. A test run started in the background by a shell (`make test &`) ignores SIGINT,
    and a program started from it would inherit that; Python then never hears Ctrl-C."""
    return subprocess.Popen([sys.executable, "-m", "pamphleteer", "preview", str(manuscript),
                             "--no-open", "--port", "0", "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def test_ctrl_c_stops_it_cleanly(tmp_path):
    draw_image(tmp_path / "images" / "purse.png", size=(600, 400))
    manuscript = write_manuscript(tmp_path, text(), FRONT)
    process = preview_process(manuscript)
    try:
        first = process.stdout.readline()
        url = re.search(r"at (http://\S+/) ", first)[1]
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        deadline = time.monotonic() + 120
        while json.loads(urllib.request.urlopen(url + "build.json").read())["generation"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert out.splitlines()[-1] == "preview stopped"
    with pytest.raises(ConnectionRefusedError):  # nothing listens there any more
        socket.create_connection(("127.0.0.1", port), timeout=5)


def test_an_author_sees_an_edit_and_a_problem_in_a_browser(tmp_path):
    """The viewer in headless Chromium (tests/browser/drive-preview.mjs): a saved word is on
    its page with the scroll position kept; a broken picture path shows its problem and
    line, with the old pages kept and marked stale; mended, no problem; axe finds nothing
    in the print, problems and e-book views; a phone's width does not scroll sideways."""
    from browser import missing_tools

    assert missing_tools() == [], "make test installs them"
    draw_image(tmp_path / "book" / "images" / "purse.png", size=(600, 400))
    manuscript = write_manuscript(tmp_path / "book", text(), FRONT)
    process = preview_process(manuscript)
    try:
        url = re.search(r"at (http://\S+/) ", process.stdout.readline())[1]
        script = Path(__file__).parent / "browser" / "drive-preview.mjs"
        driven = subprocess.run(["node", str(script), url, str(manuscript), str(tmp_path / "shots")],
                                capture_output=True, text=True, timeout=400)
        assert driven.returncode == 0, driven.stderr[-3000:]
        report = json.loads(driven.stdout)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        finally:
            process.kill()  # never left running, whatever failed
    assert "lantern" in report["before"]["text"]
    assert "weathervane" in report["edited"]["text"]
    assert abs(report["edited"]["scroll"] - report["before"]["scroll"]) <= 2
    assert report["edited"]["changed"] == [report["before"]["pages"] - 1]  # its page, marked
    failed = report["failed"]
    assert failed["stale"] and failed["pages"] == report["before"]["pages"]
    assert failed["count"] == "1" and "failed" in failed["status"]
    line = 1 + next(n for n, text in enumerate(manuscript.read_text(encoding="utf-8").splitlines())
                    if "purse.png" in text)
    assert failed["place"] == f"test.md, line {line}"
    assert "nowhere.png" in failed["marked"]
    assert report["mended"]["count"] == "0"
    assert report["ebook"]["sections"]
    assert report["printViolations"] == report["problemViolations"] == report["ebookViolations"] == []
    assert report["phoneScrollsSideways"] is False
    assert "One key each for the steward and two trustees." in report["ebook"]["note"]  # its pop-up
    assert report["zoom"]["after"] == report["zoom"]["chosen"] == "70"  # 60 and "+", kept
