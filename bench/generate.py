"""The benchmark's manuscripts, made the same way every time.

    python bench/generate.py OUT_DIR [--scale N]
    python bench/generate.py OUT_DIR --pamphlet

At scale 1: about 120,000 words in 40 chapters (`#`) of about 330 sections
(`##`) in all, whose heading texts repeat from chapter to chapter; 400
footnotes; 120 figures (JPEG photographs, PNG drawings with transparency and
SVG diagrams, most of them 2400 × 1600 px at 300 ppi); and a few pipe tables.
Scale 2 and 4 make a book two and four times as long, for the memory curve.
Everything comes from one seeded random generator, so the same scale always
gives the same bytes.

The pamphlet (`generate_pamphlet`) is our users' typical book, in questions and
answers: about 8,000 words under 19 `##` questions and no `#` chapters (so it
is one piece of layout), 11 photographs (JPEG, at the pixel sizes phones and
cameras give), 14 notes, a title, an author, a date and `lang: en`; about 38
A5 pages with the digital profile. It too comes from one seeded generator of
its own.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SEED = 20261123
CHAPTERS = 40
SECTIONS = 330
WORDS = 120_000
NOTES = 400
FIGURES = 120
TABLES = 4
PARAGRAPH_WORDS = 80
PHOTO_SIZE = (2400, 1600)
PPI = 300

# A small made-up vocabulary: the words only have to look and hyphenate like prose.
VOCABULARY = """
the a of and to in that it was for on as with by at from this which but not
be had were are have their they his her one all there when who would been
members society club fund weekly payment steward treasurer meeting rules
village store harvest winter neighbour doctor funeral pension savings bank
account dividend shares capital labour cooperation assistance household
contribution agreement committee district parish workshop bakery laundry
insurance sickness accident widow orphan schoolroom lantern market bread
coal cloth weaver spinner miner carpenter printer engraver blacksmith
remarkable considerable independent collective ordinary particular sensible
carefully gradually generally honestly patiently quietly regularly slowly
""".split()
HEADINGS = ["Beginnings", "The rules", "Money and trust", "Who joined", "Meetings",
            "The accounts", "Trouble", "Growth", "Neighbours", "What remained",
            "Questions", "Sources"]


@dataclass(frozen=True)
class Counts:
    chapters: int
    sections: int
    words: int
    notes: int
    figures: int
    tables: int


def counts(scale: int = 1) -> Counts:
    return Counts(CHAPTERS * scale, SECTIONS * scale, WORDS * scale, NOTES * scale,
                  FIGURES * scale, TABLES * scale)


def generate(out: Path, scale: int = 1) -> Path:
    """Write `bench-<scale>x.md` and its `images/` into `out`; return the manuscript."""
    rng = random.Random(SEED * 10 + scale)
    plan = counts(scale)
    out.mkdir(parents=True, exist_ok=True)
    (out / "images").mkdir(exist_ok=True)
    figures = [_write_figure(out / "images", number, rng) for number in range(1, plan.figures + 1)]
    manuscript = out / f"bench-{scale}x.md"
    manuscript.write_text(_front_matter(scale) + _body(plan, figures, rng), encoding="utf-8")
    return manuscript


def _front_matter(scale: int) -> str:
    return (f"---\ntitle: The Long Account, volume {scale}\n"
            "author: Pamphleteer Benchmark\npublisher: Pamphleteer Sample Press\n"
            "date: 2026-11-23\nlang: en\n"
            f"identifier: urn:uuid:00000000-0000-4000-8000-{scale:012d}\n"
            "description: A long generated book that the benchmark builds.\n---\n\n")


def _body(plan: Counts, figures: list[str], rng: random.Random) -> str:
    sections = _spread(plan.sections, plan.chapters)
    # Nine tenths of the words in paragraphs; notes, captions and headings make the rest.
    paragraphs_per_section = max(1, int(plan.words * 0.9 / plan.sections / PARAGRAPH_WORDS))
    notes = iter(range(1, plan.notes + 1))
    note_slots = set(rng.sample(range(plan.sections * paragraphs_per_section), plan.notes))
    figure_slots = dict(zip(sorted(rng.sample(range(plan.sections), plan.figures)), figures, strict=True))
    table_slots = set(rng.sample(sorted(set(range(plan.sections)) - set(figure_slots)), plan.tables))
    out, section, paragraph = [], 0, 0
    for chapter, count in enumerate(sections, start=1):
        out.append(f"# Chapter {chapter}: {_title(rng)}\n")
        for number in range(count):
            out.append(f"## {HEADINGS[number % len(HEADINGS)]}\n")
            for _ in range(paragraphs_per_section):
                text = _paragraph(rng)
                if paragraph in note_slots:
                    note = next(notes)
                    text += f"[^n{note}]\n\n[^n{note}]: {_sentence(rng)} {_sentence(rng)}"
                out.append(text + "\n")
                paragraph += 1
            if section in figure_slots:
                out.append(figure_slots[section] + "\n")
            if section in table_slots:
                out.append(_table(rng))
            section += 1
    return "\n".join(out)


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(3)).capitalize()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", ";"]).replace(";", ".")


def _paragraph(rng: random.Random, length: int = PARAGRAPH_WORDS) -> str:
    words: list[str] = []
    text = []
    while len(words) < length - 8:  # sentences average 15 words: about `length` words
        sentence = _sentence(rng)
        words += sentence.split()
        text.append(sentence)
    return " ".join(text)


def _table(rng: random.Random) -> str:
    rows = ["| Year | Members | Fund |", "|---|---:|---:|"]
    rows += [f"| {1840 + year} | {rng.randint(20, 900)} | £{rng.randint(5, 4000)} |" for year in range(8)]
    return "\n".join(rows) + "\n"


def _write_figure(folder: Path, number: int, rng: random.Random) -> str:
    """A figure's Markdown; its picture written into `folder`. One in three is each kind."""
    kind = ("jpg", "png", "svg")[number % 3]
    name = f"figure-{number:03d}.{kind}"
    size = PHOTO_SIZE if number % 5 else (1200, 800)  # most are large, some are smaller
    if kind == "svg":
        (folder / name).write_text(_svg(rng), encoding="utf-8")
    else:
        _picture(size, kind, rng).save(folder / name, dpi=(PPI, PPI), **(
            {"quality": 88} if kind == "jpg" else {"optimize": False}))
    alt = f"Figure {number}: a generated picture of coloured shapes."
    return f'![{alt}](images/{name} "{_title(rng)}, figure {number}.")'


def _picture(size: tuple[int, int], kind: str, rng: random.Random) -> Image.Image:
    mode = "RGB" if kind == "jpg" else "RGBA"
    image = Image.linear_gradient("L").resize(size).convert(mode)
    if kind == "png":
        image.putalpha(0)
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(60 if kind == "jpg" else 25):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, width // 6)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256), 255)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour[:len(mode)])
    return image


def _svg(rng: random.Random) -> str:
    shapes = "".join(
        f'<rect x="{rng.randrange(560)}" y="{rng.randrange(360)}" width="{rng.randrange(20, 200)}" '
        f'height="{rng.randrange(20, 120)}" fill="#{rng.randrange(0x1000000):06x}"/>' for _ in range(30))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400" viewBox="0 0 600 400">'
            f"{shapes}</svg>\n")


# ---- the pamphlet ------------------------------------------------------------

PAMPHLET_SEED = 20261129
QUESTIONS = [
    "What was the club for?", "Who could join?", "How much did a member pay each week?",
    "Where did the members meet?", "Who kept the money, and how?",
    "What happened when a member fell ill?", "What did the club doctor do?",
    "Could a widow draw on the fund?", "How were the accounts checked?",
    "Why did some clubs fail?", "What were the rules about drink?",
    "How did the club settle a quarrel?", "Did women run clubs of their own?",
    "What did the law say about the clubs?", "What was done with a surplus?",
    "Why did the members march once a year?", "What did the store add to the club?",
    "What took the place of the clubs?", "What can such a club teach us now?",
]
PAMPHLET_WORDS = 8_000
PAMPHLET_NOTES = 14
PHOTOGRAPHS = 11
# What a phone (landscape, portrait), a compact camera and a scan sent by a reader give.
PHOTO_SIZES = [(4032, 3024), (3024, 4032), (3264, 2448), (2400, 1600)]
PHOTO_PPI = 72  # what phones and cameras write into the file


@dataclass(frozen=True)
class PamphletCounts:
    questions: int
    words: int
    notes: int
    photographs: int


def pamphlet_counts() -> PamphletCounts:
    return PamphletCounts(len(QUESTIONS), PAMPHLET_WORDS, PAMPHLET_NOTES, PHOTOGRAPHS)


def generate_pamphlet(out: Path) -> Path:
    """Write `pamphlet.md` and its `images/` into `out`; return the manuscript."""
    rng = random.Random(PAMPHLET_SEED)
    plan = pamphlet_counts()
    (out / "images").mkdir(parents=True, exist_ok=True)
    photos = [_write_photograph(out / "images", number, rng) for number in range(1, plan.photographs + 1)]
    manuscript = out / "pamphlet.md"
    manuscript.write_text(_pamphlet_front_matter() + _pamphlet_body(plan, photos, rng), encoding="utf-8")
    return manuscript


def _pamphlet_front_matter() -> str:
    return ("---\ntitle: Fourpence a Week\nauthor: Pamphleteer Benchmark\n"
            "date: 2026-11-29\nlang: en\n---\n\n")


def _pamphlet_body(plan: PamphletCounts, photos: list[str], rng: random.Random) -> str:
    """An introduction, then each question and its answer: paragraphs of varied length,
    now and then a quotation or a short list; the notes and photographs in answers
    chosen at random. Paragraphs take what headings, notes and captions leave of the words."""
    others = 45 * plan.notes + 25 * plan.photographs + 6 * plan.questions
    share = (plan.words - others) // (plan.questions + 1)
    answered = sorted(rng.sample(range(1, plan.questions + 1), plan.photographs))
    photo_in = dict(zip(answered, photos, strict=True))
    sections = [_answer(share, rng)] + [_answer(share, rng) for _ in range(plan.questions)]
    paragraphs = [(section, index) for section, texts in enumerate(sections) for index in range(len(texts))]
    for note, (section, index) in enumerate(sorted(rng.sample(paragraphs, plan.notes)), start=1):
        sections[section][index] += (f"[^q{note}]\n\n[^q{note}]: {_sentence(rng)} {_sentence(rng)} "
                                     f"{_sentence(rng)}")
    out = ["\n\n".join(sections[0])]
    for number, question in enumerate(QUESTIONS[:plan.questions], start=1):
        answer = sections[number]
        if number in photo_in:
            answer.insert(rng.randrange(1, len(answer) + 1), photo_in[number])
        out.append(f"## {question}\n\n" + "\n\n".join(answer))
    return "\n\n".join(out) + "\n"


def _answer(words: int, rng: random.Random) -> list[str]:
    """Blocks of about `words` words: mostly paragraphs, sometimes a quotation or a list."""
    blocks: list[str] = []
    count = 0
    while count < words - 40:  # the last block overshoots by about half a paragraph
        kind = rng.random()
        if kind < 0.08 and blocks:
            block = "> " + _paragraph(rng, rng.randint(30, 60))
        elif kind < 0.14 and blocks:
            block = "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(3, 5)))
        else:
            block = _paragraph(rng, rng.randint(30, 110))
        blocks.append(block)
        count += len(block.split())
    return blocks


def _write_photograph(folder: Path, number: int, rng: random.Random) -> str:
    size = PHOTO_SIZES[rng.randrange(len(PHOTO_SIZES))]
    name = f"photo-{number:02d}.jpg"
    _photograph(size, rng).save(folder / name, quality=90, dpi=(PHOTO_PPI, PHOTO_PPI))
    alt = f"A photograph of {_title(rng).lower()}, with {_title(rng).lower()} behind."
    return f'![{alt}](images/{name} "{_title(rng)}.")'


def _photograph(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Something with a photograph's texture, so that it costs what a photograph costs to
    decode and compress: soft patches of colour from a coarse random grid, a few
    blurred shapes, and grain at every pixel."""
    width, height = size
    coarse = (max(2, width // 160), max(2, height // 160))
    image = Image.frombytes("RGB", coarse, rng.randbytes(coarse[0] * coarse[1] * 3))
    image = image.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(width // 20, width // 5)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(width / 400))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).convert("RGB")
    return ImageChops.blend(image, grain, 0.08)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--pamphlet", action="store_true", help="the pamphlet instead of the large book")
    args = parser.parse_args()
    print(generate_pamphlet(args.out) if args.pamphlet else generate(args.out, args.scale))


if __name__ == "__main__":
    main()
