"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {}
