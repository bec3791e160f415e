"""Workbooks printed as LibreOffice prints them, and what a reader sees on the pages.

`to_pdf` converts workbooks with Debian's LibreOffice headless (`soffice`,
installed by `make print-check`), all in one run. `pages` reads a PDF with
pdfminer.six (MIT) without its layout analysis: each page's words (runs of
touching glyphs in the order drawn, split at spaces) with their boxes, in
points from the page's bottom left.
"""

import subprocess
from typing import NamedTuple

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTFigure
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

CONVERT_TIMEOUT = 300  # seconds for every file of a run (a cold start takes ~10)
OVERLAP = 0.3  # words overlap when they share this much of the smaller one's width and height


class Word(NamedTuple):
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


class Page(NamedTuple):
    number: int
    width: float
    height: float
    words: list

    @property
    def text(self):
        return " ".join(word.text for word in self.words)


def to_pdf(paths, folder, profile):
    """Print the workbooks `paths` to PDFs in `folder` (a LibreOffice profile in `profile`,
    so that a desktop's LibreOffice, or another run, is never in the way)."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, paths)],
        check=True, capture_output=True, timeout=CONVERT_TIMEOUT,
    )  # fmt: skip
    return [folder / (path.stem + ".pdf") for path in paths]


def pages(path):
    """The Pages of the PDF at `path`."""
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    with open(path, "rb") as file:
        for number, pdf_page in enumerate(PDFPage.get_pages(file), 1):
            interpreter.process_page(pdf_page)
            layout = device.get_result()
            yield Page(number, layout.width, layout.height, list(_words(_glyphs(layout))))


def _glyphs(container):
    for item in container:
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTFigure):
            yield from _glyphs(item)


def _words(glyphs):
    word = []
    for glyph in glyphs:
        if not glyph.get_text().strip():
            yield from _word(word)
            word = []
            continue
        if word and not _touching(word[-1], glyph):
            yield from _word(word)
            word = []
        word.append(glyph)
    yield from _word(word)


def _touching(previous, glyph):
    """The next glyph of the same word: same direction, within a third of its size."""
    room = 0.3 * max(glyph.size, 1)
    return (
        glyph.upright == previous.upright
        and max(glyph.x0 - previous.x1, previous.x0 - glyph.x1) <= room
        and max(glyph.y0 - previous.y1, previous.y0 - glyph.y1) <= room
    )


def _word(glyphs):
    if glyphs:
        yield Word(
            "".join(glyph.get_text() for glyph in glyphs),
            min(glyph.x0 for glyph in glyphs),
            min(glyph.y0 for glyph in glyphs),
            max(glyph.x1 for glyph in glyphs),
            max(glyph.y1 for glyph in glyphs),
        )


def overlapping(words):
    """Pairs of words drawn over each other (sharing OVERLAP of the smaller one both ways)."""
    words = sorted(words, key=lambda word: word.y0)
    pairs = []
    for index, first in enumerate(words):
        for second in words[index + 1 :]:
            if second.y0 >= first.y1:
                break  # sorted by bottom: no later word reaches down into `first`
            across = min(first.x1, second.x1) - max(first.x0, second.x0)
            up = min(first.y1, second.y1) - max(first.y0, second.y0)
            smaller_width = min(first.x1 - first.x0, second.x1 - second.x0)
            smaller_height = min(first.y1 - first.y0, second.y1 - second.y0)
            if across > OVERLAP * smaller_width and up > OVERLAP * smaller_height:
                pairs.append((first.text, second.text))
    return pairs


def outside(page):
    """The words of `page` not wholly on it."""
    return [
        word.text
        for word in page.words
        if word.x0 < 0 or word.y0 < 0 or word.x1 > page.width or word.y1 > page.height
    ]
