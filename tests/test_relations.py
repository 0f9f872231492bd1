"""Relation extraction: cue directions, negation, enumerations, question + answer, types."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.evaluate import concept_iris
from ingest.mentions import default_linker
from ingest.relations import extract


def triples(question: str, answer: str) -> set[tuple[str, str, str]]:
    return {(r.subject.rsplit("/", 1)[1], r.predicate, r.object.rsplit("/", 1)[1])
            for r in extract(question, answer, default_linker())}


def slug(label: str) -> str:
    (iri,) = concept_iris([label])
    return iri.rsplit("/", 1)[1]


def t(s: str, p: str, o: str) -> tuple[str, str, str]:
    return slug(s), p, slug(o)


@pytest.mark.parametrize("answer, expected", [
    ("使用 Sigmoid 会导致梯度消失。", t("Sigmoid", "causes", "梯度消失")),
    ("ReLU 可以有效缓解梯度消失。", t("ReLU", "mitigates", "梯度消失")),
    ("梯度消失可以用残差连接来缓解。", t("残差连接", "mitigates", "梯度消失")),
    ("GAN 由生成器和判别器组成。", t("判别器", "partOf", "GAN")),
    ("GRU 是 LSTM 的一种简化版本，也可以看作 LSTM 的变体。", t("GRU", "variantOf", "LSTM")),
    ("C4.5 改进了 ID3。", t("C4.5", "variantOf", "ID3")),
    ("Dropout prevents overfitting.", t("Dropout", "mitigates", "overfitting")),
    ("The sigmoid function leads to vanishing gradients.", t("Sigmoid", "causes", "vanishing gradient")),
    ("Overfitting can be reduced by dropout.", t("Dropout", "mitigates", "overfitting")),
    ("Transformer 包括位置编码。", t("位置编码", "partOf", "Transformer")),
])
def test_cue_sentences(answer: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples("", answer)


def test_direction_never_flips() -> None:
    found = triples("", "Sigmoid 导致梯度消失，而 ReLU 缓解梯度消失。")
    assert t("Sigmoid", "causes", "梯度消失") in found
    assert t("ReLU", "mitigates", "梯度消失") in found
    assert t("Sigmoid", "mitigates", "梯度消失") not in found
    assert t("梯度消失", "mitigates", "ReLU") not in found


@pytest.mark.parametrize("answer", [
    "Sigmoid 并不能缓解梯度消失。",
    "Sigmoid does not prevent vanishing gradients.",
    "Dropout 无法解决梯度爆炸。",
])
def test_negation(answer: str) -> None:
    assert not {x for x in triples("", answer) if x[1] == "mitigates"}


def test_question_with_a_list_of_techniques() -> None:
    found = triples("如何缓解过拟合？", "- 使用 Dropout\n- 数据增强\n- 增加训练数据\n- 早停法，在验证集上监控损失")
    assert {t("Dropout", "mitigates", "过拟合"), t("数据增强", "mitigates", "过拟合"),
            t("早停法", "mitigates", "过拟合")} <= found
    assert not {x for x in found if x[0] == slug("训练集")}  # a quantity to raise, not a technique


def test_question_answer_only_takes_list_items() -> None:
    found = triples("如何缓解梯度消失？", "梯度消失常见于 RNN 和使用 Sigmoid 的深层网络。\n- 使用 ReLU\n- 残差连接")
    assert t("ReLU", "mitigates", "梯度消失") in found and t("残差连接", "mitigates", "梯度消失") in found
    assert not {x for x in found if x[0] in (slug("RNN"), slug("Sigmoid")) and x[1] == "mitigates"}


def test_method_sentence() -> None:
    found = triples("", "缓解梯度爆炸的方法包括：梯度裁剪；权重衰减；在 RNN 中使用 LSTM。")
    assert {t("梯度裁剪", "mitigates", "梯度爆炸"), t("权重衰减", "mitigates", "梯度爆炸"),
            t("LSTM", "mitigates", "梯度爆炸")} <= found
    assert t("RNN", "mitigates", "梯度爆炸") not in found  # 在 RNN 中: a setting


def test_parts_listed_after_a_colon() -> None:
    answer = "LSTM\n- 引入门控机制：\n- 遗忘门：丢弃信息\n- 输入门：写入信息\n- 输出门：输出信息"
    found = triples("介绍一下 LSTM", answer)
    assert {t("遗忘门", "partOf", "LSTM"), t("输入门", "partOf", "LSTM"), t("输出门", "partOf", "LSTM")} <= found


def test_types_keep_kinds_out_of_parts() -> None:
    found = triples("", "池化通常包括最大池化和平均池化。")
    assert not {x for x in found if x[1] == "partOf"}


def test_traditional_chinese() -> None:
    assert t("Dropout", "mitigates", "过拟合") in triples("", "Dropout 可以有效緩解過擬合。")


@given(st.text(alphabet=["。", "！", "?", ";", ".", " ", "\n", "\t", "\u2028", "\u3000", "A", "a", "中", "x"],
               max_size=60))
def test_sentence_spans_are_those_of_each_line_alone(text: str) -> None:
    """Sentences found over the whole answer never cross a line: as if each line were split alone."""
    from ingest.relations import _SENT_END, _spans

    expected, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        a = pos
        for end in [pos + m.end() for m in _SENT_END.finditer(line)] + [pos + len(line)]:
            if end > a:
                expected.append((i, a, end))
                a = end
        pos += len(line) + 1
    assert _spans(text) == expected
