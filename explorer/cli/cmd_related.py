"""dlkg related CONCEPT --relation R --direction in|out|both: direct and inferred edges with evidence."""

from __future__ import annotations

import argparse

from graph import KnowledgeGraph
from graph.answers import INVERSES, Answer, related
from graph.kg import RELATIONS

from .output import print_json, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("related", help="concepts linked to CONCEPT by one relation (with evidence)")
    p.add_argument("concept")
    p.add_argument("--relation", "-r", choices=[*RELATIONS, *INVERSES], default="mitigates",
                   help="a relation or its inverse (mitigatedBy, causedBy, hasPart, hasVariant, requiredBy)")
    p.add_argument("--direction", "-d", choices=("in", "out", "both"), default="out",
                   help="out: CONCEPT → other (what X mitigates); in: other → CONCEPT (what mitigates X)")
    p.add_argument("--direct", action="store_true", help="only direct edges (no transitive inference)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def evidence_text(a: Answer) -> str:
    """One cell: the chain of an inferred answer, else curated and/or the best quote with its file."""
    if a.inferred:
        return "via " + a.chain_text()
    parts = []
    if a.curated:
        parts.append("curated")
    quoted = next((e for e in a.evidence if e.quote), None)
    if quoted is not None:
        parts.append(f"{quoted.file}: 「{quoted.quote}」" if quoted.file else f"「{quoted.quote}」")
    return "; ".join(parts)


def answer_rows(answers: list[Answer]) -> list[tuple[object, ...]]:
    return [(a.concept.label, a.concept.label_en, a.direction, "inferred" if a.inferred else "direct",
             a.sources, evidence_text(a)) for a in answers]


ANSWER_HEADER = ("concept", "english", "dir", "edge", "sources", "evidence")


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    concept = kg.resolve(args.concept)
    answers = related(kg, concept, args.relation, args.direction, inferred=not args.direct)
    if args.format == "json":
        print_json({"concept": concept.as_dict(), "relation": args.relation, "direction": args.direction,
                    "results": [a.as_dict() for a in answers]})
        return 0
    if not answers:
        print(f"no {args.relation} edges ({args.direction}) for {concept.label} ({concept.label_en})")
        return 0
    print(table(answer_rows(answers), ANSWER_HEADER))
    return 0
