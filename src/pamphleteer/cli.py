"""The command line: `pamphleteer build`, `booklet`, `check`, `publish` and `catalogue`.

The only place that prints and picks exit codes. Every stage's problems come here
through the problem channel (`problems.collect`) and are printed on stderr as they
come, `file:line:col: severity: message [CODE]`; what a command made goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from . import __version__
from .problems import PamphleteerError, Problem, collect, fail
from .support import progress, timings

BUILT = ("epub", "pdf")  # pipeline.FORMATS, which this module does not load for a build with nothing to do


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # A terminated build (Ctrl-C, kill, make stopped) unwinds like an error, so each
    # half-written temporary file is removed and every output stays as it was.
    signal.signal(signal.SIGTERM, _terminated)
    global _line
    line = _line = _ProgressLine.for_terminal(quiet=getattr(args, "quiet", True))
    try:
        try:
            with collect(listener=line.around(_print_problem)), progress.listened(line.show):
                status = args.run(args)
        finally:
            line.clear()  # before anything else is printed: an error, or the shell's prompt
        timings.save()  # for the benchmark, when it asks
        return status
    except PamphleteerError as error:
        if args.debug:
            traceback.print_exc()
        for problem in error.problems:
            _print_problem(problem)
        return 1
    except KeyboardInterrupt:
        print("pamphleteer: interrupted; no output was changed", file=sys.stderr)
        return 130
    except _Terminated:
        print("pamphleteer: terminated; no half-written file was left", file=sys.stderr)
        return 143
    except Exception as error:  # a bug of ours, not the author's: say so, briefly
        if args.debug:
            traceback.print_exc()
        else:
            print(f"pamphleteer: internal error: {type(error).__name__}: {error} "
                  "(run with --debug to see where; no output was changed)", file=sys.stderr)
        return 2


def _print_problem(problem: Problem) -> None:
    sys.stdout.flush()  # after what the command said before it, when both go to one terminal
    print(problem, file=sys.stderr, flush=True)


def _said(text: str) -> None:
    _line.clear()  # what a command made is said on a line of its own, after the progress
    print(text, flush=True)


class _ProgressLine:
    """One line on the terminal that rewrites itself with what a long build is doing:
    `pamphleteer: laying out: piece 3 of 12, about 20 s left`. Only on a terminal (stderr), never
    with --quiet; it is wiped before a problem is printed, and when the command ends."""

    INTERVAL = 0.1  # seconds between redraws of the same stage: a terminal need not flicker

    def __init__(self, stream=None):
        self.stream = stream  # None: say nothing
        self.shown = ""
        self.stage, self.stage_began, self.drawn_at = "", 0.0, 0.0

    @classmethod
    def for_terminal(cls, quiet: bool) -> _ProgressLine:
        terminal = sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
        return cls(sys.stderr if terminal and not quiet else None)

    def show(self, step: progress.Step) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if step.stage != self.stage:
            self.stage, self.stage_began = step.stage, now
        elif now - self.drawn_at < self.INTERVAL and step.done != step.total:
            return
        self.drawn_at = now
        self._draw(f"pamphleteer: {step.stage}{self._count(step, now)}")

    def _count(self, step: progress.Step, now: float) -> str:
        if not step.total or step.total < 2 or step.done is None:
            return "…"
        text = f": piece {min(step.done + 1, step.total)} of {step.total}"
        elapsed = now - self.stage_began
        if 0 < step.done < step.total and elapsed > 1:
            left = elapsed / step.done * (step.total - step.done)
            text += f", about {left:.0f} s left" if left < 90 else f", about {left / 60:.0f} min left"
        return text

    def _draw(self, text: str) -> None:
        width = max(20, _terminal_width() - 1)  # a line as wide as the terminal would wrap
        self.stream.write("\r" + text[:width] + "\x1b[K")
        self.stream.flush()
        self.shown = text

    def clear(self) -> None:
        if self.stream is not None and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = ""

    def around(self, say):
        """`say`, with the progress line wiped first and drawn again after."""
        def said(problem: Problem) -> None:
            shown = self.shown
            self.clear()
            say(problem)
            if shown:
                self._draw(shown)
        return said


_line = _ProgressLine()  # the command's; silent until main() knows where it may be shown


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns or 80  # 0: a terminal that does not say
    except OSError:
        return 80


class _Terminated(BaseException):
    """SIGTERM, raised where the build is, so that `finally` and cleanup code run."""


def _terminated(signum, frame) -> None:
    raise _Terminated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pamphleteer", description="One Markdown manuscript in, an EPUB 3 and a print PDF out.")
    parser.add_argument("--version", action="version", version=f"pamphleteer {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the EPUB and the PDF of a manuscript")
    build.add_argument("manuscript", type=Path, help="the manuscript, a .md file")
    build.add_argument("-o", "--outdir", type=Path, default=Path("build"),
                       help="where to write the outputs (default: build/)")
    build.add_argument("--epub", action="store_true", help="build the EPUB (default: both)")
    build.add_argument("--pdf", action="store_true", help="build the PDF (default: both)")
    build.add_argument("--profile", default=None,
                       help="print profile for the PDF: digital, press, kdp, lulu or one in "
                            "styles/profiles/ (writes <stem>-<profile>.pdf)")
    build.add_argument("--styles", type=Path, default=None, metavar="DIR",
                       help="a styles folder whose files come first (before the styles/ folder beside the "
                            "manuscript or above it, and pamphleteer's own)")
    build.add_argument("--strict", action="store_true",
                       help="treat every warning as an error: write nothing")
    build.add_argument("-q", "--quiet", action="store_true",
                       help="no progress line on the terminal (problems are still printed)")
    build.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                       help="lay out up to N chapters side by side (default: PAMPHLETEER_JOBS, else "
                            "one per core); the files are the same whatever N is")
    build.set_defaults(run=_build)

    cover = commands.add_parser(
        "cover", help="make the print cover (back, spine, front) sized from the book's interior")
    cover.add_argument("manuscript", type=Path, help="the manuscript, a .md file")
    cover.add_argument("-o", "--outdir", type=Path, default=Path("build"),
                       help="where the interior is built and the cover written (default: build/)")
    cover.add_argument("--profile", default=None,
                       help="kdp, lulu, press or another profile with a cover: block (default: the "
                            "manuscript's print profile, else press); writes <stem>-cover-<profile>.pdf")
    cover.add_argument("--paper", default=None,
                       help="the paper the spine is sized for, one of the profile's (KDP: white, cream, "
                            "standard-colour, premium-colour); default: the manuscript's, else the profile's")
    cover.add_argument("--styles", type=Path, default=None, metavar="DIR",
                       help="a styles folder whose files come first, as for build")
    cover.add_argument("--strict", action="store_true", help="treat every warning as an error: write nothing")
    cover.add_argument("-q", "--quiet", action="store_true", help="no progress line on the terminal")
    cover.set_defaults(run=_cover)

    booklet = commands.add_parser("booklet", help="impose a PDF two-up for folding and stapling")
    booklet.add_argument("pdf", type=Path, help="the book's PDF (build it first)")
    booklet.add_argument("-o", "--output", type=Path, default=None,
                         help="where to write it (default: <pdf name>-booklet.pdf beside it)")
    booklet.add_argument("--sheet", choices=["A4", "letter"], default=None,
                         help="paper, landscape (default: A4 for A-sizes, letter for inch sizes)")
    booklet.add_argument("--creep", default="0mm",
                         help="how much each sheet's pages move towards the fold, e.g. 0.1mm")
    booklet.set_defaults(run=_booklet)

    check = commands.add_parser("check", help="check built EPUB and PDF files")
    check.add_argument("files", type=Path, nargs="+",
                       help=".epub and .pdf files, and the manuscript (.md) they were built from")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--print", action="store_true", dest="print_check",
                       help="preflight PDFs for printing (fonts, pictures, boxes, page count)")
    check.add_argument("--profile", default=None,
                       help="the print profile to preflight for (default: the manuscript's, or digital)")
    check.add_argument("--styles", type=Path, default=None, metavar="DIR",
                       help="a styles folder whose files come first, as for build")
    check.set_defaults(run=_check)

    publish = commands.add_parser(
        "publish", help="build if needed, check strictly, and release a book into publish/<slug>/<version>/")
    publish.add_argument("manuscripts", type=Path, nargs="+", help="the manuscripts, .md files")
    publish.add_argument("-o", "--outdir", type=Path, default=Path("build"),
                         help="where the built files are, or are built (default: build/)")
    publish.add_argument("--to", type=Path, default=Path("publish"), dest="publish_dir",
                         help="the release and catalogue folder (default: publish/)")
    publish.add_argument("--profile", default=None,
                         help="the print profile of the -print.pdf (default: the manuscript's, or press)")
    publish.add_argument("--title", default=None,
                         help="the catalogue's title (default: the publisher's name)")
    publish.add_argument("--styles", type=Path, default=None, metavar="DIR",
                         help="a styles folder whose files come first, as for build")
    publish.add_argument("-q", "--quiet", action="store_true",
                         help="no progress line on the terminal (problems are still printed)")
    publish.set_defaults(run=_publish)

    preview = commands.add_parser(
        "preview", help="show the pages as they will print, and the e-book, rebuilt on every save")
    preview.add_argument("manuscript", type=Path, help="the manuscript, a .md file")
    preview.add_argument("-o", "--outdir", type=Path, default=Path("build"),
                         help="where the PDF and EPUB are written, as by build (default: build/)")
    preview.add_argument("--port", type=int, default=8000,
                         help="the port to listen on (default: 8000; 0: any free one)")
    preview.add_argument("--host", default="127.0.0.1",
                         help="the address to listen on (default: 127.0.0.1, this computer only)")
    preview.add_argument("--profile", default=None, help="print profile for the pages, as for build")
    preview.add_argument("--styles", type=Path, default=None, metavar="DIR",
                         help="a styles folder whose files come first, as for build")
    preview.add_argument("--no-open", action="store_true", help="do not open a browser")
    preview.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                         help="lay out up to N chapters side by side (default: PAMPHLETEER_JOBS, "
                              "else one per core)")
    preview.set_defaults(run=_preview)

    new = commands.add_parser("new", help="make a folder to write a new pamphlet in, ready to build")
    new.add_argument("folder", type=Path, help="the folder to make (new, or empty)")
    new.add_argument("--title", default=None, help="the pamphlet's title (default: from the folder's name)")
    new.add_argument("--author", default="Your Name", help="the author's name")
    new.add_argument("--lang", default="en", help="the language of the text (en, fr, de-CH ...)")
    new.set_defaults(run=_new)

    catalogue = commands.add_parser(
        "catalogue", help="make publish/index.html and the OPDS feeds again from the release records")
    catalogue.add_argument("publish_dir", type=Path, nargs="?", default=Path("publish"),
                           help="the publish folder (default: publish/)")
    catalogue.add_argument("--title", default=None, help="the catalogue's title")
    catalogue.add_argument("--styles", type=Path, default=None, metavar="DIR",
                           help="a styles folder whose files come first (before the styles/ "
                                "folder beside the publish folder, and pamphleteer's own)")
    catalogue.set_defaults(run=_catalogue)
    return parser


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes: give 1 or more")
    return int(text)


JOBS = "PAMPHLETEER_JOBS"  # --jobs for every command that does not give it


def _default_jobs(given: int | None) -> int:
    """`--jobs` as given, else PAMPHLETEER_JOBS (a build server running several builds at
    once sets 1), else one per core."""
    if given:
        return given
    text = os.environ.get(JOBS, "").strip()
    if not text:
        from .support.cache import usable_cores

        return usable_cores()
    if not text.isdigit() or int(text) < 1:
        raise fail("JOBS-001", f"{JOBS}='{text}' is not a number of processes: set it to 1 or more, "
                   "or leave it out for one per core")
    return int(text)


def _build(args) -> int:
    from .support.stamps import Stamp

    formats = tuple(f for f in BUILT if getattr(args, f)) or BUILT
    jobs = _default_jobs(args.jobs)
    stamp = None
    if Path(args.manuscript).is_file():  # else the build says what is wrong
        stamp = Stamp.for_build(args.manuscript, args.outdir, formats, args.profile, args.strict,
                                args.styles)
        unchanged = stamp.unchanged()
        if unchanged is not None:  # nothing it reads has changed since: the same files again
            stamp.renew(unchanged)  # newer than what make asked it for, as if written again
            for path in unchanged:
                _said(f"up to date: {path}")
            return 0
    from .pipeline import build
    from .support.styles import Styles

    styles = Styles.for_manuscript(args.manuscript, args.styles)
    result = build(args.manuscript, args.outdir, formats, styles, args.profile, args.strict, jobs)
    if stamp is not None and result.problems:
        stamp.forget()
    elif stamp is not None:
        stamp.record(list(result.outputs.values()))
    for path in result.outputs.values():
        _said(f"wrote {path}")
    return 0


def _cover(args) -> int:
    from .pipeline import build_cover
    from .support.styles import Styles

    styles = Styles.for_manuscript(args.manuscript, args.styles)
    result = build_cover(args.manuscript, args.outdir, styles, args.profile, args.paper, args.strict,
                         _default_jobs(None))
    _said(f"wrote {result.outputs['print-cover']}")
    return 0


def _booklet(args) -> int:
    from .pdf.booklet import make_booklet
    from .problems import fail
    from .support.units import parse_length

    try:
        creep = parse_length(args.creep)
    except ValueError as exc:
        raise fail("BOOKLET-004", f"--creep: {exc}") from None
    target = args.output or args.pdf.with_name(f"{args.pdf.stem}-booklet.pdf")
    _said(f"wrote {make_booklet(args.pdf, target, args.sheet, creep)}")
    return 0


def _check(args) -> int:
    """Each file's summary on stdout, as its check ends; what it found through the channel."""
    from .check.files import check_reports
    from .pdf.profiles import DEFAULT_PROFILE, load_profile
    from .pipeline import choose_profile
    from .problems import report_all
    from .read.manuscript import read_book
    from .support.styles import Styles

    manuscripts = [p for p in args.files if p.suffix.lower() == ".md"]
    styles = (Styles.for_manuscript(manuscripts[0], args.styles) if manuscripts
              else Styles.for_folder(Path.cwd(), args.styles))
    book = read_book(manuscripts[0], args.strict, styles=styles) if manuscripts else None
    profile = None
    if args.print_check or args.profile:
        profile = (choose_profile(book, styles, args.profile) if book
                   else load_profile(args.profile or DEFAULT_PROFILE, styles))
    files = [p for p in args.files if p.suffix.lower() != ".md"]
    failed = False
    for report in check_reports(files, profile, book):
        _said(f"{report.path}: {report.summary}")
        report_all(report.findings)
        failed |= report.fails(args.strict)
    return 1 if failed else 0


def _publish(args) -> int:
    from .publish.plan import publish
    from .support.styles import Styles

    catalogue_styles = Styles.for_folder(args.publish_dir, args.styles)
    for manuscript in args.manuscripts:
        outcome = publish(manuscript, args.outdir, args.publish_dir,
                          Styles.for_manuscript(manuscript, args.styles), args.profile, args.title,
                          catalogue_styles)
        state = "published" if outcome.written else "already published, the same files: nothing to do"
        _said(f"{outcome.folder}: {state}")
    _said(f"catalogue: {args.publish_dir / 'index.html'}, {args.publish_dir / 'opds.xml'}")
    return 0


def _preview(args) -> int:
    import threading
    import webbrowser

    from .preview.server import PreviewServer
    from .preview.session import Session
    from .preview.watch import watch, watched_folders
    from .problems import fail

    if not args.manuscript.is_file():
        raise fail("PREVIEW-002", "manuscript not found: check the path", args.manuscript)
    session = Session(args.manuscript, args.outdir, args.profile, args.styles, _default_jobs(args.jobs))
    try:
        server = PreviewServer(session, args.host, args.port)
    except OSError as error:
        raise fail("PREVIEW-001", f"cannot listen on {args.host}:{args.port} ({error.strerror}): "
                   "give another port with --port", args.manuscript) from None
    stop = threading.Event()
    session.listen(lambda event, data: event == "build" and _said_build(data))
    watcher = threading.Thread(target=watch, name="preview-watch", daemon=True, args=(
        watched_folders(args.manuscript, args.styles), [args.outdir], session.changed, stop))
    session.start()
    watcher.start()
    _said(f"preview of {args.manuscript} at {server.url} (Ctrl-C stops it)")
    if not args.no_open:
        webbrowser.open(server.url)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                               name="preview-server", daemon=True)
    serving.start()
    try:
        while serving.is_alive():
            serving.join(timeout=0.5)
    except KeyboardInterrupt:
        pass
    finally:  # stopped by Ctrl-C or a signal: every thread ends, the port is let go
        stop.set()
        server.close_streams()
        server.shutdown()
        server.server_close()
        session.stop()
        watcher.join(timeout=5)
    _said("preview stopped")
    return 0


def _said_build(data: dict) -> None:
    problems = len(data["problems"])
    if data["ok"]:
        _said(f"build {data['generation']}: {data['pages']} pages, {len(data['changed_pages'])} changed, "
              f"{problems or 'no'} problem{'' if problems == 1 else 's'}")
    else:
        _said(f"build {data['generation']} failed: the last good pages stay on screen")
    for problem in data["problems"]:
        _print_problem(Problem(problem["severity"], problem["code"], problem["message"],
                               Path(problem["file"]) if problem["file"] else None,
                               problem["line"], problem["column"]))


def _new(args) -> int:
    from .new.project import new_project

    made = new_project(args.folder, args.title, args.author, args.lang)
    for path in made:
        _said(f"made {path}")
    _said(f"now: cd {args.folder} && make")
    return 0


def _catalogue(args) -> int:
    from .publish.catalogue import write_catalogue
    from .support.styles import Styles

    styles = Styles.for_folder(args.publish_dir, args.styles)
    for path in write_catalogue(args.publish_dir, args.title, styles):
        _said(f"wrote {path}")
    return 0
