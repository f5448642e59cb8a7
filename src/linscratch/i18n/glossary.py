"""The Chinese terms: one term per concept, so that a learner never meets two names for one
thing (d2l-zh's terms; statsmodels-zh's where statistical). Each entry is the English word or
phrase as the code writes it (matched as a word, case-insensitive), its one Chinese term, and
the other names a translator might reach for, which the catalogue must not use.
`tests/test_terminal.py` checks the catalogue against it: an entry whose English holds the
term says the Chinese term (or keeps the English word, a name such as the engine `analytic`),
and no entry says a refused name."""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    english: str  # a regular expression matched as a word in the msgid
    chinese: str
    refused: tuple[str, ...] = ()


GLOSSARY = (
    Term("minibatch(es)?", "小批量", ("小批次", "迷你批")),
    Term("learning rates?", "学习率", ("步长",)),
    Term("epochs?", "迭代周期", ("轮次", "训练轮")),
    Term("batch sizes?", "批量大小", ("批大小", "批次大小")),
    Term("loss(es)?", "损失"),
    Term("gradients?", "梯度"),
    Term("analytic", "解析", ("解析推导", "解析公式")),
    Term("autograd", "自动微分", ("自动求导",)),
    Term("finite differences?", "有限差分"),
    Term("stability limit", "稳定上限", ("稳定性上限", "稳定极限")),
    Term("least squares", "最小二乘"),
    Term("weight decay", "权重衰减"),
    Term("bias", "偏置", ("偏差",)),
    Term("standardi[sz]ed?", "标准化"),
    Term("features?", "特征"),
)
