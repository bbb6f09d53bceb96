"""Decoding: encodings are read, junk is refused with the file named."""

from __future__ import annotations

import pytest

from graph.textio import DocumentError, decode

TEXT = "一、总体要求\n（一）加强领导。（责任单位：市科技局）\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
)
def test_encodings_decode_to_the_same_characters(data, encoding):
    src = decode("a.txt", data)
    assert src.encoding == encoding
    assert src.text.replace("\r\n", "\n") == TEXT


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_junk_is_refused_with_the_file_named(data, problem):
    with pytest.raises(DocumentError) as info:
        decode("bad.txt", data)
    assert "bad.txt" in str(info.value) and problem in str(info.value)
