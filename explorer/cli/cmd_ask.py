"""dlkg ask "什么可以缓解过拟合？": a plain sentence in Chinese or English, answered from the graph."""

from __future__ import annotations

import argparse
from typing import Any

from graph import KnowledgeGraph
from graph.ask import AskResult, ask

from .cmd_related import ANSWER_HEADER, answer_rows
from .output import fail, print_json, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ask", help="ask a question in a sentence (中文 or English)")
    p.add_argument("sentence", nargs="+", help="e.g. 什么可以缓解过拟合？ / what causes vanishing gradients")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def _name(c: dict[str, Any]) -> str:
    return c["label"] if c["label"] == c["label_en"] else f"{c['label']} ({c['label_en']})"


def _definition(d: dict[str, Any]) -> list[str]:
    lines = [_name(d["concept"])]
    if d["alt_labels"]:
        lines.append("  also: " + ", ".join(d["alt_labels"]))
    if d["categories"]:
        lines.append("  category: " + ", ".join(_name(c) for c in d["categories"]))
    for lang in ("zh", "en"):
        if lang in d["definitions"]:
            lines.append(f"  {d['definitions'][lang]}")
    return lines


def _relation_lines(title: str, groups: list[dict[str, Any]]) -> list[str]:
    if not groups:
        return []
    lines = [title]
    for g in groups:
        lines.append(f"  {g['relation']} ({g['direction']}): " + ", ".join(c["label"] for c in g["concepts"]))
    return lines


def show(result: AskResult) -> None:
    """Print an answer as text."""
    for typed, concept in result.corrected.items():
        print(f"(read '{typed}' as {concept.label})")
    if result.kind in ("related", "check"):
        for s in result.sections:
            print(f"{s.concept.label} ({s.concept.label_en}) — {s.relation}, {s.direction}")
            if result.kind == "check":
                print("yes" if s.answers else "no: the graph has no such edge")
            if s.answers:
                print(table(answer_rows(s.answers), ANSWER_HEADER))
            elif result.kind == "related":
                print("(nothing in the graph yet)")
    elif result.kind == "define":
        for d in result.definitions:
            print("\n".join(_definition(d)))
    elif result.kind == "compare" and result.comparison is not None:
        c = result.comparison
        a, b = c["a"]["concept"], c["b"]["concept"]
        lines = _definition(c["a"]) + _definition(c["b"])
        if c["shared_categories"]:
            lines.append("both are: " + ", ".join(x["label"] for x in c["shared_categories"]))
        for e in c["between"]:
            lines.append(f"{e['from']['label']} {e['relation']} {e['to']['label']}")
        lines += _relation_lines("shared:", c["shared"])
        lines += _relation_lines(f"only {a['label']}:", c["only_a"])
        lines += _relation_lines(f"only {b['label']}:", c["only_b"])
        if c["questions"]:
            lines.append("questions about both:")
            lines += [f"  {q['text']}" + (f"  [{q['file']}]" if q["file"] else "") for q in c["questions"]]
        print("\n".join(lines))
    elif result.kind == "unknown_concept" and result.suggestions:
        print("closest concepts: " + ", ".join(f"{c.label} ({c.label_en})" for c in result.suggestions))
    if result.forms:
        print("supported forms:")
        print("\n".join(f"  {f}" for f in result.forms))


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    result = ask(kg, " ".join(args.sentence))
    if args.format == "json":
        print_json(result.as_dict())
    else:
        show(result)
    return 0 if result.ok else fail(result.message)
