"""The rows a preview read, kept so that the confirm plans from them without parsing the
workbook again.

A national criteria matrix is ~725,000 cells; openpyxl parses them in ~10 s, and the
confirm used to parse the kept file a second time inside its transaction. The
preview now records the rows of every sheet it reads (:class:`Recorder`, wrapping a
files.Workbook), as they were cleaned, and :func:`saved` keeps them beside the file;
the confirm replays them (:class:`Replay`, the same interface) and plans against the
database as it is then, exactly as before. Only the parse is saved, never the plan.

The record is a small container: a first line ``NTM-ROWS <FORMAT>``, a JSON line
naming the workbook's sheets and, for each sheet read, the length of its block, then
the blocks: zlib-compressed JSON lines, one per row. Memory stays flat both ways
(a sheet is compressed as it is read, and read back line by line). A record of
another format, or one whose SHA-256 is not the one in its name, is not used: the
confirm then parses the file, as it always could. A sheet the preview did not read
is parsed from the file too.
"""

import datetime
import hashlib
import json
import zlib

from .files import ImportFileError, Row

FORMAT = 1
_MAGIC = f"NTM-ROWS {FORMAT}\n".encode()
_NONE = frozenset()


class Recorder:
    """A files.Workbook whose rows are also recorded, sheet by sheet, in full."""

    def __init__(self, book):
        self.book = book
        self.titles = book.titles
        self._blocks = {}  # title -> list of compressed chunks, once the sheet is complete
        self._open = {}  # title -> (iterator, compressor, chunks) of a sheet being read

    def rows(self, title):
        if title in self._blocks:  # read a second time: from the record
            return _rows_of(_block_reader(b"".join(self._blocks[title])))
        if title in self._open:  # read again while its first reading goes on: parsed again
            return self.book.rows(title)
        iterator = iter(self.book.rows(title))
        self._open[title] = (iterator, zlib.compressobj(6), [])
        return self._recording(title)

    def _recording(self, title):
        iterator, compressor, chunks = self._open[title]
        for row in iterator:
            chunks.append(compressor.compress(_encode(row)))
            yield row
        self._finish(title)

    def _complete(self, title):
        if title in self._open:
            iterator, compressor, chunks = self._open[title]
            for row in iterator:
                chunks.append(compressor.compress(_encode(row)))
            self._finish(title)

    def _finish(self, title):
        if title in self._open:
            _iterator, compressor, chunks = self._open.pop(title)
            chunks.append(compressor.flush())
            self._blocks[title] = chunks

    def record(self):
        """The record's bytes: every sheet read, each completed to its last row (a sheet
        that cannot be completed is left out: the confirm parses it)."""
        for title in list(self._open):
            try:
                self._complete(title)
            except ImportFileError:
                del self._open[title]
        blocks = {title: b"".join(chunks) for title, chunks in self._blocks.items()}
        head = {"titles": self.titles, "sheets": [[t, len(b)] for t, b in blocks.items()]}
        return b"".join([_MAGIC, json.dumps(head).encode(), b"\n", *blocks.values()])


class Replay:
    """A workbook read from a record; a sheet not in it is read from the file (`opened`,
    a callable giving a files.Workbook, called at most once)."""

    def __init__(self, record, opened):
        head_end = record.index(b"\n", len(_MAGIC))
        head = json.loads(record[len(_MAGIC) : head_end])
        self.titles = head["titles"]
        self._blocks, offset = {}, head_end + 1
        for title, length in head["sheets"]:
            self._blocks[title] = memoryview(record)[offset : offset + length]
            offset += length
        self._opened, self._book = opened, None

    def rows(self, title):
        if title in self._blocks:
            return _rows_of(_block_reader(self._blocks[title]))
        if self._book is None:
            self._book = self._opened()
        return self._book.rows(title)


def usable(record, name):
    """Whether `record` is a record of this format whose SHA-256 is the one in its `name`."""
    digest = hashlib.sha256(record).hexdigest()
    return record.startswith(_MAGIC) and digest in name


def _encode(row):
    merged = {str(k): v for k, v in row.merged_from.items()} if row.merged_from else None
    line = [row.number, row.values, sorted(row.continued), sorted(row.formulas_without_value),
            merged]  # fmt: skip
    return json.dumps(line, default=_tagged, ensure_ascii=False).encode() + b"\n"


def _tagged(value):
    """Cell values JSON has no type for, as {"$": type, "v": text}."""
    for kind in (datetime.datetime, datetime.date, datetime.time):
        if isinstance(value, kind):
            return {"$": kind.__name__, "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    raise TypeError(f"a cell value of type {type(value).__name__} cannot be recorded")


_UNTAG = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "timedelta": lambda seconds: datetime.timedelta(seconds=seconds),
}


def _untagged(value):
    if "$" in value and value["$"] in _UNTAG:
        return _UNTAG[value["$"]](value["v"])
    return value


def _rows_of(lines):
    for line in lines:
        number, values, continued, missing, merged = json.loads(line, object_hook=_untagged)
        yield Row(
            number,
            values,
            frozenset(continued) if continued else _NONE,
            frozenset(missing) if missing else _NONE,
            {int(k): v for k, v in merged.items()} if merged else None,
        )


def _block_reader(block):
    """The lines of one compressed block, decompressed a piece at a time."""
    decompressor, pending = zlib.decompressobj(), b""
    for start in range(0, len(block), 1 << 16):
        pending += decompressor.decompress(block[start : start + (1 << 16)])
        *lines, pending = pending.split(b"\n")
        yield from lines
    pending += decompressor.flush()
    yield from (line for line in pending.split(b"\n") if line)
