"""dlkg path CONCEPT... [--known CONCEPT...]: check a study plan against the prerequisite DAG."""

from __future__ import annotations

import argparse

from graph import KnowledgeGraph

from .output import print_json, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("path", help="missing prerequisites, order problems and a repaired study plan")
    p.add_argument("concepts", nargs="+", metavar="CONCEPT", help="what you plan to learn, in order")
    p.add_argument("--known", nargs="*", default=[], metavar="CONCEPT", help="what you already know")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    plan = [kg.resolve(c) for c in args.concepts]
    known = [kg.resolve(c) for c in args.known]
    from graph.paths import check_path  # here: networkx stays off other commands' start

    report = check_path(kg, plan, known)
    if args.format == "json":
        print_json(report.as_dict())
        return 0
    if report.cycles:
        print("cycles in the prerequisite data (cut, not followed):")
        for cycle in report.cycles:
            print("  " + " -> ".join(c.label for c in cycle))
    if report.order_violations:
        print("order problems (a concept planned before its prerequisite):")
        print(table([(a.label, b.label) for a, b in report.order_violations], ("concept", "needs first")))
    if report.missing:
        print(f"missing prerequisites ({len(report.missing)}):")
        print(table([(c.label, c.label_en, ", ".join(d.label for d in report.needed_by.get(c.iri, [])))
                     for c in report.missing], ("concept", "english", "needed by")))
    if report.ok:
        print("the plan is complete and in order")
    if report.order_violations:
        print("your concepts, reordered: " + " → ".join(c.label for c in report.order))
    print("plan: " + " → ".join(c.label for c in report.plan))
    if report.fringe:
        shown = ", ".join(c.label for c in report.fringe[:15])
        more = f" … and {len(report.fringe) - 15} more (--format json lists all)" if len(report.fringe) > 15 else ""
        print("ready to learn next: " + shown + more)
    return 0
