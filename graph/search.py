"""An in-process label index for the search box and concept resolution.

Built once per store revision from the `concept_labels` rows: an exact dict of folded
labels, a sorted key list for prefixes (bisect), character bigram postings for substrings,
and a fuzzy fallback (pinyin of Chinese labels, then close spellings) for near misses.
Scores: 0 exact, 1 prefix, 2 substring, 3 pinyin, 4 fuzzy; ties go to the shorter label.
"""

from __future__ import annotations

import difflib
import gc
import importlib.util
import marshal
import os
import sys
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from ontology.text import fold

_SCRIPT_CJK = ("\u3400", "\u9fff")


def _grams(text: str) -> set[str]:
    """Character bigrams (single characters for one-character text)."""
    if len(text) < 2:
        return {text} if text else set()
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _has_cjk(text: str) -> bool:
    return any(_SCRIPT_CJK[0] <= ch <= _SCRIPT_CJK[1] for ch in text)


@lru_cache(maxsize=1)
def _pinyin_table() -> dict[int, str]:
    """pypinyin's character table (code point → readings), loaded without the package.

    `import pypinyin` loads its phrase dictionaries (~0.5–1.5 s); the character table alone
    loads in ~30 ms, and a near miss needs no more than the first reading of each character.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return {}
    path = os.path.join(os.path.dirname(spec.origin), "pinyin_dict.py")
    table_spec = importlib.util.spec_from_file_location("_dlkg_pinyin_dict", path)
    if table_spec is None or table_spec.loader is None:
        return {}
    module = importlib.util.module_from_spec(table_spec)
    table_spec.loader.exec_module(module)
    return dict(module.pinyin_dict)


def _toneless(readings: str) -> str:
    """The first of pypinyin's comma-separated readings, without tone marks (ü as v)."""
    first = readings.split(",")[0]
    for marked in "ǖǘǚǜü":
        first = first.replace(marked, "v")
    return "".join(c for c in unicodedata.normalize("NFKD", first) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _syllable(ch: str) -> str:
    """Toneless pinyin of one character (its first reading; ü as v), or the character itself."""
    if _syllable_table is not None:
        return _syllable_table.get(ch, ch)
    readings = _pinyin_table().get(ord(ch))
    return _toneless(readings) if readings else ch


_syllable_table: dict[str, str] | None = None


def _load_syllables(cache_dir: str) -> None:
    """Every character's toneless syllable, from `cache_dir` when pypinyin's table is unchanged.

    Reading the whole table from the cache (a few ms) spares a new process loading
    pypinyin's character table (~30–45 ms) for its first near miss.
    """
    global _syllable_table
    if _syllable_table is not None:
        return
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return
    try:
        st = os.stat(os.path.join(os.path.dirname(spec.origin), "pinyin_dict.py"))
    except OSError:
        return
    key = f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}"
    table = load_cached(cache_dir, "pinyin", key)
    if not isinstance(table, dict):
        table = {chr(cp): _toneless(readings) for cp, readings in _pinyin_table().items()}
        save_cached(cache_dir, "pinyin", key, table)
    _syllable_table = table
    _syllable.cache_clear()


def _pinyin(text: str) -> str:
    """Toneless pinyin of the Chinese characters in `text` (already folded), other characters kept."""
    return "".join("".join(_syllable(ch) for ch in text).casefold().split())


class LabelIndex:
    """Folded labels → concept IRIs, with prefix, substring and fuzzy lookups."""

    def __init__(self, labels: Iterable[tuple[str, str]]):
        """`labels`: (concept IRI, label text) pairs."""
        exact: dict[str, set[str]] = defaultdict(set)
        for iri, text in labels:
            key = fold(text)
            if key:
                exact[key].add(iri)
        self.exact: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in exact.items()}
        self.keys: list[str] = sorted(self.exact)
        self._postings: dict[str, list[int]] | None = None
        self._pinyin: dict[str, set[str]] | None = None
        self._pinyin_keys: list[str] = []
        self._near: dict[tuple[str, int, bool], list[tuple[int, str]]] = {}
        self.cache_dir: str | None = None  # where the pinyin table may be cached (an on-disk store's)

    def __len__(self) -> int:
        return len(self.keys)

    def build(self) -> LabelIndex:
        """Build the lazy parts now (bigram postings, pinyin): no later lookup waits for them."""
        self._grams_index()
        self._pinyin_index()
        return self

    # ---------------------------------------------------------------- persistence
    def state(self) -> tuple[object, ...]:
        """Plain data (marshal-able) with every lazy part built: postings and pinyin included."""
        return (self.exact, self.keys, self._grams_index(), self._pinyin_index(), self._pinyin_keys)

    @classmethod
    def from_state(cls, state: tuple[object, ...]) -> LabelIndex:
        """The inverse of `state()`; raises ValueError on anything malformed."""
        exact, keys, postings, pinyin, pinyin_keys = state
        if not (isinstance(exact, dict) and isinstance(keys, list) and isinstance(postings, dict)
                and isinstance(pinyin, dict) and isinstance(pinyin_keys, list)):
            raise ValueError("malformed label index")
        index = cls(())
        index.exact, index.keys, index._postings = exact, keys, postings
        index._pinyin, index._pinyin_keys = pinyin, pinyin_keys
        return index

    # ---------------------------------------------------------------- lookups
    def lookup(self, text: str) -> frozenset[str]:
        """IRIs whose label or alias equals `text` once folded."""
        return self.exact.get(fold(text), frozenset())

    def prefix(self, key: str, limit: int | None = None) -> list[str]:
        """Folded labels starting with `key` (sorted)."""
        out: list[str] = []
        i = bisect_left(self.keys, key)
        while i < len(self.keys) and self.keys[i].startswith(key):
            out.append(self.keys[i])
            if limit is not None and len(out) >= limit:
                break
            i += 1
        return out

    def _grams_index(self) -> dict[str, list[int]]:
        if self._postings is None:
            postings: dict[str, list[int]] = defaultdict(list)
            for n, key in enumerate(self.keys):
                for g in _grams(key) | set(key):  # bigrams, and characters for one-letter probes
                    postings[g].append(n)
            self._postings = dict(postings)
        return self._postings

    def substring(self, key: str) -> list[str]:
        """Folded labels containing `key`: intersect bigram postings, then check."""
        postings = self._grams_index()
        lists = [postings.get(g, []) for g in _grams(key)]
        if not lists or any(not p for p in lists):
            return []
        lists.sort(key=len)
        candidates = set(lists[0])
        for p in lists[1:]:
            candidates.intersection_update(p)
            if not candidates:
                return []
        return [self.keys[n] for n in candidates if key in self.keys[n]]

    def _pinyin_index(self) -> dict[str, set[str]]:
        if self.cache_dir is not None:
            _load_syllables(self.cache_dir)
        if self._pinyin is None:
            index: dict[str, set[str]] = defaultdict(set)
            for key in self.keys:
                if _has_cjk(key):
                    index[_pinyin(key)].add(key)
            self._pinyin = dict(index)
            self._pinyin_keys = sorted(self._pinyin)
        return self._pinyin

    def near(self, key: str, limit: int = 10, spelling: bool = True) -> list[tuple[int, str]]:
        """Near misses: same pinyin (homophones, typed pinyin), then close spellings (memoised).

        `spelling=False` stops after the pinyin lookups (no close-spelling comparison).
        """
        memo = self._near.get((key, limit, spelling))
        if memo is not None:
            return memo
        found: list[tuple[int, str]] = []
        pin = self._pinyin_index()
        probe = _pinyin(key) if _has_cjk(key) else key
        for label in pin.get(probe, ()):  # same sound
            found.append((3, label))
        i = bisect_left(self._pinyin_keys, probe)  # pinyin typed as a prefix of a label's sound
        while len(found) < limit and i < len(self._pinyin_keys) and self._pinyin_keys[i].startswith(probe):
            if self._pinyin_keys[i] != probe:
                found.extend((3, label) for label in pin[self._pinyin_keys[i]])
            i += 1
        if spelling and len(found) < limit and len(key) >= 3:
            for label in difflib.get_close_matches(key, self._fuzzy_pool(key), n=limit, cutoff=0.75):
                found.append((4, label))
        if len(self._near) < 10_000:
            self._near[(key, limit, spelling)] = found
        return found

    def _fuzzy_pool(self, key: str, size: int = 200) -> list[str]:
        """The labels sharing the most bigrams with `key`: difflib then compares only these."""
        postings = self._grams_index()
        counts: Counter[int] = Counter()
        for g in _grams(key):
            counts.update(postings.get(g, ()))
        return [self.keys[n] for n, _ in counts.most_common(size)]

    def search(self, text: str, limit: int = 10, length: Callable[[str], int] | None = None,
               spelling: bool = True) -> list[str]:
        """IRIs ranked exact < prefix < substring < near miss, then by `length(iri)`, then IRI.

        `spelling=False`: near misses by pinyin only, without close spellings.
        """
        key = fold(text)
        if not key:
            return []
        scored: dict[str, int] = {}

        def add(score: int, labels: Iterable[str]) -> None:
            for label in labels:
                for iri in self.exact[label]:
                    if score < scored.get(iri, 9):
                        scored[iri] = score

        add(0, [key] if key in self.exact else [])
        add(1, (k for k in self.prefix(key) if k != key))
        add(2, (k for k in self.substring(key) if not k.startswith(key)))
        if not scored:
            for score, label in self.near(key, limit, spelling):
                add(score, [label])
        size = length or (lambda iri: 0)
        ranked = sorted(scored, key=lambda i: (scored[i], size(i), i))
        return ranked[:limit]


# ---------------------------------------------------------------------------- on-disk cache
_CACHE_FORMAT = 1


def load_cached(path: str | os.PathLike[str], name: str, revision: str) -> Any:
    """What `save_cached` stored under `name` for this store revision, else None.

    Missing, stale (another revision, format or Python), truncated or corrupt files are
    ignored: the caller rebuilds. marshal reads plain data only (no code runs on load).
    """
    if not revision:
        return None
    gc_was_on = gc.isenabled()
    gc.disable()  # unmarshalling creates many containers: collections would take most of the time
    try:
        with open(os.path.join(path, name + ".marshal"), "rb") as f:
            record = marshal.loads(f.read())  # marshal.load(f) reads object by object: 10× slower
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        if gc_was_on:
            gc.enable()
    if not (isinstance(record, tuple) and len(record) == 4 and record[0] == _CACHE_FORMAT
            and record[1] == sys.version_info[:2] and record[2] == revision):
        return None
    return record[3]


def save_cached(path: str | os.PathLike[str], name: str, revision: str, data: Any) -> None:
    """Store `data` (plain types) for this revision: temporary file then `os.replace` (atomic).

    Best effort: an unwritable directory only means the next process rebuilds.
    """
    if not revision:
        return
    target = os.path.join(path, name + ".marshal")
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(path, exist_ok=True)
        with open(tmp, "wb") as f:
            record: Any = (_CACHE_FORMAT, (sys.version_info[0], sys.version_info[1]), revision, data)
            marshal.dump(record, f)
        os.replace(tmp, target)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
