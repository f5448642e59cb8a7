"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {}

# feedback: the labels of a run's phases and its progress bar, on a terminal
ZH.update(
    {
        "generating data": "正在生成数据",
        "reading {path}": "正在读取 {path}",
        "compiling kernels": "正在编译内核",
        "estimating the stability limit": "正在估计稳定性上限",
        "training": "正在训练",
        "exact least squares": "正在计算精确最小二乘解",
        "writing {path}": "正在写入 {path}",
        "epoch": "迭代周期",
        "minibatches": "小批量",
        "loss": "损失",
        "{speed} M examples/s": "每秒 {speed} M 个样本",
    }
)
