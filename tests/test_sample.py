"""The sample pamphlet is our showcase: it must keep showing every feature."""

import re

from PIL import Image

from pamphleteer.model import Figure, NoteRef


def words(section) -> int:
    text = " ".join(re.sub(r"<[^>]+>", " ", p) for p in section.parts if isinstance(p, str))
    return len(text.split())


def test_sample_is_a_question_and_answer_pamphlet(sample):
    book = sample.book
    opening, *questions = book.sections
    assert opening.heading is None and words(opening) >= 100
    assert not book.has_chapters and len(questions) >= 8
    assert all(q.heading.text.endswith("?") for q in questions)
    assert sum(words(s) for s in book.sections) >= 3000


def test_sample_has_figures_with_captions_credits_and_a_transparent_png(sample):
    figures = sample.book.figures
    assert len(figures) >= 4
    assert all(f.alt and f.caption_html and f.credit_html for f in figures)
    pngs = [f for f in figures if f.media_type == "image/png"]
    assert any(Image.open(f.source).mode in ("RGBA", "LA") for f in pngs)


def test_sample_quotes_are_introduced_and_end_with_a_footnoted_source(sample):
    quotes = 0
    for section in sample.book.sections:
        parts = section.parts
        for index, part in enumerate(parts):
            if isinstance(part, str) and part.lstrip().startswith("<blockquote>"):
                quotes += 1
                assert isinstance(parts[index + 1], NoteRef), part[:60]
                introduction = parts[index - 1] if index else ""
                assert isinstance(introduction, str) and introduction.rstrip().endswith(":</p>")
    assert quotes >= 6


def test_sample_has_a_two_paragraph_note_a_list_and_a_table(sample):
    assert any(len(n.paragraphs) == 2 for n in sample.book.notes)
    html = "".join(p for s in sample.book.sections for p in s.parts if isinstance(p, str))
    assert "<ul>" in html and "<ol>" in html and "<table>" in html
    assert not any(isinstance(p, Figure) and not p.alt for s in sample.book.sections for p in s.parts)
