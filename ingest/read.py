"""Bytes to text, safely: size limit, binary refusal, encoding detection, normalisation, HTML.

HTML is turned into text with the standard library's `html.parser`: nothing is executed or
fetched; `script`/`style` content is dropped; headings become `#` lines, list items `- `
lines and block elements line breaks, so the segmenter sees the same shapes as in markdown.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ontology.text import clean

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)


class RefusedFile(ValueError):
    """A file dlkg will not ingest; the message is the one-line reason."""


@dataclass
class Decoded:
    text: str
    encoding: str


_CONTROL_BYTES = bytes(b for b in range(256) if b < 9 or 13 < b < 32 and b != 27)


def _binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, delete=_CONTROL_BYTES))
    return bool(head) and controls / len(head) > 0.05


def too_large(size: int, limit: int = MAX_BYTES) -> str:
    """The refusal reason for an over-limit file (sizes in MiB, as the limit is set)."""
    return f"too large ({size / 2**20:.1f} MB, limit {limit / 2**20:.0f} MB)"


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> Decoded:
    """Decode document bytes: UTF-8 (BOM or not), UTF-16 (BOM), then GB18030; refuse the rest."""
    if len(data) > max_bytes:
        raise RefusedFile(too_large(len(data), max_bytes))
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as exc:
                raise RefusedFile(f"invalid {enc} text ({exc.reason} at byte {exc.start})") from exc
    utf16 = _bomless_utf16(data)
    if utf16:
        return utf16
    if _binary(data):
        raise RefusedFile("binary content (NUL or control bytes), not a text document")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError as exc:  # name the UTF-8 position when the text got further as UTF-8
        at = max(utf8_error, exc.start)
        raise RefusedFile(f"not UTF-8, UTF-16 or GB18030 text (bad byte at {at})") from exc


def _bomless_utf16(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM: mostly ASCII text has NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) > 0.4 * len(zeros) and (even if zeros is odd else odd).count(0) == 0:
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError:
                return None
    return None


def normalize(text: str) -> str:
    """One newline style, no control or zero-width characters, NFKC (full-width forms folded)."""
    text = _NEWLINES.sub("\n", text)
    text = _CONTROL.sub("", text)
    return clean(text)


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page as markdown-like lines (no scripts run, nothing fetched)."""

    _SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
    _BLOCK = {"p", "div", "br", "tr", "section", "article", "blockquote", "pre", "table", "ul", "ol",
              "dl", "dt", "dd", "hr", "header", "footer", "main", "aside", "nav", "details", "summary",
              "figure", "figcaption", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif (len(tag) == 2 and tag[0] == "h" and tag[1] in "123456") or tag in self._BLOCK or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data if "\n" not in data else re.sub(r"[ \t]*\n[ \t]*", " ", data))


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one block per line."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was read
        pass
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in "".join(parser.parts).split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln in ("", "-", "#") or re.fullmatch(r"#+", ln):
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(ln)
    return "\n".join(out).strip()


def is_html(file_name: str, text: str) -> bool:
    return file_name.lower().endswith((".html", ".htm")) or bool(_HTML_SNIFF.match(text[:512]))


def read_text(file_name: str, data: bytes, max_bytes: int = MAX_BYTES) -> Decoded:
    """Decoded, normalised document text (HTML reduced to its visible text)."""
    decoded = decode(data, max_bytes)
    text = decoded.text
    if is_html(file_name, text):
        text = html_to_text(text)
    return Decoded(normalize(text), decoded.encoding)
