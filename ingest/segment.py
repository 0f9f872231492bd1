"""Split a document into question/answer units by general rules (see docs/ingest.md).

The text is read line by line. Each line is classified (heading, `Q1:`/`问：` marker,
numbered item, bullet, bold line, plain line, table, code) and some lines become question
candidates. Then a few document-level rules decide:

- front matter (a leading `---` YAML block), HTML comments and in-page anchor lists are dropped;
- a table of contents (a block of short lines most of which reappear later as lines of
  their own) yields one question per entry, answered by the body; the block itself is
  dropped, and the document's other question-like lines stay in the answers;
- a block of three or more short lines, a third of which read as questions, is a list of
  bare questions;
- numbered items inside an answer are answer steps unless they read as questions or
  continue the numbering of the questions;
- a heading or numbered title with no body of its own that is not phrased as a question is
  a section title, not a question;
- an unrelated tail (three or more title/teaser pairs, most linking no concept) and
  boilerplate lines after the last question (no concept, no question form) are dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import opencc

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BREAK = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_MATH = re.compile(r"^\s*\$\$\s*$")
_BULLET = re.compile(r"^([-*+•·▪●○◦])\s+(.*)$")
_NUM = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:\s*[.、)）:：]\s*|\s+|(?=[^\d\s.,%:：/\-+*x×^eE]))(.+)$")
_CNNUM = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．:：]\s*(.+)$")
_PAREN_NUM = re.compile(r"^[(（](\d{1,3})[)）]\s*(.+)$")
_EMPH = re.compile(r"(\*{1,3}|_{2,3}|~~)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ANCHOR_LINE = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?\[[^\]]+\]\(#[^)]*\)\s*$")
_URL = re.compile(r"https?://\S+|\S+@\S+\.\w+")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")
_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_BULLET_CHARS = frozenset("-*+•·▪●○◦")
_QEND = re.compile(r"[?？]\s*$")
_YAML_KEY = re.compile(r"^\s*[\w-]+\s*:")
_SENTENCE_END = re.compile(r"[。；;!！]|\.\s|\.$")


_SPELLED = ("words", "question_markers", "answer_markers")  # the forms also matched in traditional spelling


def traditional(words: list[str]) -> dict[str, str]:
    """OpenCC's traditional spelling (s2t) of each word: from ingest/data/questions_traditional.json,
    which holds those of the question forms (loading OpenCC's phrase tables is slow), else converted."""
    known: dict[str, str] = json.loads(
        resources.files("ingest.data").joinpath("questions_traditional.json").read_text(encoding="utf-8"))
    missing = [w for w in words if w not in known]
    if missing:
        s2t = opencc.OpenCC("s2t")
        known = {**known, **{w: s2t.convert(w) for w in missing}}
    return known


@lru_cache(maxsize=1)
def _forms() -> dict[str, list[str]]:
    """Question forms (ingest/data/questions.json), with traditional spellings added (問, 什麼)."""
    data = json.loads(resources.files("ingest.data").joinpath("questions.json").read_text(encoding="utf-8"))
    spelled = traditional([w for key in _SPELLED for w in data[key]])
    for key in _SPELLED:
        data[key] = list(dict.fromkeys([*data[key], *(spelled[w] for w in data[key])]))
    return data  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    f = _forms()

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    qmark = re.compile(rf"^(?:{alt(f['question_markers'])})\s*\d{{0,4}}\s*(?:[:：.、)]|(?<=】)|(?<=\]))\s*(.+)$",
                       re.IGNORECASE)
    amark = re.compile(rf"^(?:{alt(f['answer_markers'])})\s*\d{{0,4}}\s*(?:[:：]|(?<=】)|(?<=\]))\s*(.*)$",
                       re.IGNORECASE)
    words = [w for w in f["words"] if not w.isascii()]
    english = [w for w in f["words"] if w.isascii()]
    zh = re.compile(alt(words))
    en = re.compile(rf"^(?:{alt(english)})\b", re.IGNORECASE)
    return qmark, amark, zh, en


@lru_cache(maxsize=1)
def _marker_starts() -> frozenset[str]:
    """First characters of question and answer markers (a cheap test before the regexes)."""
    f = _forms()
    return frozenset(w[:1].casefold() for w in [*f["question_markers"], *f["answer_markers"]] if w)


@dataclass
class Unit:
    question: str
    answer: str
    position: int


@dataclass
class _Line:
    index: int
    raw: str
    kind: str  # blank, break, heading, qmark, numbered, bullet, bold, plain, table, code, quote
    text: str  # display text without markers and emphasis
    level: int = 0  # heading level
    number: tuple[int, ...] = ()
    cand: bool = False  # opens a question
    removed: bool = False


@dataclass
class _Cand:
    line: _Line
    body: list[str] = field(default_factory=list)
    forced: bool = False


def strip_inline(text: str) -> str:
    """Text without images, link targets, tags, emphasis and emoji, on one line."""
    text = _inline(text)
    if "  " in text or not text.isprintable():  # every white space but " " is unprintable
        text = _WS.sub(" ", text)
    return text.strip(" :：-—\t")


def is_question_form(text: str, strict: bool = False) -> bool:
    """A question mark ends (or, unless strict, appears in) the text, or a question word opens it."""
    if _QEND.search(text):
        return True
    if strict:
        return False
    if "?" in text or "？" in text:
        return True
    _, _, zh, en = _patterns()
    return len(text) <= 60 and (bool(zh.search(text)) or bool(en.match(text)))


def _number(s: str) -> tuple[int, ...]:
    return tuple(int(p) for p in s.split(".") if p)


_CN = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}


def _cn_number(s: str) -> tuple[int, ...]:
    if len(s) == 1:
        return (_CN[s],)
    if s[0] == "十":
        return (10 + _CN.get(s[1], 0),)
    return (_CN.get(s[0], 1) * 10 + (_CN.get(s[2], 0) if len(s) > 2 else 0),)


def continues(prev: tuple[int, ...] | None, cur: tuple[int, ...], allow_equal: bool = False) -> bool:
    """cur is the next number after prev in an outline (1.2 → 1.3, 1.9 → 2.1, 3 → 3.1)."""
    if not prev or not cur:
        return False
    if cur == prev:
        return allow_equal
    if len(cur) == len(prev) + 1 and cur[:-1] == prev and cur[-1] in (0, 1):
        return True
    for i, (a, b) in enumerate(zip(prev, cur, strict=False)):
        if a != b:
            return b in (a + 1, a + 2) and all(x in (0, 1) for x in cur[i + 1:])
    return False


def _classify(raw: str, index: int) -> _Line:
    s = raw.strip()
    qmark, amark, _, _ = _patterns()
    if not s:
        return _Line(index, raw, "blank", "")
    if s[0] in "-*_=" and _BREAK.match(s):
        return _Line(index, raw, "break", "")
    if s.startswith("|"):
        return _Line(index, raw, "table", s)
    if s.startswith(">"):
        s = s.lstrip("> ").strip()
        if not s:
            return _Line(index, raw, "blank", "")
    m = _HEADING.match(s) if s[0] == "#" else None
    if m:
        level, text = len(m.group(1)), strip_inline(m.group(2))
        marked = qmark.match(text) if text[:1].casefold() in _marker_starts() else None
        if marked and marked.group(1).strip():  # ## Q3. Why …?
            text = strip_inline(marked.group(1))
        inner = _line_number(text)
        line = _Line(index, raw, "heading", inner[1] if inner else text, level=level)
        if inner:
            line.number = inner[0]
        return line
    plain = strip_inline(s)
    if plain[:1].casefold() in _marker_starts():
        m = qmark.match(plain)
        if m and m.group(1).strip():
            return _Line(index, raw, "qmark", strip_inline(m.group(1)))
        m = amark.match(plain)
        if m:
            return _Line(index, raw, "answer", m.group(1).strip())
    indent = len(raw) - len(raw.lstrip())
    num = _line_number(plain)
    if num and indent < 4:
        return _Line(index, raw, "numbered", num[1], number=num[0])
    m = _BULLET.match(s) if s[0] in _BULLET_CHARS else None
    if m:
        return _Line(index, raw, "bullet", strip_inline(m.group(2)), level=indent)
    if (s.startswith(("**", "__")) and s.rstrip("：: ").endswith(("**", "__"))) or re.match(r"^<(b|strong)>", s):
        return _Line(index, raw, "bold", plain)
    return _Line(index, raw, "plain", plain)


def _line_number(text: str) -> tuple[tuple[int, ...], str] | None:
    first = text[:1]
    m = _NUM.match(text) if first.isdecimal() else None
    if m and m.group(2).strip():
        return _number(m.group(1)), strip_inline(m.group(2))
    m = _CNNUM.match(text) if first and first in _CN else None
    if m:  # another numbering style: 三、 never continues a list of 1. 2.
        return tuple(1000 + n for n in _cn_number(m.group(1))), strip_inline(m.group(2))
    return None


def _front_matter(lines: list[str]) -> int:
    """Number of leading lines forming a `---` YAML block (0 if none)."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != "---":
        return 0
    for j in range(i + 1, min(len(lines), i + 200)):
        if lines[j].strip() in ("---", "..."):
            body = [ln for ln in lines[i + 1:j] if ln.strip()]
            if body and sum(bool(_YAML_KEY.match(ln)) or ln.startswith((" ", "\t", "-")) for ln in body) \
                    >= 0.8 * len(body) and _YAML_KEY.match(body[0]):
                return j + 1
            return 0
    return 0


def _fold_key(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of consecutive non-blank lines."""
    out: list[list[_Line]] = []
    cur: list[_Line] = []
    for ln in lines:
        if ln.kind == "blank" or ln.removed:
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(ln)
    if cur:
        out.append(cur)
    return out


def _short(ln: _Line, limit: int = 80) -> bool:
    return 0 < len(ln.text) <= limit


def _toc(lines: list[_Line]) -> dict[int, _Line] | None:
    """A table of contents: forced question lines in the body (index → line), or None."""
    blocks = [block for block in _blocks(lines)
              if len(block) >= 3 and all(b.kind in ("plain", "numbered") and _short(b) for b in block)]
    if not blocks:
        return None
    later: dict[str, list[int]] = {}
    for ln in lines:
        if ln.kind in ("plain", "numbered", "bold", "heading") and ln.text:
            later.setdefault(_fold_key(ln.raw.strip()), []).append(ln.index)
    for block in blocks:
        end = block[-1].index
        hits = []
        for b in block:
            after = [i for i in later.get(_fold_key(b.raw.strip()), []) if i > end]
            hits.append(after[0] if after else None)
        if sum(h is not None for h in hits) < max(3, 0.6 * len(block)):
            continue
        numbered = [i for i, b in enumerate(block) if b.kind == "numbered"]
        forced: dict[int, _Line] = {}
        for i, (b, h) in enumerate(zip(block, hits, strict=False)):
            sub = b.kind != "numbered" and numbered and numbered[0] < i < numbered[-1]
            if h is not None and not sub:
                forced[h] = b
        for b in block:
            b.removed = True
        return forced
    return None


def _bare_lists(lines: list[_Line]) -> set[int]:
    """Lines in blocks of short lines that read as a list of questions."""
    out: set[int] = set()
    for block in _blocks(lines):
        if len(block) < 3 or not all(b.kind == "plain" and _short(b, 80) for b in block):
            continue
        if any(_SENTENCE_END.search(b.text.rstrip("。.")) for b in block):
            continue
        if sum(is_question_form(b.text) for b in block) * 3 >= len(block):
            out.update(b.index for b in block)
    return out


def _tail_start(lines: list[_Line], has_concept: Callable[[str], bool] | None) -> int:
    """Index where an unrelated tail of title/teaser pairs starts (len(lines) if none)."""
    content = [ln for ln in lines if ln.kind != "blank" and not ln.removed]
    pairs = 0
    with_concept = 0
    i = len(content)
    while i >= 2:
        title, teaser = content[i - 2], content[i - 1]
        if not (len(title.text) <= 60 and len(teaser.text) >= max(30, 1.5 * len(title.text))
                and not _QEND.search(title.text) and title.kind in ("plain", "bold")):
            break
        pairs += 1
        if has_concept and has_concept(title.text):
            with_concept += 1
        i -= 2
    if pairs >= 3 and with_concept * 2 < pairs:
        return content[i].index if i < len(content) else len(lines)
    return len(lines)


def segment(text: str, has_concept: Callable[[str], bool] | None = None) -> list[Unit]:
    """Questions in document order, each with its answer text (see the module docstring)."""
    raw_lines = _COMMENT.sub("", text).split("\n")
    skip = _front_matter(raw_lines)
    lines: list[_Line] = []
    in_code = False
    in_math = False
    for i, raw in enumerate(raw_lines):
        if i < skip:
            lines.append(_Line(i, raw, "blank", "", removed=True))
            continue
        if ("```" in raw or "~~~" in raw) and _FENCE.match(raw):
            in_code = not in_code
            lines.append(_Line(i, raw, "code", raw))
            continue
        if "$$" in raw and _MATH.match(raw):
            in_math = not in_math
            lines.append(_Line(i, raw, "code", raw))
            continue
        if in_code or in_math:
            lines.append(_Line(i, raw, "code", raw))
            continue
        if "](#" in raw and _ANCHOR_LINE.match(raw):
            lines.append(_Line(i, raw, "blank", "", removed=True))
            continue
        lines.append(_classify(raw, i))
    tail = _tail_start(lines, has_concept)
    for ln in lines[tail:]:
        ln.removed = True
    toc = _toc(lines)
    bare = set() if toc is not None else _bare_lists(lines)
    cands = _candidates(lines, toc, bare)
    cands = _drop_titles(cands, has_concept)
    _trim_boilerplate(cands, has_concept)
    units: list[Unit] = []
    for c in cands:
        answer = "\n".join(c.body).strip()
        units.append(Unit(c.line.text, answer, len(units)))
    return units


def _candidates(lines: list[_Line], toc: dict[int, _Line] | None, bare: set[int]) -> list[_Cand]:
    cands: list[_Cand] = []
    cur: _Cand | None = None
    in_answer = False
    last_q: tuple[int, ...] | None = None
    steps: tuple[int, ...] | None = None

    def open_(ln: _Line, forced: bool = False) -> _Cand:
        nonlocal in_answer, steps
        c = _Cand(ln, forced=forced)
        cands.append(c)
        in_answer, steps = True, None
        return c

    for ln in lines:
        if ln.removed:
            continue
        k = ln.kind
        is_q = False
        if toc is not None:
            is_q = ln.index in toc or k in ("qmark", "heading")
            if ln.index in toc:
                ln.text = toc[ln.index].text if toc[ln.index].kind == "numbered" else ln.text
        elif k in ("heading", "qmark"):
            is_q = True
            if ln.number:
                last_q = ln.number
        elif ln.index in bare:
            is_q = True
        elif k == "numbered":
            asks = "?" in ln.text and len(ln.text) <= 150
            if not in_answer:
                is_q, last_q = True, ln.number
            elif steps is not None and continues(steps, ln.number):
                is_q = asks
            elif continues(last_q, ln.number, allow_equal=True):
                is_q, last_q = True, ln.number
            else:
                is_q = asks
            if not is_q:
                steps = ln.number
        elif k in ("bold", "plain", "bullet"):
            is_q = is_question_form(ln.text, strict=True) and 2 <= len(ln.text) <= 150
            if k == "bullet" and is_q:
                is_q = len(ln.raw) - len(ln.raw.lstrip()) < 2
        elif k == "break":
            in_answer = False
            continue
        if is_q and ln.text and not _URL_ONLY.match(ln.text):
            cur = open_(ln, forced=toc is not None and ln.index in toc)
            if ln.index in bare:
                in_answer = False
            continue
        if cur is not None:
            if ln.kind != "blank" and cur.line.index in bare and not cur.body:
                in_answer = True
            cur.body.append(_answer_line(ln))
    return cands


def _answer_line(ln: _Line) -> str:
    if ln.kind in ("code", "table"):
        return ln.raw.rstrip()
    if ln.kind == "blank":
        return ""
    if ln.kind == "numbered":
        return ln.raw.strip()
    if ln.kind == "answer":  # the marker (答： / Answer:) is not part of the answer
        return ln.text
    if ln.kind == "bullet":
        m = _BULLET.match(ln.raw.strip())
        return "- " + _inline(m.group(2) if m else ln.raw.strip())
    return _inline(ln.raw.strip())


def _inline(text: str) -> str:
    """Answer text: images, link targets, tags, emphasis and emoji removed; punctuation kept."""
    if "](" in text or "<" in text:
        text = _IMAGE.sub("", text)
        text = _LINK.sub(r"\1", text)
        text = _TAG.sub("", text)
    if "*" in text or "_" in text or "~" in text:
        text = _EMPH.sub("", text)
    if not text.isascii():
        text = _EMOJI.sub("", text)
    return text.replace("`", "")


def _has_body(c: _Cand) -> bool:
    return any(b.strip() for b in c.body)


def _deeper(a: _Line, b: _Line) -> bool:
    """b is nested under a (or of another kind, as Q lines under a heading)."""
    if a.kind == "heading":
        return b.kind != "heading" or b.level > a.level
    if a.kind == "numbered":
        if b.kind == "numbered":
            return len(b.number) > len(a.number)
        return True
    return False


_CITATION = re.compile(r"^\s*(?:[-*+]\s*)?(?:\[\d+\]|.*https?://|.*\bet al\b|.*\b(?:19|20)\d\d\b.*[.,])",
                       re.IGNORECASE)
_URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$", re.IGNORECASE)


def _citations(body: list[str]) -> bool:
    """A body made of references: [1] …, URLs, 'et al', 'Title. Journal, 2016.'"""
    lines = [b for b in body if b.strip()]
    return bool(lines) and sum(bool(_CITATION.match(b)) for b in lines) >= 0.6 * len(lines)


def _drop_titles(cands: list[_Cand], has_concept: Callable[[str], bool] | None = None) -> list[_Cand]:
    """Section titles (no body, not phrased as a question, followed by nested questions) are
    not questions; a question whose title names no concept takes its section's title as
    context (LeNet-5 / 模型介绍); a section that neither asks nor links any concept, or whose
    body is a list of references (参考文献), is not study material; a bare URL never asks."""
    out: list[_Cand] = []
    context: dict[int, str] = {}

    def remember(c: _Cand, depth: int, title: str) -> None:
        nonlocal context
        if depth and c.line.kind in ("heading", "numbered"):
            context = {k: v for k, v in context.items() if k < depth}
            context[depth] = title

    for i, c in enumerate(cands):
        depth = c.line.level or len(c.line.number)
        title = c.line.text
        asks = is_question_form(title)
        if _URL_ONLY.match(title):
            continue
        if not (c.forced or _has_body(c) or asks):
            nxt = cands[i + 1].line if i + 1 < len(cands) else None
            if c.line.kind in ("heading", "bold", "bullet") or (nxt is not None and _deeper(c.line, nxt)):
                remember(c, depth, title)
                continue
        parent = [v for k, v in sorted(context.items()) if k < depth or not depth]
        if not c.forced and c.line.kind in ("heading", "numbered", "bold") and (not asks or parent):
            named = has_concept(title) if has_concept is not None else True
            if not named and not asks and _citations(c.body):
                continue
            if has_concept is not None and not named:
                if not asks and _has_body(c) and not has_concept("\n".join(c.body)):
                    continue
                if parent and has_concept(parent[-1]):
                    c.line.text = f"{parent[-1]}：{title}"
        remember(c, depth, title)
        out.append(c)
    return out


def _trim_boilerplate(cands: list[_Cand], has_concept: Callable[[str], bool] | None) -> None:
    """Drop lines after the last question's answer that link no concept and ask nothing."""
    if not cands or has_concept is None:
        return
    body = cands[-1].body
    content = [i for i, b in enumerate(body) if b.strip()]
    keep = len(body)
    for i in reversed(content[1:]):
        line = body[i]
        if has_concept(line) or is_question_form(line, strict=True):
            break
        keep = i
    del body[keep:]
