"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {}

# branch help: --help, argparse's own texts, the command line's error prefix
ZH |= {
    "error": "错误",
    "{name} runs in one process; run it without torchrun": (
        "{name} 在单个进程中运行；请不用 torchrun 运行它"
    ),
    # argparse
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示此帮助信息并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选项：%(value)r（可选：%(choices)s）"
    ),
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "one of the arguments %s is required": "必须给出参数 %s 之一",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": (
        "有歧义的选项：%(option)s 可以匹配 %(matches)s"
    ),
    "ignored explicit argument %r": "忽略了显式给出的值 %r",
    # help: common words
    "{help} (default: {default})": "{help}（默认：{default}）",
    "examples:": "示例：",
    "off": "关闭",
    "none": "无",
    "required": "必需",
    "commands": "命令",
    "show the version and exit": "显示版本号并退出",
    "the language of the help: en or zh": "帮助的语言：en（英文）或 zh（中文）",
    "Linear regression by minibatch SGD from scratch, as in Dive into Deep Learning\n3.2. "
    "Run `linscratch COMMAND --help` for a command's flags and examples.": (
        "从零开始用小批量随机梯度下降实现线性回归，如《动手学深度学习》3.2 节。\n"
        "运行 `linscratch COMMAND --help` 查看该命令的选项和示例。"
    ),
    "seeds every random draw; the same seed gives the same run": (
        "所有随机抽取的种子；相同的种子得到相同的运行"
    ),
    "the language of everything printed: en (English) or zh (Chinese, the terms of the "
    "book's Chinese edition)": ("所有输出的语言：en（英文）或 zh（中文，采用本书中文版的术语）"),
    "print one JSON object instead of text": "输出一个 JSON 对象而不是文本",
    "drawn at random and printed": "随机抽取并打印",
    "drawn at random": "随机抽取",
    "the experiment": "实验",
    "output": "输出",
    "epochs: passes over all the examples": "迭代周期数：遍历全部样本的次数",
    "the precision of the arithmetic": "计算的精度",
    "standard deviation of the noise added to each label": "加到每个标签上的噪声的标准差",
    "a data set shipped with linscratch": "linscratch 自带的数据集",
    # data
    "synthetic data (the default): y = Xw + b + noise": "合成数据（默认）：y = Xw + b + 噪声",
    "examples (rows) to draw": "抽取的样本数（行数）",
    "the book's 2,-3.4": "书中的 2,-3.4",
    "the true weights, one per feature (sets --num-features)": (
        "真实权重，每个特征一个（决定 --num-features）"
    ),
    "the true bias": "真实偏置",
    "features; a count other than 2 draws the true weights from --seed, unless --true-w "
    "gives them": ("特征数；不为 2 时，真实权重由 --seed 抽取，除非由 --true-w 给出"),
    "data from a file": "来自文件的数据",
    "none: synthetic data": "无：合成数据",
    "a .csv, .parquet or .npy table, one example a row": (
        ".csv、.parquet 或 .npy 表格，每行一个样本"
    ),
    "the last column": "最后一列",
    "the label column, by name or index": "标签列，用列名或序号指定",
    "every other column": "其余所有列",
    "the feature columns": "特征列",
    "train on features and label rescaled to mean 0 and standard deviation 1 (results "
    "reported in the original units)": (
        "在缩放为均值 0、标准差 1 的特征和标签上训练（结果以原始单位报告）"
    ),
    "hold out this fraction of the examples (chosen by --seed) and report their loss and R²": (
        "留出这一比例的样本（由 --seed 选出），并报告它们的损失和 R²"
    ),
    # how it runs
    "how it runs": "运行方式",
    "how each step is computed: autograd (the book's loop), analytic (the hand-derived "
    "gradient, CPU or GPU), numba (compiled, fastest on a CPU); auto picks autograd below "
    "{visits:,} examples x epochs, numba above": (
        "每一步的计算方式：autograd（书中的循环）、analytic（手工推导的梯度，CPU 或 GPU）、"
        "numba（编译执行，CPU 上最快）；auto 在样本数 x 迭代周期数少于 {visits:,} 时选 "
        "autograd，否则选 numba"
    ),
    "the order of the examples in each epoch: book (Python's shuffle, as the book), full (a "
    "random permutation), block (runs of neighbouring examples in random order: fast for "
    "data larger than memory), none; auto: book for autograd, else full up to {mib} MiB of "
    "data, block beyond": (
        "每个迭代周期中样本的顺序：book（Python 的 shuffle，同书中）、full（随机排列）、"
        "block（相邻样本成段、段的顺序随机：数据大于内存时也快）、none（不打乱）；"
        "auto：autograd 用 book，否则数据不超过 {mib} MiB 时用 full，超过时用 block"
    ),
    "where the analytic engine computes": "analytic 引擎在哪里计算",
    "the starting weights: book (drawn from N(0, 0.01²)) or zero; the bias starts at 0": (
        "初始权重：book（从 N(0, 0.01²) 中抽取）或 zero（全零）；偏置从 0 开始"
    ),
    "when --batch-size does not divide the examples, the last minibatch is smaller: mean "
    "steps along its own mean gradient; book divides its summed gradient by --batch-size, as "
    "the book's sgd does": (
        "当 --batch-size 不能整除样本数时，最后一个小批量较小：mean 沿它自己的平均梯度更新；"
        "book 将它的梯度之和除以 --batch-size，同书中的 sgd"
    ),
    # train
    "train by minibatch SGD: the book's experiment, or your data file": (
        "用小批量随机梯度下降训练：书中的实验，或你的数据文件"
    ),
    "Train y = Xw + b by minibatch stochastic gradient descent (SGD), and compare\nwith the "
    "exact least-squares answer. Without flags: the book's experiment.": (
        "用小批量随机梯度下降（SGD）训练 y = Xw + b，并与精确的最小二乘解比较。\n不加选项时：运"
        "行书中的实验。"
    ),
    "learning rate: each step moves w and b by LR times the minibatch's mean gradient": (
        "学习率：每一步让 w 和 b 沿小批量的平均梯度移动 LR 倍"
    ),
    "examples per minibatch": "每个小批量的样本数",
    "compare the hand-derived and autograd gradients on every minibatch (autograd engine)": (
        "在每个小批量上比较手工推导的梯度和自动微分的梯度（autograd 引擎）"
    ),
    "draw how it learned, to a .png or .svg file": "画出学习的过程，存为 .png 或 .svg 文件",
    "save the fitted model": "保存训练好的模型",
    "save the run's state after each epoch": "每个迭代周期后保存运行的状态",
    "continue the run saved in DIR (a larger --epochs trains further)": (
        "继续 DIR 中保存的运行（更大的 --epochs 可以继续训练）"
    ),
    "replace existing --save, --plot or --checkpoint files": (
        "替换已有的 --save、--plot 或 --checkpoint 文件"
    ),
    "no progress bar (shown on a terminal)": "不显示进度条（进度条只在终端上显示）",
    "the book's experiment; --seed 1 repeats it": "书中的实验；--seed 1 使它可以重复",
    "other settings, and a figure of how it learned": "其他设置，并画出学习过程的图",
    "your own data; the model saved for `linscratch predict`": (
        "你自己的数据；保存模型供 `linscratch predict` 使用"
    ),
    # sweep
    "train every pair of learning rates and batch sizes on the same data": (
        "在同一数据上训练学习率和批量大小的每一种组合"
    ),
    "Train each (learning rate, batch size) pair on the same data and seed, in\nparallel "
    "across the cores, and compare their losses.": (
        "用相同的数据和种子训练每一组（学习率，批量大小），在多个核上并行，\n并比较它们的损失。"
    ),
    "the learning rates to try": "要尝试的学习率",
    "the batch sizes to try": "要尝试的批量大小",
    "the cores": "CPU 核数",
    "runs at a time, each in its own process": "同时进行的运行数，每个在自己的进程中",
    "loss curves and a map of the final losses, to a .png or .svg file": (
        "损失曲线和最终损失图，存为 .png 或 .svg 文件"
    ),
    "replace an existing --plot file": "替换已有的 --plot 文件",
    "six runs, one table": "六次运行，一张表",
    "where the learning rate becomes too large, as a figure": "学习率从哪里开始过大，画成图",
    # grad
    "derive a minibatch's gradients step by step and check them three ways": (
        "逐步推导一个小批量的梯度，并用三种方法检验"
    ),
    "Walk through dL/dw = Xᵀ(ŷ − y) and dL/db = Σ(ŷ − y) with real numbers, and\ncompare the "
    "hand-derived, autograd and finite-difference gradients.": (
        "用实际的数逐步计算 dL/dw = Xᵀ(ŷ − y) 和 dL/db = Σ(ŷ − y)，\n并比较手工推导、自动微分和"
        "有限差分得到的梯度。"
    ),
    "the minibatch": "小批量",
    "the parameters": "参数",
    "book: the worked 10x2 batch whose gradients the book prints (seed is another name for "
    "it); random: a batch drawn from --seed": (
        "book：书中给出梯度的那个 10x2 算例小批量（seed 是它的另一个名字）；random：由 --seed "
        "抽取的小批量"
    ),
    "drawn at random and printed, for a random batch": "随机抽取并打印，用于 random 小批量",
    "draws the random batch, and the starting w as the book initialises it": (
        "抽取 random 小批量，以及按书中方式初始化的初始 w"
    ),
    "examples in a random batch": "random 小批量的样本数",
    "features of a random batch": "random 小批量的特征数",
    "the book's starting w, drawn from --seed if given": "书中的初始 w，给出 --seed 时由它抽取",
    "the weights at which the gradients are taken": "求梯度处的权重",
    "the bias at which the gradients are taken": "求梯度处的偏置",
    "the learning rate of the SGD step shown at the end": "最后展示的 SGD 更新步的学习率",
    "the worked 10x2 batch whose gradients the book prints": "书中给出梯度的那个 10x2 算例小批量",
    "a batch of 5 examples drawn from seed 1": "由种子 1 抽取的 5 个样本的小批量",
    "the book's batch at other parameters, as JSON": "书中的小批量、其他参数，输出 JSON",
    # make-data
    "write a synthetic data set to a file, a chunk at a time": "把合成数据集逐块写入文件",
    "Write y = Xw + b + noise to a .npy file (one 2-D array: the features, then the\nlabel) "
    "or a .parquet file, a chunk of examples at a time: it may exceed memory.": (
        "把 y = Xw + b + 噪声写入 .npy 文件（一个二维数组：先是特征，然后是标签）\n或 .parquet "
        "文件，每次写一块样本：数据可以大于内存。"
    ),
    "the data": "数据",
    "examples (rows) to write": "写入的样本数（行数）",
    "features; a count other than 2 draws the true weights from --seed": (
        "特征数；不为 2 时，真实权重由 --seed 抽取"
    ),
    "the precision of the numbers written": "写入的数的精度",
    "a .npy or .parquet file": ".npy 或 .parquet 文件",
    "replace an existing --out file": "替换已有的 --out 文件",
    "the book's problem, 100,000 examples": "书中的问题，100,000 个样本",
    "20 features, their true weights drawn from the seed": "20 个特征，真实权重由种子抽取",
    # predict
    "predict with a saved model": "用保存的模型预测",
    "Apply a model saved by `linscratch train --save` to a data file.": (
        "把 `linscratch train --save` 保存的模型应用到数据文件上。"
    ),
    "input": "输入",
    "a model saved by train --save": "由 train --save 保存的模型",
    "a .csv, .parquet or .npy table with the model's feature columns; this or --dataset": (
        "含有模型特征列的 .csv、.parquet 或 .npy 表格；给出它或 --dataset"
    ),
    "a data set shipped with linscratch; this or --data": (
        "linscratch 自带的数据集；给出它或 --data"
    ),
    "{help} (required)": "{help}（必需）",
    "none: printed": "无：直接打印",
    "write the predictions to this CSV file": "把预测写入这个 CSV 文件",
    "replace an existing --output file": "替换已有的 --output 文件",
    "print one prediction per example": "每个样本打印一个预测",
    "write them to a file; with labels, also the loss and R²": "写入文件；有标签时也给出损失和 R²",
}

# main: the live plot, the notebook views, fonts, i18n
ZH |= {
    "{0} must be one of en, zh, got {value!r}": "{0} 必须是 en 或 zh，得到的是 {value!r}",
    "no Chinese font found (e.g. fonts-noto-cjk): the figure's labels are in English": (
        "未找到中文字体（例如 fonts-noto-cjk）：图中的标签使用英文"
    ),
    # live plot (live.py)
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
