"""The shape of the code, read from the imports of every module.

The stages are packages and data flows one way (README, "How it works"). These
tests read every `import` in `src/pamphleteer/`, at the top of a module or
inside a function, so that a later change cannot quietly bring a circle back,
let the EPUB reach into the PDF, or spread WeasyPrint's internals about.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pamphleteer"

# What each part may import, besides itself and the root package (`__version__`).
# The order is the flow: cli -> pipeline/publish -> stages -> model, problems, support.
ALLOWED = {
    "model": set(),
    "problems": set(),
    "support": {"model", "problems"},
    "read": {"model", "problems", "support"},
    "render": {"model", "problems", "support"},
    "pdf": {"model", "problems", "support", "render"},
    "epub": {"model", "problems", "support", "render"},
    "check": {"model", "problems", "support", "pdf"},
    "pipeline": {"model", "problems", "support", "read", "render", "pdf", "epub"},
    "publish": {"model", "problems", "support", "read", "render", "pdf", "check", "pipeline"},
    "new": {"model", "problems", "support"},
    "preview": {"model", "problems", "support", "pipeline"},
    "cli": {"model", "problems", "support", "read", "render", "pdf", "check", "pipeline", "publish", "new",
            "preview"},
    "__main__": {"cli"},
}


@functools.cache
def modules() -> dict[str, Path]:
    """Every module by its dotted name inside the package: `pdf.layout`, `model`."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "styles" in path.relative_to(PACKAGE).parts:
            continue
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


@functools.cache
def imports_of(name: str, path: Path) -> frozenset[str]:
    """The modules of the package (dotted names) and the outside packages (prefixed
    with `outside:`) that a module imports anywhere in its text."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if name else []
    base = here if is_package else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(_inside_or_outside(alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[:len(base) - (node.level - 1)]
                target = ".".join([*anchor, *(node.module.split(".") if node.module else [])])
                target = f"pamphleteer.{target}" if target else "pamphleteer"
            else:
                target = node.module
            known = modules()
            for alias in node.names:  # `from . import limits` imports a module
                inner = _inside_or_outside(f"{target}.{alias.name}")
                found.add(inner if inner in known else _inside_or_outside(target))
    found.discard(name)
    return frozenset(found)


def _inside_or_outside(dotted: str) -> str:
    if dotted == "pamphleteer":
        return ""
    if dotted.startswith("pamphleteer."):
        return dotted.removeprefix("pamphleteer.")
    return "outside:" + dotted.split(".")[0]


def part(name: str) -> str:
    return name.split(".")[0]


def graph() -> dict[str, set[str]]:
    return {name: {i for i in imports_of(name, path) if not i.startswith("outside:")}
            for name, path in modules().items()}


def test_every_module_belongs_to_a_part_with_rules():
    unplaced = {name for name in modules() if name and part(name) not in ALLOWED}
    assert unplaced == set()


@pytest.mark.parametrize("name", sorted(n for n in modules() if n))
def test_a_module_imports_only_the_parts_before_it(name):
    """cli -> pipeline/publish -> stages -> model, problems, support; never back."""
    allowed = ALLOWED[part(name)] | {part(name), ""}
    wrong = {target for target in graph()[name] if part(target) not in allowed}
    assert wrong == set(), f"{name} may not import {sorted(wrong)}"


def test_no_two_modules_import_each_other_even_through_others():
    """No circle of imports of any length, lazy imports included."""
    edges = graph()
    circles = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(edges.get(name, ())):
            if state.get(target) == 1:
                circles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_the_epub_stage_never_loads_weasyprint_nor_the_pdf_stage():
    """The EPUB is made from plain data (`PrintPages`): nothing it imports, directly or
    through another module, loads WeasyPrint or anything of `pdf/`."""
    edges = graph()
    outside = {name: imports_of(name, path) for name, path in modules().items()}
    for start in (name for name in edges if part(name) == "epub"):
        seen, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo += edges.get(name, ())
        assert not {n for n in seen if part(n) == "pdf"}, start
        loaded = set().union(*(outside[n] for n in seen))
        assert not loaded & {"outside:weasyprint", "outside:pydyf"}, start


def test_weasyprints_internals_are_read_in_one_module():
    """Box class names, the page's `_page_box` and pydyf objects belong to one WeasyPrint
    version: only `pdf/internals.py` may touch them."""
    marks = re.compile(r"\b_page_box\b|[\"'][A-Z]\w*Box[\"']|\bimport pydyf\b|\bpydyf\.")
    touching = sorted(name for name, path in modules().items()
                      if marks.search(path.read_text(encoding="utf-8")))
    assert touching == ["pdf.internals"]


def test_the_stage_packages_hold_no_code_of_their_own():
    """A package's `__init__.py` says what the stage is; its code is in named modules,
    so that a path tells which stage a file belongs to."""
    for name, path in modules().items():
        if path.name == "__init__.py" and name:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            assert [type(node) for node in tree.body] == [ast.Expr], name


# The small commands that print their own result besides the command line (stated here so
# that another cannot join them unnoticed).
OWN_COMMANDS = {"cli", "check.pagepictures"}
CODE = re.compile(r"[A-Z]+-\d{3}")


def test_only_the_command_line_prints():
    """Stages report problems through the channel (`problems.report`) or raise them; only
    the command line prints them, and so only it can keep them in one format."""
    printing = re.compile(r"\bprint\(|\bsys\.(stderr|stdout)\b")
    found = sorted(name for name, path in modules().items()
                   if printing.search(path.read_text(encoding="utf-8")))
    assert set(found) <= OWN_COMMANDS, found


# The calls that make a problem, and which of their arguments is its code.
MAKERS = {"fail": 0, "Problem": 1, "_Wrong": 0,  # functions and classes
          "diag.error": 0, "diag.warning": 0, "self.warn": 1, ".finding": 1}  # methods


def problem_codes() -> list[tuple[str, int, object]]:
    """(module, line, code argument) of every problem made in the package: `fail(CODE, ...)`,
    `diag.error(CODE, ...)`, `Problem(SEVERITY, CODE, ...)` and the like (MAKERS)."""
    found = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            if isinstance(function, ast.Name):
                called = function.id
            elif isinstance(function, ast.Attribute):
                owner = function.value.id if isinstance(function.value, ast.Name) else ""
                called = f"{owner}.{function.attr}" if f"{owner}.{function.attr}" in MAKERS \
                    else f".{function.attr}"
            else:
                continue
            index = MAKERS.get(called)
            if index is None:
                continue
            code = node.args[index] if len(node.args) > index else None
            found.append((name, node.lineno, code.value if isinstance(code, ast.Constant) else code))
    return found


def test_every_problem_an_author_can_get_has_its_own_stable_code():
    """A code names one kind of problem, in one place: what an author searches for, and what
    `accept:` names. Codes computed from a checker's own (EPUBCheck's, Ace's) are theirs."""
    made = [(name, line, code) for name, line, code in problem_codes() if name != "problems"]
    assert len(made) > 120  # the parser of this test still finds them all
    missing = [(name, line) for name, line, code in made if code is None]
    assert missing == []
    literal = [(name, line, code) for name, line, code in made if isinstance(code, str)]
    assert [(name, line, code) for name, line, code in literal if not CODE.fullmatch(code)] == []
    places: dict[str, list[str]] = {}
    for name, line, code in literal:
        places.setdefault(code, []).append(f"{name}:{line}")
    assert {code: where for code, where in places.items() if len(where) > 1} == {}


def test_a_release_is_rebuilt_when_any_module_of_any_stage_changes():
    """`make publish` rebuilds build/ files older than the code that made them: all of it,
    not only the modules beside the publishing code."""
    from pamphleteer.publish.plan import CODE

    assert sorted(CODE) == sorted(modules().values())
