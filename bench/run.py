"""`make bench`: how long a build takes and how much memory it needs.

    python bench/run.py [--runs N] [--scales 1,2,4] [--out bench] [--only pamphlet|sample]

Three manuscripts: the sample (small), the generated book (large) and the
generated pamphlet (see generate.py). For each, the median wall time and the
peak resident memory of the whole process tree of

- both outputs (`pamphleteer build`) from an empty build folder, after one word
  of one section has changed, and with nothing changed;
- pandoc's EPUB plus pandoc's HTML printed by WeasyPrint (the "pandoc pair"),
  and bare WeasyPrint rendering the HTML we generate to PDF;

and for the sample and the large book also

- the EPUB build and the PDF build, each from an empty build folder;
- a no-op `make` after a build;
- a rebuild of the EPUB after one word of one section has changed;
- both outputs from an empty build folder on one core and on two (`taskset`).

Our budgets (`budgets`, and issue 15's in `engine_budgets`) are checked against
these figures. Results go to bench/results.md, the time per stage to
bench/stages.png. `--only pamphlet` measures the pamphlet alone (a minute or
two), `--only sample` runs every case of the large book on the sample instead
(to check the benchmark itself quickly); both write their report into the work
folder, not bench/.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate, generate_pamphlet  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TOOL = VENV_BIN / "pamphleteer"
SAMPLE = ROOT / "manuscript" / "mutual-aid.md"
MIB = 1024 * 1024


# ---- measuring one command --------------------------------------------------------

@dataclass
class Run:
    seconds: float
    peak_bytes: int
    stages: dict[str, float] = field(default_factory=dict)


def measure(command: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run `command`; its wall time and the peak of the summed resident memory of
    it and all its descendants (sampled every 10 ms from /proc)."""
    stages_file = Path(tempfile.mkstemp(suffix=".json")[1])
    environment = {**os.environ, **(env or {}), "PAMPHLETEER_TIMINGS": str(stages_file)}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    sampler = threading.Thread(target=_sample, args=(process, peak), daemon=True)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, command))} failed:\n{errors.decode()}")
    recorded = json.loads(stages_file.read_text()) if stages_file.stat().st_size else {}
    stages = recorded.get("seconds", {})
    stages_file.unlink()
    return Run(seconds, peak[0], stages)


def _sample(process: subprocess.Popen, peak: list[int]) -> None:
    while process.poll() is None:
        peak[0] = max(peak[0], _tree_rss(process.pid))
        time.sleep(0.01)


def _tree_rss(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def median_run(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda run: run.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(statistics.median(run.seconds for run in runs), max(run.peak_bytes for run in runs),
               middle.stages)


def repeat(times: int, prepare, command: list[str], cwd: Path, env: dict | None = None) -> Run:
    runs = []
    for _ in range(times):
        prepare()
        runs.append(measure(command, cwd, env))
    return median_run(runs)


# ---- the cases ----------------------------------------------------------------

def bench_manuscript(manuscript: Path, work: Path, runs: int) -> dict[str, Run]:
    """Our builds of one manuscript, and the tools we compare them with."""
    source, build = copy_manuscript(manuscript, work)
    folder = source.parent

    def empty_build() -> None:
        shutil.rmtree(build, ignore_errors=True)

    def without(suffix: str):
        return lambda: [path.unlink() for path in build.glob(f"*{suffix}")]

    results: dict[str, Run] = {}
    tool = [str(TOOL), "build", str(source), "-o", str(build), "--quiet"]
    results["epub"] = repeat(runs, empty_build, tool + ["--epub"], folder)
    results["pdf"] = repeat(runs, empty_build, tool + ["--pdf"], folder)
    results["pdf, cache kept"] = repeat(runs, without(".pdf"), tool + ["--pdf"], folder)
    results["epub after the pdf"] = repeat(runs, without(".epub"), tool + ["--epub"], folder)
    make = ["make", "-s", "-C", str(ROOT), f"MANUSCRIPT={source}", f"BUILD={build}"]
    results["make -j2 (both), empty build folder"] = repeat(runs, empty_build, make + ["-j2"], folder)
    results["noop make"] = repeat(runs, lambda: None, make, folder)
    results["one-word edit: epub"] = repeat(runs, lambda: _change_one_word(source),
                                            make + ["epub"], folder)
    if shutil.which("pandoc"):
        results["pandoc epub"] = repeat(runs, lambda: None,
                                        ["pandoc", source.name, "-o", str(work / "pandoc.epub")], folder)
    results |= bare_weasyprint(source, work, build, runs, with_copies=True)
    results |= both_outputs(source, work, build, runs)
    results |= cores(source, build, runs)
    return results


def copy_manuscript(manuscript: Path, work: Path) -> tuple[Path, Path]:
    """The manuscript and its pictures copied into the work folder (edits change the
    copy); the copy's manuscript and build folder."""
    folder = work / manuscript.stem
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(manuscript.parent, folder, ignore=shutil.ignore_patterns("build", "publish"))
    return folder / manuscript.name, folder / "build"


def both_outputs(source: Path, work: Path, build: Path, runs: int) -> dict[str, Run]:
    """`pamphleteer build` (EPUB and PDF) from an empty build folder, after a one-word
    edit and with nothing changed, in that order (each leaves the build folder the next
    one starts from); and the pandoc pair that an author could use instead."""
    tool = [str(TOOL), "build", str(source), "-o", str(build), "--quiet"]
    results = {
        "both, empty build folder": repeat(runs, lambda: shutil.rmtree(build, ignore_errors=True),
                                           tool, source.parent),
        "both, one-word edit": repeat(runs, lambda: _change_one_word(source), tool, source.parent),
        "both, nothing changed": repeat(runs, lambda: None, tool, source.parent),
    }
    if shutil.which("pandoc"):
        results["pandoc pair"] = repeat(runs, lambda: None, pandoc_pair(source, work), source.parent)
    return results


def pandoc_pair(source: Path, work: Path) -> list[str]:
    """pandoc's EPUB, then pandoc's standalone HTML printed by WeasyPrint (what
    `pandoc --pdf-engine=weasyprint` does, minus its temporary files): the tools an
    author would use without us, both outputs, one command so that its time and
    memory are measured as one."""
    out = work / "pandoc-pair"
    out.mkdir(parents=True, exist_ok=True)
    html, weasyprint = out / f"{source.stem}.html", VENV_BIN / "weasyprint"
    return ["sh", "-c", f'pandoc "{source.name}" -o "{out / source.stem}.epub" && '
            f'pandoc "{source.name}" -s -o "{html}" && '
            f'"{weasyprint}" -u "{source.parent.as_uri()}/" "{html}" "{out / source.stem}.pdf"']


def bare_weasyprint(source: Path, work: Path, build: Path, runs: int,
                    with_copies: bool = False) -> dict[str, Run]:
    """Bare WeasyPrint on the HTML of our print edition (see _our_print_html); with
    `with_copies` also on the HTML that uses our print-size copies of the pictures."""
    html, options = _our_print_html(source, work, build)
    pages = [("weasyprint pdf", html)]
    if with_copies:
        pages.append(("weasyprint pdf, our print copies", html.with_suffix(".copies.html")))
    return {what: repeat(runs, lambda: None, [
        str(VENV_BIN / "weasyprint"), "-s", str(ROOT / "styles/print/book.css"),
        "-s", str(html.with_suffix(".css")), "-u", source.parent.as_uri() + "/", *options,
        str(page), str(work / "bare.pdf")], source.parent) for what, page in pages}


def cores(source: Path, build: Path, runs: int) -> dict[str, Run]:
    """Both outputs from an empty build folder on one core and on two (`taskset`):
    what the worker processes gain. `--jobs` is left to its default, all the cores
    the process may use."""
    if len(os.sched_getaffinity(0)) < 2 or not shutil.which("taskset"):
        return {}
    tool = [str(TOOL), "build", str(source), "-o", str(build), "--quiet"]
    return {f"both, empty build folder, {label}": repeat(
        runs, lambda: shutil.rmtree(build, ignore_errors=True), ["taskset", "-c", cpus, *tool],
        source.parent) for label, cpus in (("1 core", "0"), ("2 cores", "0,1"))}


def bench_pamphlet(work: Path, runs: int) -> dict[str, Run]:
    """The pamphlet (generate_pamphlet): both outputs, as an author builds it, beside
    the pandoc pair and bare WeasyPrint."""
    source, build = copy_manuscript(generate_pamphlet(work / "pamphlet-source"), work)
    results = both_outputs(source, work, build, runs)
    return results | bare_weasyprint(source, work, build, runs)


PREVIEW_CASE = "preview: one-word edit -> new pages"
PREVIEW_FILES = "preview: one-word edit -> PDF and EPUB written"
PREVIEW_FIRST = "preview: first edit -> new pages"


def bench_preview(manuscript: Path, work: Path, runs: int) -> dict[str, Run]:
    """A preview session driven as an author drives it: `pamphleteer preview` started
    once, then `runs` one-word edits in one section, each timed from the save to the
    `build` event its pages come with and to the `files` event of its PDF and EPUB (the
    medians; the next edit waits for the files, as an author reads before saving again),
    and the peak memory of the preview's process tree."""
    source, build = copy_manuscript(manuscript, work / "preview")
    shutil.rmtree(build, ignore_errors=True)
    process = subprocess.Popen([str(TOOL), "preview", str(source), "-o", str(build), "--no-open",
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        url = process.stdout.readline().split(" at ", 1)[1].split()[0]
        events: queue.Queue = queue.Queue()
        threading.Thread(target=_read_events, args=(url + "events", events), daemon=True).start()
        _next_event(events, "files")  # the first build
        time.sleep(PREVIEW_SETTLE)  # the pieces the first build found remembered are laid out and kept
        pages, files, peak = [], [], _tree_rss(process.pid)
        for _ in range(runs):
            _change_one_word(source)
            started = time.perf_counter()
            pages.append(_next_event(events, "build") - started)
            files.append(_next_event(events, "files") - started)
            peak = max(peak, _tree_rss(process.pid))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    return {PREVIEW_CASE: Run(statistics.median(pages), peak), PREVIEW_FIRST: Run(pages[0], peak),
            PREVIEW_FILES: Run(statistics.median(files), peak)}


# Seconds the bench waits after the preview's first build before it edits: the preview
# then lays out and keeps the pieces that build found remembered (preview/session.py).
PREVIEW_SETTLE = 10


def _read_events(url: str, events: queue.Queue) -> None:
    """Put (name, time) of each event of the preview at `url` into `events`."""
    with urllib.request.urlopen(url, timeout=3600) as stream:
        for line in stream:
            if line.startswith(b"event: "):
                events.put((line.removeprefix(b"event: ").strip().decode(), time.perf_counter()))


def _next_event(events: queue.Queue, name: str) -> float:
    """When the next event called `name` came."""
    while True:
        event, when = events.get(timeout=3600)
        if event == name:
            return when


_edits = [0]


def _change_one_word(source: Path) -> None:
    """Change one word in one section, a different one each time."""
    text = source.read_text(encoding="utf-8")
    _edits[0] += 1
    marker = "\n## "
    at = text.index(marker, len(text) // 3) + len(marker)
    paragraph = text.index("\n\n", at) + 2
    end = text.index(" ", paragraph)
    source.write_text(text[:paragraph] + f"Edit{_edits[0]}" + text[end:], encoding="utf-8")


def _our_print_html(source: Path, work: Path, build: Path) -> tuple[Path, list[str]]:
    """The whole book's print HTML and page CSS, as our layout hands them to WeasyPrint
    (with the contents' page numbers as wide as ours), and the options of the
    manuscript's print profile (its PDF variant, whole fonts), for the bare run. The
    HTML refers to the manuscript's pictures; a copy of it (.copies.html) to the
    print-size copies our build made of them (pdf/pictures.py)."""
    script = (
        "import json, sys; from pathlib import Path\n"
        "from pamphleteer.read.manuscript import read_book\n"
        "from pamphleteer.render.print import render_print\n"
        "from pamphleteer.support.styles import DEFAULTS\n"
        "from pamphleteer.pipeline import choose_profile\n"
        "from pamphleteer.pdf.layout import PLACEHOLDER\n"
        "book = read_book(Path(sys.argv[1]))\n"
        "out = Path(sys.argv[2])\n"
        "from pamphleteer.support.cache import Cache\n"
        "from pamphleteer.pdf.pictures import for_print\n"
        "numbers = {heading.id: PLACEHOLDER for heading in book.headings} | {'colophon': PLACEHOLDER}\n"
        "profile = choose_profile(book, DEFAULTS)\n"
        "from pamphleteer.render.print import picture_files\n"
        "def with_files(html, copies={}):  # bare WeasyPrint has no fetcher for picture: addresses\n"
        "    for url, path in picture_files(book, copies).items():\n"
        "        html = html.replace(f'\"{url}\"', f'\"{path.resolve().as_uri()}\"')\n"
        "    return html\n"
        "html = render_print(book, DEFAULTS, '2026-01-01T00:00:00Z', page_of=numbers)\n"
        "out.write_text(with_files(html), encoding='utf-8')\n"
        "copies = for_print(book, profile, Cache(Path(sys.argv[3]) / '.cache'))\n"
        "html = render_print(book, DEFAULTS, '2026-01-01T00:00:00Z', page_of=numbers, copies=copies)\n"
        "out.with_suffix('.copies.html').write_text(with_files(html, copies), encoding='utf-8')\n"
        "out.with_suffix('.css').write_text(profile.page_css(), encoding='utf-8')\n"
        "options = (['--pdf-variant', profile.pdf_variant] if profile.pdf_variant else [])\n"
        "options += ['--full-fonts'] if profile.full_fonts else []\n"
        "out.with_suffix('.json').write_text(json.dumps(options))\n")
    html = work / f"{source.stem}.html"
    subprocess.run([sys.executable, "-c", script, str(source), str(html), str(build)], check=True)
    return html, json.loads(html.with_suffix(".json").read_text())


def memory_curve(work: Path, scales: list[int], make=generate) -> dict[int, Run]:
    """Both outputs of the large book at each scale, from an empty build folder: the
    peak memory of the whole process tree (workers included) against the length."""
    curve = {}
    for scale in scales:
        manuscript = make(work / f"scale-{scale}", scale)
        build = manuscript.parent / "build"
        shutil.rmtree(build, ignore_errors=True)
        curve[scale] = measure([str(TOOL), "build", str(manuscript), "-o", str(build), "--quiet"],
                               manuscript.parent)
    return curve


# ---- the report ---------------------------------------------------------------

def budgets(large: dict[str, Run]) -> list[tuple[str, str, bool]]:
    checks = []
    if "pandoc epub" in large:
        for case in ("epub", "epub after the pdf"):
            ratio = large[case].seconds / large["pandoc epub"].seconds
            checks.append((f"EPUB build ({case}) ≤ 0.5 × pandoc", f"{ratio:.2f} ×", ratio <= 0.5))
    for case in ("pdf", "pdf, cache kept"):
        ratio = large[case].seconds / large["weasyprint pdf"].seconds
        copies = large[case].seconds / large["weasyprint pdf, our print copies"].seconds
        checks.append((f"PDF build ({case}) ≤ 1.05 × bare WeasyPrint", f"{ratio:.2f} × "
                       f"({copies:.2f} × bare WeasyPrint given our print copies)", ratio <= 1.05))
        peak = large[case].peak_bytes / MIB
        checks.append((f"PDF peak memory ({case}) ≤ 400 MiB", f"{peak:.0f} MiB", peak <= 400))
    noop = large["noop make"].seconds
    checks.append(("no-op make < 0.3 s", f"{noop:.2f} s", noop < 0.3))
    edit = large["one-word edit: epub"].seconds
    checks.append(("one-word edit: EPUB < 1 s", f"{edit:.2f} s", edit < 1.0))
    return checks


Check = tuple[str, str, bool | None]  # the budget, the figure, whether it holds (None: not measured)


def engine_budgets(pamphlet: dict[str, Run] | None, large: dict[str, Run] | None) -> list[Check]:
    """Issue 15's budgets, one line each, in the order of its table."""
    checks: list[Check] = []

    def ratio(cases: dict[str, Run], case: str, reference: str) -> float | None:
        if case in cases and reference in cases:
            return cases[case].seconds / cases[reference].seconds
        return None

    def against(cases: dict[str, Run], case: str, reference: str, limit: float, budget: str) -> None:
        found = ratio(cases, case, reference)
        if found is None:
            checks.append((budget, f"not measured (no {reference})", None))
        else:
            checks.append((budget, f"{found:.2f} × ({cases[case].seconds:.2f} s against "
                                   f"{cases[reference].seconds:.2f} s)", found <= limit))

    if pamphlet is not None:
        against(pamphlet, "both, empty build folder", "pandoc pair", 1.0,
                "pamphlet, both outputs, empty build folder ≤ 1.0 × the pandoc pair")
        against(pamphlet, "both, one-word edit", "pandoc pair", 0.3,
                "pamphlet, one-word edit, both outputs ≤ 0.3 × the pandoc pair")
        against(pamphlet, "both, nothing changed", "pandoc pair", 0.1,
                "pamphlet, nothing changed, `pamphleteer build` ≤ 0.1 × the pandoc pair")
    if large is None:
        return checks
    budget = ("large book, both outputs, empty build folder ≤ 1.3 × the pandoc pair "
              "and ≤ 0.8 × bare WeasyPrint on our own HTML")
    pandoc = ratio(large, "both, empty build folder", "pandoc pair")
    bare = ratio(large, "both, empty build folder", "weasyprint pdf")
    if pandoc is None or bare is None:
        checks.append((budget, "not measured (no pandoc pair)", None))
    else:
        checks.append((budget, f"{pandoc:.2f} × the pandoc pair, {bare:.2f} × bare WeasyPrint",
                       pandoc <= 1.3 and bare <= 0.8))
    against(large, "both, one-word edit", "pandoc pair", 0.2,
            "large book, one-word edit in one chapter, both outputs ≤ 0.2 × the pandoc pair")
    against(large, "epub", "weasyprint pdf", 0.5,
            "large book, EPUB only, empty build folder ≤ 0.5 × bare WeasyPrint on our own HTML")
    budget = "peak memory, whole process tree, large book cold (both outputs) ≤ 400 MiB"
    if "both, empty build folder" in large:
        peak = large["both, empty build folder"].peak_bytes / MIB
        checks.append((budget, f"{peak:.0f} MiB", peak <= 400))
    else:
        checks.append((budget, "not measured", None))
    one, two = large.get("both, empty build folder, 1 core"), large.get("both, empty build folder, 2 cores")
    budget = "large book cold (both outputs), 1 core → 2 cores (`taskset`) ≥ 1.6 × faster"
    if one is None or two is None:
        checks.append((budget, "not measured (fewer than 2 cores, or no taskset)", None))
    else:
        speedup = one.seconds / two.seconds
        checks.append((budget, f"{speedup:.2f} × ({one.seconds:.1f} s → {two.seconds:.1f} s)",
                       speedup >= 1.6))
    return checks


def linear(curve: dict[int, Run]) -> list[Check]:
    """Memory grows at most linearly: peak(k×) ≤ k × peak(1×)."""
    checks: list[Check] = []
    base = curve.get(1)
    for scale, run in sorted(curve.items()):
        if scale == 1 or base is None:
            continue
        ratio = run.peak_bytes / base.peak_bytes
        checks.append((f"peak memory (both outputs, cold) at {scale}× ≤ {scale} × the peak at 1×",
                       f"{ratio:.2f} ×", ratio <= scale))
    return checks


def versions() -> dict[str, str]:
    from importlib.metadata import version
    found = {"python": platform.python_version(), "pamphleteer": version("pamphleteer"),
             "weasyprint": version("weasyprint"), "ebooklib": version("ebooklib"),
             "markdown": version("markdown")}
    if shutil.which("pandoc"):
        found["pandoc"] = subprocess.run(["pandoc", "--version"], capture_output=True,
                                         text=True).stdout.split("\n")[0].split()[-1]
    return found


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal")) // 1024 // 1024
    return f"{model}, {os.cpu_count()} cores, {memory} GiB, {platform.system()} {platform.release()}"


STAGED = ("epub", "pdf", "both, empty build folder")  # the cases whose time per stage is shown


def pdf_pages(path: Path) -> int:
    import pypdfium2
    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def report(results: dict[str, dict[str, Run]], curve: dict[int, Run], runs: int,
           large: str = "large", command: str = "make bench", pamphlet_pages: int = 0) -> str:
    """results.md. `large` names the results that the large book's budgets are checked
    against (`--only sample` puts the sample there, to check the benchmark itself)."""
    lines = ["# Benchmark results", "",
             f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by `{command}`; "
             f"each figure the median of {runs} runs (peak memory: the highest).", "",
             f"Machine: {machine()}", "",
             "Versions: " + ", ".join(f"{name} {value}" for name, value in versions().items()), "",
             "## Builds", "", "| manuscript | what | wall time (s) | peak memory (MiB) |",
             "|---|---|---:|---:|"]
    for name, cases in results.items():
        for what, run in cases.items():
            lines.append(f"| {name} | {what} | {run.seconds:.2f} | {run.peak_bytes / MIB:.0f} |")
    book = results.get(large)
    lines += ["", "The pandoc pair is pandoc's EPUB plus pandoc's standalone HTML printed by WeasyPrint "
                  "(`pandoc x.md -s -o x.html && weasyprint x.html x.pdf`), run as one command. "
                  "\"both\" is `pamphleteer build` (EPUB and PDF, `--jobs` all cores)."]
    if pamphlet_pages:
        lines += ["", f"The pamphlet (generate.py): {pamphlet_pages} A5 pages (digital profile)."]
    if book and "pdf" in book:
        overhead = book["pdf"].seconds - book["weasyprint pdf"].seconds
        lines += ["", f"Our PDF overhead on the large manuscript: {overhead:+.2f} s "
                      "(our PDF build from an empty folder minus bare WeasyPrint on the same HTML, "
                      "with the manuscript's own pictures). Bare WeasyPrint is given the HTML of the "
                      "whole book, our stylesheets and the profile's PDF variant and font options."]
    if curve:
        lines += ["", "## Memory against length", "",
                  "The large book at 1×, 2× and 4× its length, both outputs from an empty build "
                  "folder; the peak of the whole process tree (workers included).", "",
                  "| scale | peak (MiB) | time (s) |", "|---:|---:|---:|"]
        for scale, run in sorted(curve.items()):
            lines.append(f"| {scale}× | {run.peak_bytes / MIB:.0f} | {run.seconds:.1f} |")

    def table(checks: list[Check]) -> list[str]:
        verdict = {True: "yes", False: "**no**", None: "not measured"}
        return (["| budget | measured | held |", "|---|---:|---|"]
                + [f"| {name} | {value} | {verdict[held]} |" for name, value, held in checks])

    engine = engine_budgets(results.get("pamphlet"), book) + linear(curve)
    if any(held is not None for _, _, held in engine):
        lines += ["", "## Budgets of the engine (issue 15)", ""]
        if book and large != "large":
            lines += [f"(The {large} manuscript stands in for the large book: these lines check the "
                      "benchmark, not the budgets.)", ""]
        lines += table(engine)
    previews = [(name, cases[PREVIEW_CASE]) for name, cases in results.items() if PREVIEW_CASE in cases]
    if previews:
        limits = {"small": 1.0, "large": 2.0}
        lines += ["", "## Budgets of the preview (issue 16)", ""] + table([
            (f"{name}: one-word edit -> its new pages ≤ {limits.get(name, 1.0):.0f} s (median)",
             f"{run.seconds:.2f} s", run.seconds <= limits.get(name, 1.0)) for name, run in previews])
        also = [f"| {name}: {case.removeprefix('preview: ')} | {cases[case].seconds:.2f} |"
                for name, cases in results.items()
                for case in (PREVIEW_FIRST, PREVIEW_FILES) if case in cases]
        lines += ["", "| also measured | seconds |", "|---|---:|", *also] if also else []
    if book and "pdf" in book:
        lines += ["", "## Earlier budgets", ""] + table(budgets(book))
    lines += ["", "## Time per stage", "", "![time per stage](stages.png)", ""]
    for name, cases in results.items():
        for what in STAGED:
            stages = cases[what].stages if what in cases else {}
            if stages:
                lines.append(f"- {name} {what}: " + ", ".join(f"{stage} {seconds:.2f} s"
                                                              for stage, seconds in stages.items()))
    return "\n".join(lines) + "\n"


def plot(results: dict[str, dict[str, Run]], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
    bars = [(f"{name} {what}", cases[what].stages) for name, cases in results.items()
            for what in STAGED if what in cases and cases[what].stages]
    stage_names = list(dict.fromkeys(stage for _, stages in bars for stage in stages))
    figure, axes = pyplot.subplots(figsize=(8, 0.6 * len(bars) + 1.5))
    left = [0.0] * len(bars)
    for stage in stage_names:
        widths = [stages.get(stage, 0.0) for _, stages in bars]
        axes.barh([label for label, _ in bars], widths, left=left, label=stage)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_xlabel("seconds")
    axes.set_title("Time per stage of a build")
    axes.legend(loc="lower right", fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure pamphleteer's builds.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", default="1,2,4",
                        help="sizes of the large manuscript for the memory curve")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--only", choices=["pamphlet", "sample", "preview", "preview-large"],
                        help="pamphlet: the pamphlet alone; sample: every case of the large book "
                             "on the sample (a quick check of the benchmark); preview: a preview "
                             "session on the sample; preview-large: on the large book. Each writes its "
                             "report into the work folder, leaving bench/results.md alone")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    command = f"bench/run.py --runs {args.runs}" + (f" --only {args.only}" if args.only else "")
    results: dict[str, dict[str, Run]] = {}
    curve: dict[int, Run] = {}
    large, out = "large", args.work
    if args.only == "sample":
        results["small"] = bench_manuscript(SAMPLE, args.work, args.runs)
        large = "small"
    elif args.only == "preview":
        results["small"] = bench_preview(SAMPLE, args.work, max(args.runs, 5))
    elif args.only == "preview-large":
        results["large"] = bench_preview(generate(args.work / "large-source", 1), args.work, args.runs)
    elif args.only is None:
        book = generate(args.work / "large-source", 1)
        results["small"] = bench_manuscript(SAMPLE, args.work, args.runs)
        results["large"] = bench_manuscript(book, args.work, args.runs)
        results["small"] |= bench_preview(SAMPLE, args.work, max(args.runs, 5))
        results["large"] |= bench_preview(book, args.work, args.runs)
        curve = memory_curve(args.work, [int(scale) for scale in args.scales.split(",")])
        out, command = args.out, "make bench"
    if args.only in (None, "pamphlet"):
        results["pamphlet"] = bench_pamphlet(args.work, args.runs)
    pdf = args.work / "pamphlet" / "build" / "pamphlet.pdf"
    pages = pdf_pages(pdf) if "pamphlet" in results and pdf.exists() else 0
    (out / "results.md").write_text(report(results, curve, args.runs, large, command, pages),
                                    encoding="utf-8")
    plot(results, out / "stages.png")
    print((out / "results.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
