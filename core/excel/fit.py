"""How tall a row of wrapped text is, and how small a sheet prints to fit A4 landscape.

A program that opens a workbook does not always measure its rows again:
LibreOffice (7.4, as Debian ships it) prints each row at the height stored in
the file, so a row without one is one line tall and its wrapped text runs over
the rows below. Sheet (core/excel/writer.py) therefore stores the height of
every row whose text wraps, estimated here from the text and the column's
width, the way a spreadsheet wraps: by words, a word longer than the line
broken where the line ends, each line break of the text a new line.

The estimate counts characters rather than measuring glyphs: the font the
reader prints with is not known (Calibri in Excel; in LibreOffice without it,
Carlito or, on a bare Debian, DejaVu Serif, a wider font), and measuring it
would need its files. A column `width` wide (Excel's unit: the width of a
digit) holds 1.15 × width - 1.5 characters of ordinary Vietnamese text in
DejaVu Serif (measured: 10, 23, 45 and 71 characters at widths 10, 20, 40
and 60), more in Calibri; CHARS_PER_WIDTH keeps below that. Bold takes 8 %
more room, capitals 15 % more still (bold capitals: 8, 18, 34, 53).
`make print-check` (tests/reports/test_print.py) prints every report with
LibreOffice and checks that no two words overlap, so a change here that
estimates too few lines fails there.
"""

import math

CHARS_PER_WIDTH = 1.1  # characters of ordinary text on a line of one width unit
CAPITALS = 0.87  # a text in capitals holds this share of the characters
BOLD = 0.92
POINTS_PER_LINE = 1.36  # a row's height in points per line and point of font size (15 at 11)
LINE_ADVANCE = 1.2  # lines of turned text side by side: 13.2 points apart at 11 pt
PADDING = 2  # points above and below the text of a cell

# A4 landscape in points, less Sheet's margins (0.4" left and right, 0.5" top, 0.6" bottom).
PAGE_WIDTH = 841.9 - 0.8 * 72
POINTS_PER_WIDTH = 5.6  # a width unit of Calibri 11, the workbook's font, in points


def capacity(width, *, bold=False, capitals=False):
    """How many characters of a text fit on one line of a cell `width` units wide."""
    chars = width * CHARS_PER_WIDTH
    if bold:
        chars *= BOLD
    if capitals:
        chars *= CAPITALS
    return max(1, int(chars - 1))


def line_count(text, width, *, bold=False):
    """The number of lines `text` takes in a wrapping cell `width` units wide."""
    room = capacity(width, bold=bold, capitals=text.isupper())
    lines = 0
    for paragraph in text.split("\n"):
        if len(paragraph) <= room:
            lines += 1
            continue
        lines += 1
        used = -1  # the line's characters, -1 before its first word (no space before it)
        for word in paragraph.split():
            size = len(word)
            if used + 1 + size <= room:
                used += 1 + size
                continue
            if used >= 0:  # the word goes on the next line
                lines += 1
            # A word longer than the line is broken where each line ends.
            lines += (size - 1) // room
            used = (size - 1) % room + 1
    return lines


def height(lines, size=11):
    """The height in points of a row showing `lines` lines of text in a `size`-point font."""
    return math.ceil(lines * size * POINTS_PER_LINE + PADDING)


# One line of the workbook's font: rows this tall or less need no height of their own.
ONE_LINE = height(1)


def scale(widths):
    """The print scale (percent) at which columns `widths` wide fit the page's width."""
    needed = sum(widths) * POINTS_PER_WIDTH
    return max(10, min(100, math.floor(100 * PAGE_WIDTH / needed)))


def turned_height(text, width, *, bold=False, size=11):
    """The height in points of a cell showing `text` turned 90° in a column `width` wide:
    its lines run up the cell, as many side by side as the column's width holds."""
    across = max(1, int(width * POINTS_PER_WIDTH // (size * LINE_ADVANCE)))
    length = 1  # the cell's height in width units, i.e. its lines' length
    while line_count(text, length, bold=bold) > across:
        length += 1
    return math.ceil(length * POINTS_PER_WIDTH + 2 * PADDING)
