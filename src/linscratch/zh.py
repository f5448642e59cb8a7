"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {  # live plot (live.py)
    "epoch": "迭代周期",
    "mean loss ½(ŷ − y)²": "平均损失 ½(ŷ − y)²",
    "each step's batch": "每个小批量",
    "all rows": "全部样本",
    "value": "参数值",
    "dashed: truth": "虚线：真实值",
    # notebook views (results.py, gradcheck.py)
    "learned": "学到的值",
    "true": "真实值",
    "true − learned": "真实值 − 学到的值",
    "{epochs} epoch(s) of minibatch SGD on {n:,} rows, {engine}, {dtype}, seed {seed}": (
        "小批量随机梯度下降 {epochs} 个迭代周期，{n:,} 个样本，{engine}，{dtype}，随机种子 {seed}"
    ),
    "loss by epoch: {losses}": "各迭代周期的损失：{losses}",
    "analytic": "解析公式",
    "autograd": "自动求导",
    "finite difference": "有限差分",
    "{a} vs {c}: max rel diff {diff:.2g} (tolerance {tol:.0e}) {verdict}": (
        "{a} 与 {c}：最大相对差 {diff:.2g}（容差 {tol:.0e}）{verdict}"
    ),
    "ok": "通过",
    "FAILED": "未通过",
    "{n} rows x {d} features": "{n} 个样本 x {d} 个特征",
}
