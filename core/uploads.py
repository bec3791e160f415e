"""Uploaded files whose names are not UTF-8 arrive instead of vanishing.

Django's multipart parser decodes each part's header lines as UTF-8 and skips a
line it cannot decode; a file part whose Content-Disposition line is skipped is
dropped without a word (a file name in a legacy encoding, as an old Windows
machine or a script sends it), and the form then saved without the file.
`ReadableNamesHandler`, first in settings.FILE_UPLOAD_HANDLERS, reads the body
through `PartHeaders`, which rewrites only the part headers that are not UTF-8:
every byte it cannot decode becomes "_", so the file arrives under a readable
name (files are stored under generated names anyway; this one is a label).
"""

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser

# Django refuses a part header longer than this; a longer one is passed on as it is.
_MAX_HEADER = 8 * 1024
_END_OF_HEADER = b"\r\n\r\n"


def readable(header):
    """`header` (bytes) with every byte that is not UTF-8 made "_", and every control
    character too (Django's parser drops those from a file name, and with an empty name
    the file)."""
    try:
        text = header.decode()
    except UnicodeDecodeError:
        text = header.decode(errors="replace").replace("\ufffd", "_")
    lines = ["".join(c if _shown(c) else "_" for c in line) for line in text.split("\r\n")]
    return "\r\n".join(lines).encode()


def _shown(char):
    return char.isprintable() or char == "\t"


class PartHeaders:
    """A multipart body read as Django's parser reads it (`read(size)`), each part's
    header block (from the boundary line to the blank line) passed through readable()."""

    def __init__(self, stream, boundary):
        self._stream = stream
        self._delimiter = b"--" + boundary
        self._buffer = b""  # read, not yet passed on
        self._ready = bytearray()  # passed on, not yet read by the parser
        self._done = False

    def read(self, size=-1):
        while not self._done and (size is None or size < 0 or len(self._ready) < size):
            self._step()
        if size is None or size < 0:
            size = len(self._ready)
        chunk = bytes(self._ready[:size])
        del self._ready[:size]
        return chunk

    def _fill(self):
        more = self._stream.read(64 * 1024)
        self._buffer += more
        return bool(more)

    def _step(self):
        start = self._buffer.find(self._delimiter)
        if start < 0:
            # Keep what could be the beginning of a delimiter cut by the read.
            keep = len(self._delimiter) - 1
            self._ready += self._buffer[: max(0, len(self._buffer) - keep)]
            self._buffer = self._buffer[max(0, len(self._buffer) - keep) :]
            if not self._fill():
                self._ready += self._buffer
                self._buffer = b""
                self._done = True
            return
        end = self._buffer.find(_END_OF_HEADER, start)
        if end < 0 and len(self._buffer) - start <= _MAX_HEADER and self._fill():
            return  # read on until the header block is whole
        self._ready += self._buffer[:start]
        if (
            end < 0 or end - start > _MAX_HEADER
        ):  # the closing delimiter, or a header too long for Django anyway
            cut = start + len(self._delimiter)
            self._ready += self._buffer[start:cut]
            self._buffer = self._buffer[cut:]
            return
        end += len(_END_OF_HEADER)
        self._ready += readable(self._buffer[start:end])
        self._buffer = self._buffer[end:]


class ReadableNamesHandler(FileUploadHandler):
    """Parses multipart bodies through PartHeaders with the other upload handlers."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        body = PartHeaders(input_data, boundary)
        return MultiPartParser(META, body, others, encoding).parse()
