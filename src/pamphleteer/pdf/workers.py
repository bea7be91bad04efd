"""Pieces of the book laid out side by side, in worker processes (`--jobs N`).

WeasyPrint lays out in pure Python, on one core: chapters that do not depend on
one another can be laid out at once by as many processes. A worker is forked
from a server that has WeasyPrint loaded already, and loads the edition's
stylesheets and fonts once, however many pieces it is given (`start`); each
piece goes to it as plain data and comes back as plain data (`run`). A worker
that dies (killed, out of memory) fails the build with one clear line, and
nothing is written.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from ..problems import Problem, captured, fail, report

Task = TypeVar("Task")
Answer = TypeVar("Answer")

_work: Callable | None = None  # in a worker: what `start` set up


def side_by_side(start: Callable[..., Callable[[Task], Answer]], start_with: tuple,
                 tasks: Sequence[Task], jobs: int, source: Path,
                 done: Callable[[int], None] = lambda n: None) -> list[Answer]:
    """[work(task) for task in tasks], in at most `jobs` processes, where work is what
    `start(*start_with)` returns in each of them. `done(n)` hears each task finished;
    `source` is the manuscript, which a failure names."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pamphleteer.pdf.pieces"])  # WeasyPrint, loaded once
    answers: list = []
    try:
        with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=context, initializer=_start,
                                 initargs=(start, start_with)) as pool:
            for answer, problems in pool.map(_run, tasks):
                for problem in problems:
                    report(problem)
                answers.append(answer)
                done(len(answers))
    except BrokenProcessPool:
        raise fail("LAYOUT-003", "a layout worker stopped before it finished (killed, or out of "
                   "memory?): no file was changed; build again, or with --jobs 1", source) from None
    return answers


def _start(start: Callable, start_with: tuple) -> None:
    global _work
    _work = start(*start_with)


def _run(task) -> tuple[object, list[Problem]]:
    """The answer, and the problems found on the way: the main process reports them."""
    with captured() as problems:
        answer = _work(task)
    return answer, problems.found
