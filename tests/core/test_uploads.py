"""core.uploads: a multipart body's part headers made UTF-8 before Django parses them,
the rest passed on byte for byte, whatever sizes the parser reads."""

import io

import pytest

from core.uploads import PartHeaders, readable

BOUNDARY = b"----b0undary"


def body(*parts):
    """A multipart body of (header bytes, content bytes) parts."""
    chunks = [
        b"--" + BOUNDARY + b"\r\n" + header + b"\r\n\r\n" + content + b"\r\n"
        for header, content in parts
    ]
    return b"".join(chunks) + b"--" + BOUNDARY + b"--\r\n"


def read_all(data, size):
    stream = PartHeaders(io.BytesIO(data), BOUNDARY)
    out = []
    while chunk := stream.read(size):
        out.append(chunk)
    return b"".join(out)


FILE_HEADER = (
    b'Content-Disposition: form-data; name="files"; filename="%s"\r\nContent-Type: image/jpeg'
)


@pytest.mark.parametrize("size", [1, 7, 64 * 1024])
def test_a_body_in_utf8_passes_unchanged(size):
    content = bytes(range(256)) * 500 + b"\r\n--" + BOUNDARY[:-1]  # almost a delimiter
    data = body(
        (b'Content-Disposition: form-data; name="purpose"', "Kiểm tra đường".encode()),
        (FILE_HEADER % "ảnh hiện trường.jpg".encode(), content),
    )

    assert read_all(data, size) == data


@pytest.mark.parametrize("size", [1, 5, 64 * 1024])
def test_a_file_name_in_a_legacy_encoding_is_read_as_underscores(size):
    content = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 100
    data = body((FILE_HEADER % "Đà-xà.jpg".encode("cp1258"), content))

    out = read_all(data, size)

    assert out == body((FILE_HEADER % b"__-x_.jpg", content))


def test_control_characters_in_a_header_become_underscores():
    assert readable(b'filename="\x01\x7f.jpg"') == b'filename="__.jpg"'
    assert readable(b"name:\tvalue") == b"name:\tvalue"
