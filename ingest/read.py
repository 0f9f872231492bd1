"""Bytes to text, safely: size limit, binary refusal, encoding detection."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")


class RefusedFile(ValueError):
    """A file dlkg will not ingest; the message is the one-line reason."""


@dataclass
class Decoded:
    text: str
    encoding: str


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> Decoded:
    """Decode document bytes: UTF-8 (BOM or not), UTF-16 with BOM, then GB18030."""
    if len(data) > max_bytes:
        raise RefusedFile(f"too large ({len(data) / 1e6:.1f} MB, limit {max_bytes / 1e6:.0f} MB)")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as exc:
                raise RefusedFile(f"invalid {enc} text ({exc.reason} at byte {exc.start})") from exc
    if b"\x00" in data[:8192]:
        raise RefusedFile("binary content (NUL bytes), not a text document")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError as exc:
        raise RefusedFile(f"not UTF-8, UTF-16 or GB18030 text (bad byte at {exc.start})") from exc
