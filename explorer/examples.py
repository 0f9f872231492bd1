"""The example SPARQL queries shipped in graph/queries/examples/ (titles from their first comments)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Example:
    name: str
    title_en: str
    title_zh: str
    text: str

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@lru_cache(maxsize=1)
def examples() -> tuple[Example, ...]:
    """Every example query, in file-name order."""
    root = resources.files("graph.queries").joinpath("examples")
    out = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        titles = {"en": entry.name, "zh": entry.name}
        for line in text.splitlines():
            for lang in titles:
                if line.startswith(f"# {lang}:"):
                    titles[lang] = line.split(":", 1)[1].strip()
        out.append(Example(entry.name[:-3], titles["en"], titles["zh"], text))
    return tuple(out)
