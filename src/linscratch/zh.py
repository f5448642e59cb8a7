"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {}

# realdata: the figures of plots.py and scaled_params.py, predict --keep-columns
ZH.update(
    {
        "linscratch: {epochs} epoch(s) of minibatch SGD, engine {engine}, seed {seed}": (
            "linscratch：小批量随机梯度下降 {epochs} 个迭代周期，引擎 {engine}，随机种子 {seed}"
        ),
        "truth": "真实值",
        "exact least squares": "精确最小二乘解",
        "each step's batch": "每一步的小批量",
        "batches, averaged over the last 10% of steps": "小批量损失，取最近 10% 步的平均",
        "all rows, per epoch": "全部样本，每个迭代周期",
        "held-out rows ({rows})": "验证样本（{rows} 个）",
        "mean loss  ½(ŷ − y)²  (log scale)": "平均损失  ½(ŷ − y)²（对数刻度）",
        "Training loss": "训练损失",
        "epoch (log scale)": "迭代周期（对数刻度）",
        "epoch": "迭代周期",
        "value (dashed: truth)": "值（虚线：真实值）",
        "value": "值",
        "Parameters approaching the true values": "参数趋近真实值",
        "Parameters approaching the least-squares answer": "参数趋近最小二乘解",
        "all parameters, ‖θ − θ*‖/‖θ*‖": "全部参数，‖θ − θ*‖/‖θ*‖",
        "relative distance |θ − θ*| / max(|θ*|, rms θ*)  (log scale)": (
            "相对距离 |θ − θ*| / max(|θ*|, rms θ*)（对数刻度）"
        ),
        "Distance to the true values": "与真实值的距离",
        "data": "数据",
        "SGD fit": "SGD 拟合",
        "{target} against {feature}": "{target} 随 {feature} 的变化",
        "{target} against {feature}, line at the mean of {other}": (
            "{target} 随 {feature} 的变化，直线取 {other} 的均值"
        ),
        "Loss over all rows, after each epoch": "每个迭代周期后全部样本上的损失",
        "Parameters after each epoch": "每个迭代周期后的参数",
        "{count} more weights": "另外 {count} 个权重",
        "standardized: wⱼ·sd(xⱼ)/sd(y), b as (ŷ(x̄) − ȳ)/sd(y); dashed: least squares": (
            "标准化：wⱼ·sd(xⱼ)/sd(y)，b 取 (ŷ(x̄) − ȳ)/sd(y)；虚线：最小二乘解"
        ),
        "{0}: {path} has a column named 'prediction' already; rename it to keep the columns": (
            "{0}：{path} 已有名为 'prediction' 的列；请先改名，才能保留各列"
        ),
        "{path}: its rows could not be matched with the predictions": (
            "{path}：它的行无法与预测值一一对应"
        ),
    }
)
