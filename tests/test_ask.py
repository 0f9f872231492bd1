"""`ask`: sentences in Chinese and English become queries; expected answers are textbook facts.

Many wordings below are not in graph/data/ask_patterns.json as sentences (the file holds cue
words only), and several use cue words in forms the file does not list.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import KnowledgeGraph
from graph.ask import AskResult, ask, parse, patterns, supported_forms


def names(kg: KnowledgeGraph, *labels: str) -> set[str]:
    return {kg.resolve(label).iri for label in labels}


def answered(result: AskResult, inferred: bool | None = None) -> set[str]:
    return {a.concept.iri for s in result.sections for a in s.answers if inferred is None or a.inferred == inferred}


def check(kg: KnowledgeGraph, sentence: str, relation: str, direction: str, about: str,
          must: tuple[str, ...]) -> AskResult:
    result = ask(kg, sentence)
    assert result.ok, result.message
    assert (result.kind, result.relation, result.direction) == ("related", relation, direction), sentence
    assert [c.iri for c in result.concepts] == [kg.resolve(about).iri], sentence
    missing = names(kg, *must) - answered(result)
    assert not missing, f"{sentence}: missing {[kg.concept(i).label for i in missing]}"
    return result


MITIGATE_OVERFITTING = [
    "什么可以缓解过拟合？", "过拟合怎么解决", "如何防止过拟合", "过拟合的解决办法", "how to fix overfitting",
    "what helps against overfitting", "有哪些手段能减轻模型的过拟合问题？", "模型过拟合了该怎么办",
    "Which techniques can reduce overfitting?", "How do I prevent my model from overfitting?",
    "overfitting: what are the remedies?", "防止過擬合的方法有哪些", "怎样才能避免过拟合",
    "Overfitting - how do I deal with it",
]


@pytest.mark.parametrize("sentence", MITIGATE_OVERFITTING)
def test_what_mitigates_overfitting(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    result = check(seeded_kg, sentence, "mitigates", "in", "过拟合", ("Dropout", "数据增强", "early stopping"))
    assert answered(result) & names(seeded_kg, "L2 正则化", "权重衰减")


@pytest.mark.parametrize("sentence", [
    "怎样缓解梯度消失", "梯度消失问题如何解决？", "how can vanishing gradients be avoided?",
    "what fixes the vanishing gradient problem", "解决梯度消失有哪些方法",
])
def test_what_mitigates_vanishing_gradients(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "mitigates", "in", "梯度消失", ("ReLU", "残差连接", "批归一化"))


@pytest.mark.parametrize("sentence", ["梯度爆炸有什么好的解决办法吗", "how to handle exploding gradients"])
def test_what_mitigates_exploding_gradients(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "mitigates", "in", "梯度爆炸", ("梯度裁剪",))


@pytest.mark.parametrize("sentence", ["Dropout能缓解什么问题", "What problems does dropout solve?",
                                      "dropout是用来防止什么的"])
def test_what_a_technique_mitigates(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "mitigates", "out", "Dropout", ("过拟合",))


@pytest.mark.parametrize("sentence", [
    "梯度消失的原因", "什么会导致梯度消失", "为什么会出现梯度消失", "梯度消失是怎么产生的", "梯度消失是由什么引起的",
    "What causes vanishing gradients?", "why do vanishing gradients happen", "what leads to vanishing gradients",
])
def test_what_causes_vanishing_gradients(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "causes", "in", "梯度消失", ("Sigmoid",))


@pytest.mark.parametrize("sentence", ["Sigmoid会引起什么问题", "Sigmoid会导致什么", "what does sigmoid lead to",
                                      "what are the consequences of sigmoid activations"])
def test_what_something_causes(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "causes", "out", "Sigmoid", ("梯度消失",))


@pytest.mark.parametrize("sentence", [
    "LSTM由哪些部分组成", "LSTM包括什么", "what is LSTM made of", "LSTM的内部结构是怎样的",
    "What are the components of LSTM?", "LSTM有哪些门", "LSTM的组成",
])
def test_parts_of_lstm(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    if sentence == "LSTM有哪些门":  # 门 (gate) is no cue: a definition is the honest answer
        assert ask(seeded_kg, sentence).kind == "define"
        return
    check(seeded_kg, sentence, "partOf", "in", "LSTM", ("遗忘门", "输入门", "输出门"))


@pytest.mark.parametrize("sentence", ["Transformer包括什么", "Transformer的组成", "Transformer由哪些模块构成",
                                      "what are the building blocks of a transformer"])
def test_parts_of_transformer(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "partOf", "in", "Transformer", ("位置编码", "前馈网络", "多头注意力"))


@pytest.mark.parametrize("sentence", ["遗忘门属于什么的一部分", "遗忘门是什么的组成部分",
                                      "what is the forget gate part of",
                                      "Which model does the forget gate belong to?"])
def test_what_a_part_belongs_to(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "partOf", "out", "遗忘门", ("LSTM",))


@pytest.mark.parametrize("sentence", ["ReLU的变体", "ReLU有哪些改进", "variants of ReLU", "ReLU有哪些改进版本",
                                      "What are some improved versions of ReLU?", "Name a few ReLU variants",
                                      "ReLU的变种都有什么"])
def test_variants_of_relu(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "variantOf", "in", "ReLU", ("Leaky ReLU", "ELU"))


@pytest.mark.parametrize("sentence", ["GRU是什么的变体", "What is GRU a variant of?", "GRU是基于什么改进的"])
def test_what_a_variant_comes_from(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "variantOf", "out", "GRU", ("LSTM",))


@pytest.mark.parametrize("sentence", ["学LSTM之前要先学什么", "What should I learn before LSTM?",
                                      "LSTM的前置知识有哪些", "what are the prerequisites of LSTM",
                                      "学习LSTM需要哪些基础"])
def test_prerequisites_of_lstm(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    result = check(seeded_kg, sentence, "requires", "out", "LSTM", ("RNN", "反向传播"))
    assert names(seeded_kg, "RNN") <= answered(result, inferred=False)
    assert names(seeded_kg, "反向传播") <= answered(result, inferred=True)


@pytest.mark.parametrize("sentence", ["what do I need before Transformer", "学习Transformer需要哪些基础知识",
                                      "学Transformer前要掌握什么"])
def test_prerequisites_of_transformer(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "requires", "out", "Transformer", ("注意力机制",))


@pytest.mark.parametrize("sentence", ["学完RNN可以学什么", "After RNN, what should I study next?",
                                      "what can I learn after RNN", "掌握了RNN之后下一步学什么"])
def test_what_a_concept_unlocks(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    check(seeded_kg, sentence, "requires", "in", "RNN", ("LSTM",))


@pytest.mark.parametrize("sentence", ["ReLU和Sigmoid的区别", "ReLU与Sigmoid有什么不同", "relu vs sigmoid",
                                      "What is the difference between ReLU and sigmoid?", "比较一下ReLU和Sigmoid"])
def test_comparison_of_relu_and_sigmoid(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    result = ask(seeded_kg, sentence)
    assert result.kind == "compare" and result.comparison is not None
    relu, sigmoid, vanishing = (seeded_kg.resolve(x).iri for x in ("ReLU", "Sigmoid", "梯度消失"))
    assert [c.iri for c in result.concepts] == [relu, sigmoid]
    c = result.comparison
    only_a = {(g["relation"], x["iri"]) for g in c["only_a"] for x in g["concepts"]}
    only_b = {(g["relation"], x["iri"]) for g in c["only_b"] for x in g["concepts"]}
    assert ("mitigates", vanishing) in only_a and ("causes", vanishing) in only_b
    assert c["questions"], "the seeds ask how ReLU compares with sigmoid"
    for q in c["questions"]:
        text = q["text"].casefold()
        assert "relu" in text and ("sigmoid" in text or "sigmiod" in text)


@pytest.mark.parametrize("sentence", ["LSTM和GRU有什么不同", "LSTM vs GRU", "GRU跟LSTM的差别在哪"])
def test_comparison_shows_the_edge_between(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    result = ask(seeded_kg, sentence)
    assert result.kind == "compare" and result.comparison is not None
    gru = seeded_kg.resolve("GRU").iri
    between = {(e["from"]["iri"], e["relation"], e["to"]["iri"]) for e in result.comparison["between"]}
    assert (gru, "variantOf", seeded_kg.resolve("LSTM").iri) in between


def test_comparison_lists_questions_about_both(seeded_kg: KnowledgeGraph) -> None:
    result = ask(seeded_kg, "LSTM和RNN的区别是什么")
    assert result.comparison is not None
    texts = [q["text"] for q in result.comparison["questions"]]
    assert any("LSTM" in t and "RNN" in t for t in texts)


@pytest.mark.parametrize("sentence", ["什么是Dropout", "Dropout是什么", "what is dropout", "explain Dropout",
                                      "Dropout?", "给我讲讲dropout", "Dropout的原理"])
def test_definition(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    result = ask(seeded_kg, sentence)
    assert result.kind == "define"
    (d,) = result.definitions
    assert d["concept"]["iri"] == seeded_kg.resolve("Dropout").iri
    assert d["definitions"]["zh"] and d["definitions"]["en"] and d["categories"]


@pytest.mark.parametrize("sentence, meant", [("guonihe怎么解决", "过拟合"), ("什么可以缓解过拟和", "过拟合"),
                                             ("what causes tidu xiaoshi", "梯度消失"), ("过拟和", "过拟合"),
                                             ("梯度消逝的原因", "梯度消失")])
def test_misspelt_and_pinyin_concepts_are_corrected(seeded_kg: KnowledgeGraph, sentence: str, meant: str) -> None:
    result = ask(seeded_kg, sentence)
    assert result.ok and [c.iri for c in result.corrected.values()] == [seeded_kg.resolve(meant).iri]
    assert result.concepts == [seeded_kg.resolve(meant)]
    if result.kind == "related":
        assert result.sections[0].answers


@pytest.mark.parametrize("sentence, closest", [("怎么缓解过拟", "过拟合"), ("如何缓解dropuot", "Dropout"),
                                               ("what causes vanishing gradeints", "梯度消失")])
def test_an_unknown_concept_gets_the_closest_ones(seeded_kg: KnowledgeGraph, sentence: str, closest: str) -> None:
    result = ask(seeded_kg, sentence)
    assert result.kind == "unknown_concept" and not result.ok
    assert seeded_kg.resolve(closest) in result.suggestions[:3]
    assert result.message.startswith("unknown concept")


def test_nonsense_concept_is_named_in_the_message(seeded_kg: KnowledgeGraph) -> None:
    result = ask(seeded_kg, "xyzzyq怎么解决")
    assert result.kind == "unknown_concept" and "xyzzyq" in result.message


@pytest.mark.parametrize("sentence", ["hello world", "", "？？？", "今天天气不错", "what is"])
def test_unparsable_sentences_get_the_supported_forms(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    result = ask(seeded_kg, sentence)
    assert result.kind == "unparsed" and not result.ok
    assert result.forms == supported_forms() and len(result.forms) >= 7


def test_check_two_concepts(seeded_kg: KnowledgeGraph) -> None:
    yes = ask(seeded_kg, "ReLU能缓解梯度消失吗")
    assert yes.kind == "check" and [a.concept.iri for a in yes.sections[0].answers] == [
        seeded_kg.resolve("梯度消失").iri]
    no = ask(seeded_kg, "Dropout能缓解梯度爆炸吗")
    assert no.kind == "check" and no.sections[0].answers == []


def test_json_gives_concept_objects(seeded_kg: KnowledgeGraph) -> None:
    data = json.loads(json.dumps(ask(seeded_kg, "什么可以缓解过拟合？").as_dict(), ensure_ascii=False))
    concepts = [data["concepts"][0], *(a["concept"] for s in data["sections"] for a in s["answers"])]
    assert all({"iri", "label", "label_en"} <= set(c) for c in concepts)
    assert data["concepts"][0]["label"] == "过拟合" and data["concepts"][0]["label_en"] == "overfitting"


def test_patterns_are_data() -> None:
    pat = patterns()
    intents = {c.intent for c in pat.cues}
    assert {"mitigates", "causes", "partOf", "variantOf", "requires", "compare", "define"} <= intents
    for cue in pat.cues:
        if cue.relation:
            assert set(cue.directions.values()) <= {"in", "out"}, cue


def test_parse_finds_the_longest_label(seeded_kg: KnowledgeGraph) -> None:
    p = parse(seeded_kg, "Leaky ReLU的变体")
    assert [m.concept.label for m in p.mentions] == ["Leaky ReLU"]
    p = parse(seeded_kg, "what is a GANs")  # plural of an ASCII label
    assert [m.concept.iri for m in p.mentions] == [seeded_kg.resolve("GAN").iri]
    p = parse(seeded_kg, "organic chemistry")  # "gan" inside a word is no mention
    assert p.mentions == []


WORDS = ["过拟合", "ReLU", "LSTM", "梯度消失", "缓解", "什么", "的", "区别", "和", "how", "to", "fix", "what",
         "causes", "是", "变体", "之前", "学", "Transformer", "guonihe", "?", " ", "吗", "vs", "made of", "部分"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(WORDS), max_size=8).map("".join)))
def test_ask_never_raises(seeded_kg: KnowledgeGraph, sentence: str) -> None:
    result = ask(seeded_kg, sentence)
    assert result.kind in {"related", "check", "compare", "define", "unknown_concept", "unparsed"}
    assert result.ok == bool(result.concepts)
    if result.kind == "unparsed":
        assert result.forms
    json.dumps(result.as_dict(), ensure_ascii=False)


def test_ask_on_every_backend(kg: KnowledgeGraph) -> None:
    mitigate = ask(kg, "什么可以缓解过拟合？")
    assert names(kg, "Dropout", "数据增强") <= answered(mitigate)
    before = ask(kg, "学LSTM之前要先学什么")
    assert names(kg, "RNN") <= answered(before, inferred=False)
    assert names(kg, "反向传播") <= answered(before, inferred=True)
    compare = ask(kg, "LSTM vs GRU")
    assert compare.kind == "compare" and compare.comparison is not None
    assert ask(kg, "guonihe怎么解决").corrected == {"guonihe": kg.resolve("过拟合")}
