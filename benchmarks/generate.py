"""A synthetic dlkg graph of a given size, as N-Quads streamed to a file (deterministic by seed).

It uses dlkg's own vocabulary and IRI shapes: concepts under `concept/<slug>` with zh and en
`skos:prefLabel`s, `skos:altLabel` aliases, `skos:definition` and `skos:broader` categories, curated
relations with a curated `dlkg:Assertion` each (in a graph of their own, like the ontology), and
sources (one named graph each, IRIs from `ingest.rdf.source_iri`, with `dlkg:questionCount`) holding
questions (text, answer, position, asksAbout, mentions, duplicateOf) and evidenced relations (the plain triple plus its
assertion with quote, question, confidence and method). All five relations appear; `requires` only
points from a later concept to an earlier one, so it is acyclic.

    python -m benchmarks.generate --size 1M -o /tmp/dlkg-1M.nq
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ingest.rdf import DCTERMS, source_iri
from ontology import CONCEPT_NS, NS, RDF, RELATIONS, SKOS, XSD

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
SYNTHETIC_GRAPH = "https://w3id.org/dlkg/graph/synthetic"
CATEGORY_NS = CONCEPT_NS + "category-"

_ZH_A = "稀疏 深度 残差 自适应 分组 批量 层 谱 对比 门控 注意 卷积 循环 随机 梯度 正则 归一 动量 变分 图".split()
_ZH_B = ("注意力 归一化 连接 优化器 编码器 解码器 损失 激活 池化 采样 "
         "嵌入 蒸馏 剪枝 量化 初始化 衰减 退火 网络 记忆 单元").split()
_EN_A = ("sparse deep residual adaptive group batch layer spectral contrastive gated attentive convolutional "
         "recurrent stochastic gradient regularised normalised momentum variational graph").split()
_EN_B = ("attention normalization connection optimizer encoder decoder loss activation pooling sampling "
         "embedding distillation pruning quantization initialization decay annealing network memory unit").split()
_CATEGORIES = [("优化", "optimization"), ("正则化", "regularization"), ("网络结构", "architecture"),
               ("激活函数", "activation"), ("归一化方法", "normalization"), ("训练问题", "training problem"),
               ("损失函数", "loss"), ("生成模型", "generative model")]
_QUESTION = ["什么是{a}？", "{a}和{b}有什么区别？", "为什么{a}可以缓解{b}？", "How does {a} relate to {b}?",
             "{a}的原理是什么？", "{a}为什么会导致{b}？"]
_CUE = {"mitigates": "{a}可以缓解{b}。", "causes": "{a}会导致{b}。", "partOf": "{a}是{b}的一部分。",
        "variantOf": "{a}是{b}的一种变体。", "requires": "学习{a}之前需要先掌握{b}。"}


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{esc}"@{lang}'
    if datatype:
        return f'"{esc}"^^<{datatype}>'
    return f'"{esc}"'


def parse_size(text: str) -> int:
    """'100k', '1M', '10M' or a plain number of triples."""
    if text in SIZES:
        return SIZES[text]
    t = text.strip().lower()
    mult = 1_000_000 if t.endswith("m") else 1_000 if t.endswith("k") else 1
    return int(float(t.rstrip("mk")) * mult)


class Shape:
    """How many of each kind of node a graph of `triples` triples gets."""

    def __init__(self, triples: int):
        self.triples = triples
        self.concepts = max(50, triples // 200)
        self.questions_per_source = 40


def _concept_names(i: int) -> tuple[str, str, str, list[str]]:
    """slug, zh label, en label, aliases of concept number i (unique by the number)."""
    a, b = i % 20, (i // 20) % 20
    zh = f"{_ZH_A[a]}{_ZH_B[b]}{i}"
    en = f"{_EN_A[a]} {_EN_B[b]} {i}"
    slug = f"{_EN_A[a]}-{_EN_B[b]}-{i}"
    acronym = f"{_EN_A[a][0]}{_EN_B[b][0]}".upper() + f"-{i}"
    return slug, zh, en.title(), [acronym, f"{_ZH_A[a]}-{_ZH_B[b]}-{i}"]


def quads(triples: int, seed: int = 7) -> Iterator[str]:
    """N-Quads lines of a graph of about `triples` triples (stops at the first source past it)."""
    rng = random.Random(seed)
    shape = Shape(triples)
    n = shape.concepts
    g = f"<{SYNTHETIC_GRAPH}>"
    t_type, t_pref, t_alt = f"<{RDF}type>", f"<{SKOS}prefLabel>", f"<{SKOS}altLabel>"
    t_def, t_broader = f"<{SKOS}definition>", f"<{SKOS}broader>"
    dl = {k: f"<{NS}{k}>" for k in ("Concept", "Category", "Question", "Source", "Assertion", "text", "answer",
                                    "source", "position", "asksAbout", "mentions", "duplicateOf", "quote",
                                    "question", "confidence", "method", "fileName", "sha256", "questionCount",
                                    *RELATIONS)}
    r_s, r_p, r_o = f"<{RDF}subject>", f"<{RDF}predicate>", f"<{RDF}object>"
    dec, integer = XSD + "decimal", XSD + "integer"
    count = 0

    def emit(s: str, p: str, o: str, graph: str) -> str:
        nonlocal count
        count += 1
        return f"{s} {p} {o} {graph} .\n"

    names = [_concept_names(i) for i in range(n)]
    iri = [f"<{CONCEPT_NS}{s}>" for s, *_ in names]
    for k, (zh, en) in enumerate(_CATEGORIES):
        c = f"<{CATEGORY_NS}{k}>"
        yield emit(c, t_type, dl["Category"], g)
        yield emit(c, t_pref, _lit(zh, "zh"), g)
        yield emit(c, t_pref, _lit(en, "en"), g)
    for i, (_slug, zh, en, aliases) in enumerate(names):
        c = iri[i]
        yield emit(c, t_type, dl["Concept"], g)
        yield emit(c, t_pref, _lit(zh, "zh"), g)
        yield emit(c, t_pref, _lit(en, "en"), g)
        for alias in aliases:
            yield emit(c, t_alt, _lit(alias), g)
        yield emit(c, t_def, _lit(f"{zh}是一种合成的深度学习概念。", "zh"), g)
        yield emit(c, t_broader, f"<{CATEGORY_NS}{i % len(_CATEGORIES)}>", g)

    def pick() -> int:  # popular concepts are asked about more (a mild skew, like real notes)
        return min(n - 1, int(n * rng.random() ** 1.5))

    def pair(relation: str) -> tuple[int, int]:
        a, b = pick(), pick()
        while a == b:
            b = rng.randrange(n)
        if relation == "requires" and a < b:  # later requires earlier: a DAG
            a, b = b, a
        return a, b

    def assertion(node: str, rel: str, a: int, b: int, graph: str) -> Iterator[str]:
        yield emit(node, t_type, dl["Assertion"], graph)
        yield emit(node, r_s, iri[a], graph)
        yield emit(node, r_p, dl[rel], graph)
        yield emit(node, r_o, iri[b], graph)

    curated = n // 2
    for k in range(curated):
        rel = RELATIONS[k % len(RELATIONS)]
        a, b = pair(rel)
        node = f"<https://w3id.org/dlkg/assertion/curated/synthetic-{k}>"
        yield emit(iri[a], dl[rel], iri[b], g)
        yield from assertion(node, rel, a, b, g)
        yield emit(node, dl["method"], _lit("curated"), g)
        yield emit(node, dl["confidence"], _lit("1.0", datatype=dec), g)

    doc = 0
    while count < triples:
        file_name = f"synthetic-notes-{doc:06d}.md"
        src = source_iri(file_name)
        s, sg = f"<{src.value}>", f"<{src.value}>"
        yield emit(s, t_type, dl["Source"], sg)
        yield emit(s, dl["fileName"], _lit(file_name), sg)
        yield emit(s, f"<{DCTERMS}title>", _lit(f"合成面试笔记 {doc}"), sg)
        yield emit(s, dl["sha256"], _lit(f"{rng.getrandbits(256):064x}"), sg)
        nq = shape.questions_per_source
        yield emit(s, dl["questionCount"], _lit(str(nq), datatype=integer), sg)
        asked: list[tuple[int, int]] = []
        for pos in range(nq):
            q = f"<{src.value}/q/{pos}>"
            a, b = pick(), pick()
            asked.append((a, b))
            text = rng.choice(_QUESTION).format(a=names[a][1], b=names[b][1])
            answer = f"{names[a][1]}与{names[b][1]}相关：{names[a][2]} is often discussed with {names[b][2]}."
            yield emit(q, t_type, dl["Question"], sg)
            yield emit(q, dl["text"], _lit(text), sg)
            yield emit(q, dl["answer"], _lit(answer), sg)
            yield emit(q, dl["source"], s, sg)
            yield emit(q, dl["position"], _lit(str(pos), datatype=integer), sg)
            yield emit(q, dl["asksAbout"], iri[a], sg)
            if "{b}" in text:
                yield emit(q, dl["asksAbout"], iri[b], sg)
            yield emit(q, dl["mentions"], iri[b], sg)
            if pos and rng.random() < 0.03:
                yield emit(q, dl["duplicateOf"], f"<{src.value}/q/{rng.randrange(pos)}>", sg)
        for k in range(nq // 2):
            rel = rng.choice(RELATIONS)
            pos = rng.randrange(nq)
            a, b = asked[pos]
            if a == b:
                continue
            if rel == "requires" and a < b:
                a, b = b, a
            node = f"<{src.value}/assertion/{k}>"
            yield emit(iri[a], dl[rel], iri[b], sg)
            yield from assertion(node, rel, a, b, sg)
            yield emit(node, dl["source"], s, sg)
            yield emit(node, dl["quote"], _lit(_CUE[rel].format(a=names[a][1], b=names[b][1])), sg)
            yield emit(node, dl["question"], f"<{src.value}/q/{pos}>", sg)
            yield emit(node, dl["confidence"], _lit(f"{0.5 + rng.random() / 2:.2f}", datatype=dec), sg)
            yield emit(node, dl["method"], _lit(rng.choice(("pattern", "question-answer"))), sg)
        doc += 1


def write(path: str | Path, triples: int, seed: int = 7) -> int:
    """Write the graph to `path` (N-Quads); returns the number of quads written."""
    n = 0
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        n = _write(out, triples, seed)
    return n


def _write(out: TextIO, triples: int, seed: int) -> int:
    n = 0
    batch: list[str] = []
    for line in quads(triples, seed):
        batch.append(line)
        if len(batch) >= 10_000:
            out.write("".join(batch))
            n += len(batch)
            batch.clear()
    out.write("".join(batch))
    return n + len(batch)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate a synthetic dlkg graph as N-Quads.")
    p.add_argument("--size", default="10k", help="10k, 100k, 1M, 10M or a number of triples")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = p.parse_args(argv)
    size = parse_size(args.size)
    n = write(args.output, size, args.seed) if args.output else _write(sys.stdout, size, args.seed)
    print(f"{n} quads", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
