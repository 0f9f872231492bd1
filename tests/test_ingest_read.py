"""Reading bytes safely: encodings, refusals, normalisation, HTML (no script, nothing fetched)."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ingest
from ingest.read import RefusedFile, decode, html_to_text, normalize, read_text

TEXT = "问：什么是梯度消失？\n答：梯度消失会导致网络前几层几乎不更新。ReLU 可以缓解梯度消失。\n"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("gb18030"), "gb18030"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
])
def test_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text == TEXT


def test_bomless_utf16_english() -> None:
    assert decode("What is dropout?\n".encode("utf-16-le")).text == "What is dropout?\n"


def test_gbk_document_is_ingested() -> None:
    doc = ingest.extract("notes.txt", TEXT.encode("gbk"))
    assert doc.encoding == "gb18030"
    assert [q.text for q in doc.questions] == ["什么是梯度消失?"]
    assert any(r.subject.endswith("/relu") and r.predicate == "mitigates" and r.object.endswith("/vanishing-gradient")
               for r in doc.relations)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    b"PK\x03\x04" + b"\x00" * 64,
    bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 200,
])
def test_binary_is_refused_with_one_line(data: bytes) -> None:
    with pytest.raises(RefusedFile) as info:
        decode(data)
    assert "\n" not in str(info.value) and "binary" in str(info.value)


def test_oversized_is_refused() -> None:
    with pytest.raises(RefusedFile, match="too large"):
        decode(b"a" * 101, max_bytes=100)


def test_invalid_bytes_are_refused() -> None:
    with pytest.raises(RefusedFile):
        decode(b"\xff\xfe" + b"\x00\xd8" * 3)  # UTF-16 BOM then lone surrogates


def test_normalize_crlf_zero_width_control_full_width() -> None:
    text = "ＲｅＬＵ\u200b 和\u00adDropout？\r\n第二行\x07\r第三行\ufeff"
    assert normalize(text) == "ReLU 和Dropout?\n第二行\n第三行"


def test_traditional_text_is_kept_as_written() -> None:
    doc = ingest.extract("t.txt", "問：什麼是過擬合？\n答：Dropout 可以緩解過擬合。".encode())
    assert doc.questions[0].text == "什麼是過擬合?"
    assert doc.questions[0].asks_about == ["https://w3id.org/dlkg/concept/overfitting"]


def test_html_drops_scripts_and_keeps_structure() -> None:
    html = ("<html><head><script>var q='什么是注入？'</script><style>p{}</style></head><body>"
            "<h2>什么是 BN？</h2><p>批量归一化<br>加速训练</p><ul><li>一</li><li>二</li></ul>"
            "<noscript>开启 JS</noscript><p>a &lt;b&gt; &amp; c</p></body></html>")
    text = html_to_text(html)
    assert "注入" not in text and "p{}" not in text and "开启" not in text
    assert text.splitlines()[0] == "## 什么是 BN？"
    assert "- 一" in text.splitlines() and "加速训练" in text.splitlines()
    assert "a <b> & c" in text


def test_html_is_sniffed_without_suffix() -> None:
    assert read_text("page.txt", b"<!DOCTYPE html><html><body><h1>Q?</h1></body></html>").text == "# Q?"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_refuse(data: bytes) -> None:
    try:
        decoded = read_text("x.md", data)
    except RefusedFile as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(decoded.text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abhpl1scriptstyle什么？\n&;#")), max_size=400))
def test_any_markup_reads(html: str) -> None:
    assert isinstance(read_text("x.html", html.encode()).text, str)


def test_binary_means_more_than_one_control_byte_in_twenty() -> None:
    from ingest.read import _binary

    text = "a" * 95
    assert _binary((text + "\x01" * 6).encode())  # 6 of 101: binary
    assert not _binary((text + "\x01" * 5).encode())  # 5 of 100: text
    assert not _binary((text + "\t\n\r\x0b\x0c\x1b" * 3).encode())  # white space and ESC are not controls
    assert not _binary(b"")
