"""`make bench`: how long a build takes and how much memory it needs.

    python bench/run.py [--runs N] [--scales 1,2,4] [--out bench]

Two manuscripts: the sample (small) and the generated one (large, see
generate.py). For each, the median wall time and the peak resident memory of
the whole process tree of

- the EPUB build and the PDF build, each from an empty build folder;
- a no-op `make` after a build;
- a rebuild of the EPUB after one word of one section has changed;

and, where they are installed, pandoc building the same manuscript to EPUB and
bare WeasyPrint rendering the HTML we generate to PDF. Our budgets (`budgets`)
are checked against these figures. Results go to bench/results.md, the time
per stage to bench/stages.png.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

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
    folder = work / manuscript.stem
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(manuscript.parent, folder, ignore=shutil.ignore_patterns("build", "publish"))
    source = folder / manuscript.name
    build = folder / "build"

    def empty_build() -> None:
        shutil.rmtree(build, ignore_errors=True)

    def without(suffix: str):
        return lambda: [path.unlink() for path in build.glob(f"*{suffix}")]

    results: dict[str, Run] = {}
    tool = [str(TOOL), "build", str(source), "-o", str(build)]
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
    html, options = _our_print_html(source, work, build)
    for what, page in (("weasyprint pdf", html), ("weasyprint pdf, our print copies",
                                                  html.with_suffix(".copies.html"))):
        results[what] = repeat(runs, lambda: None, [
            str(VENV_BIN / "weasyprint"), "-s", str(ROOT / "styles/print/book.css"),
            "-s", str(html.with_suffix(".css")), "-u", folder.as_uri() + "/", *options,
            str(page), str(work / "bare.pdf")], folder)
    return results


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


def memory_curve(work: Path, scales: list[int]) -> dict[int, dict[str, Run]]:
    curve = {}
    for scale in scales:
        manuscript = generate(work / f"scale-{scale}", scale)
        build = manuscript.parent / "build"
        tool = [str(TOOL), "build", str(manuscript), "-o", str(build)]
        shutil.rmtree(build, ignore_errors=True)
        pdf = measure(tool + ["--pdf"], manuscript.parent)
        epub = measure(tool + ["--epub"], manuscript.parent)
        curve[scale] = {"pdf": pdf, "epub": epub}
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


def linear(curve: dict[int, dict[str, Run]]) -> list[tuple[str, str, bool]]:
    """Memory grows at most linearly: peak(k×) ≤ k × peak(1×)."""
    checks = []
    base = curve.get(1)
    for scale, runs in sorted(curve.items()):
        if scale == 1 or base is None:
            continue
        for kind in ("epub", "pdf"):
            ratio = runs[kind].peak_bytes / base[kind].peak_bytes
            checks.append((f"{kind.upper()} memory at {scale}× ≤ {scale} × memory at 1×",
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


def report(results: dict[str, dict[str, Run]], curve, runs: int) -> str:
    lines = ["# Benchmark results", "",
             f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by `make bench`; "
             f"each figure the median of {runs} runs (peak memory: the highest).", "",
             f"Machine: {machine()}", "",
             "Versions: " + ", ".join(f"{name} {value}" for name, value in versions().items()), "",
             "## Builds", "", "| manuscript | what | wall time (s) | peak memory (MiB) |",
             "|---|---|---:|---:|"]
    for name, cases in results.items():
        for what, run in cases.items():
            lines.append(f"| {name} | {what} | {run.seconds:.2f} | {run.peak_bytes / MIB:.0f} |")
    large = results.get("large")
    checks = (budgets(large) if large else []) + linear(curve)
    if large:
        overhead = large["pdf"].seconds - large["weasyprint pdf"].seconds
        lines += ["", f"Our PDF overhead on the large manuscript: {overhead:+.2f} s "
                      "(our PDF build from an empty folder minus bare WeasyPrint on the same HTML, "
                      "with the manuscript's own pictures). Bare WeasyPrint is given the HTML of the "
                      "whole book, our stylesheets and the profile's PDF variant and font options."]
    lines += ["", "## Memory against length", "",
              "| scale | EPUB peak (MiB) | PDF peak (MiB) | PDF time (s) |", "|---:|---:|---:|---:|"]
    for scale, run in sorted(curve.items()):
        lines.append(f"| {scale}× | {run['epub'].peak_bytes / MIB:.0f} | {run['pdf'].peak_bytes / MIB:.0f} "
                     f"| {run['pdf'].seconds:.1f} |")
    lines += ["", "## Budgets", "", "| budget | measured | held |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {'yes' if held else '**no**'} |" for name, value, held in checks]
    lines += ["", "## Time per stage", "", "![time per stage](stages.png)", ""]
    for name, cases in results.items():
        for what in ("epub", "pdf"):
            stages = cases[what].stages
            if stages:
                lines.append(f"- {name} {what}: " + ", ".join(f"{stage} {seconds:.2f} s"
                                                              for stage, seconds in stages.items()))
    return "\n".join(lines) + "\n"


def plot(results: dict[str, dict[str, Run]], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
    bars = [(f"{name} {what}", cases[what].stages) for name, cases in results.items()
            for what in ("epub", "pdf") if cases[what].stages]
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
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    large = generate(args.work / "large-source", 1)
    results = {"small": bench_manuscript(SAMPLE, args.work, args.runs),
               "large": bench_manuscript(large, args.work, args.runs)}
    curve = memory_curve(args.work, [int(scale) for scale in args.scales.split(",")])
    (args.out / "results.md").write_text(report(results, curve, args.runs), encoding="utf-8")
    plot(results, args.out / "stages.png")
    print((args.out / "results.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
