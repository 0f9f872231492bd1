"""Duplicate questions: pure clustering over (IRI, text) pairs."""

from __future__ import annotations

import pytest

from ingest.duplicates import cluster

SAME = [
    ("如何解决梯度消失和梯度爆炸？", "梯度消失和梯度爆炸的解决办法"),
    ("请简要介绍一下 Dropout 的原理。", "介绍下dropout的原理"),
    ("什麼是過擬合？", "什么是过拟合"),
    ("What is overfitting?", "what is OVERFITTING"),
    ("LSTM 为什么比 RNN 好？", "LSTM 的结构推导，为什么比 RNN 好"),
    ("如何处理神经网络中的过拟合问题？", "深度学习中解决过拟合的方法有哪些"),
    ("Batch Normalization 的作用是什么？", "批量归一化的作用是什么"),
]
DIFFERENT = [
    ("什么是梯度消失？", "什么是梯度爆炸？"),
    ("如何缓解梯度消失？", "如何缓解梯度爆炸？"),
    ("Dropout 为何能防止过拟合？", "如何处理过拟合问题？"),
    ("什么是 Dropout？", "如何选择 Dropout 的概率？"),
    ("AlexNet 模型介绍", "AlexNet 模型特性与创新"),
    ("Adam 的缺点", "简单介绍 Adam"),
]


@pytest.mark.parametrize("a, b", SAME)
def test_same_question_clusters(a: str, b: str) -> None:
    assert cluster([("q1", a), ("q2", b)]) == {"q2": "q1"}


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_different_questions_do_not(a: str, b: str) -> None:
    assert cluster([("q1", a), ("q2", b)]) == {}


def test_canonical_is_the_first_and_clusters_are_transitive() -> None:
    got = cluster([("a", "什么是梯度消失"), ("b", "什么是过拟合"), ("c", "什么是梯度消失？"),
                   ("d", "什麼是梯度消失?")])
    assert got == {"c": "a", "d": "a"}


def test_empty_texts_are_ignored() -> None:
    assert cluster([("a", ""), ("b", "  "), ("c", "什么是过拟合")]) == {}
