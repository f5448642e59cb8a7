"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {}

# sweep: verdicts, the table and the figure
ZH.update(
    {
        "plot written to {path}": "图已保存到 {path}",
        "diverged at epoch {epoch}, step {step} (2/λ_max = {limit})": (
            "发散：第 {epoch} 个迭代周期第 {step} 步（2/λ_max = {limit}）"
        ),
        "diverged: lr above 2/λ_max = {limit}, the loss grows": (
            "发散：学习率超过 2/λ_max = {limit}，损失不断增大"
        ),
        "converged": "已收敛",
        "converging": "仍在收敛",
        "converging, still falling": "仍在收敛，损失仍在下降",
        "converging, no longer falling": "仍在收敛，损失已不再下降",
        "diverged": "发散",
        "lr": "学习率",
        "batch": "批量大小",
        "final loss": "最终损失",
        "vs OLS": "比最小二乘",
        "seconds": "秒",
        "result": "结果",
        "{runs} runs in {secs:.2f} s on {jobs} process(es), seed {seed}": (
            "{runs} 次训练，用时 {secs:.2f} 秒，{jobs} 个进程，随机种子 {seed}"
        ),
        " (drawn; repeat with --seed {seed})": "（随机抽取；用 --seed {seed} 可重现）",
        "learning rate": "学习率",
        "batch size": "批量大小",
        "Final loss by learning rate (batch size {batch_size})": (
            "不同学习率的最终损失（批量大小 {batch_size}）"
        ),
        "Final loss by batch size (learning rate {lr:g})": (
            "不同批量大小的最终损失（学习率 {lr:g}）"
        ),
        "mean loss  ½(ŷ − y)²  (log scale)": "平均损失  ½(ŷ − y)²（对数坐标）",
        "epoch": "迭代周期",
        "Loss per epoch": "每个迭代周期的损失",
        "diverged (last finite loss)": "发散（最后的有限损失）",
        "exact least squares": "精确最小二乘解",
        "stability limit 2/λ_max = {limit:.3g}": "稳定性上限 2/λ_max = {limit:.3g}",
        " (log scale)": "（对数坐标）",
        "final mean loss (log scale)": "最终平均损失（对数坐标）",
        "Final loss by learning rate and batch size (grey: diverged)": (
            "不同学习率和批量大小的最终损失（灰色：发散）"
        ),
    }
)
