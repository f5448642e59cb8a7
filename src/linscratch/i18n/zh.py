"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {}

# The help of every command, argparse's own texts, the command line's error prefix
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
    "a {formats} table, one example a row": "{formats} 表格，每行一个样本",
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
    "no progress bar or phase labels (shown on a terminal)": (
        "不显示进度条和阶段提示（它们只在终端上显示）"
    ),
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
    "or a {formats} file, a chunk of examples at a time: it may exceed memory.": (
        "把 y = Xw + b + 噪声写入 .npy 文件（一个二维数组：先是特征，然后是标签）\n或 {formats} "
        "文件，每次写一块样本：数据可以大于内存。"
    ),
    "the data": "数据",
    "examples (rows) to write": "写入的样本数（行数）",
    "features; a count other than 2 draws the true weights from --seed": (
        "特征数；不为 2 时，真实权重由 --seed 抽取"
    ),
    "the precision of the numbers written": "写入的数的精度",
    "a {formats} file": "{formats} 文件",
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
    "a {formats} table with the model's feature columns; this or --dataset": (
        "含有模型特征列的 {formats} 表格；给出它或 --dataset"
    ),
    "a data set shipped with linscratch; this or --data": (
        "linscratch 自带的数据集；给出它或 --data"
    ),
    "{help} (required)": "{help}（必需）",
    "none: printed": "无：直接打印",
    "write the predictions to this CSV file (.csv or .txt)": (
        "把预测写入这个 CSV 文件（.csv 或 .txt）"
    ),
    "replace an existing --output file": "替换已有的 --output 文件",
    "print one prediction per example": "每个样本打印一个预测",
    "write them to a file; with labels, also the loss and R²": "写入文件；有标签时也给出损失和 R²",
}

# The live plot, the notebook views, fonts, i18n
ZH |= {
    # live plot (live.py)
    "mean loss ½(ŷ − y)²": "平均损失 ½(ŷ − y)²",
    "all rows": "全部样本",
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

# Every error, warning and notice, by module
ZH |= {
    # rules.py: each setting's rule in words
    "a whole number >= 1": "大于等于 1 的整数",
    "numbers between -1e15 and 1e15": "介于 -1e15 与 1e15 之间的数",
    "a number between -1e15 and 1e15": "介于 -1e15 与 1e15 之间的数",
    "a number from 0 to 1e15": "介于 0 与 1e15 之间的数",
    "a file name": "文件名",
    "a folder name": "文件夹名",
    "a column name or index": "列名或列序号",
    "column names": "列名",
    "true or false": "true 或 false",
    "a number between 0 and 1": "介于 0 与 1 之间的数",
    "a positive finite number (at least 1e-30)": "有限正数（至少 1e-30）",
    "cpu, cuda or cuda:N": "cpu、cuda 或 cuda:N",
    "a whole number from 0 to 2**63-1": "介于 0 与 2**63-1 之间的整数",
    "finite numbers": "有限数",
    "a finite number": "有限数",
    "one of longley": "以下之一：longley",
    "one of book, zero": "以下之一：book, zero",
    "one of mean, book": "以下之一：mean, book",
    "one of auto, autograd, analytic, numba": "以下之一：auto, autograd, analytic, numba",
    "one of auto, book, full, block, none": "以下之一：auto, book, full, block, none",
    "one of float32, float64": "以下之一：float32, float64",
    "{0} must be {rule}, got {value!r}": "{0} 必须是{rule}，实际为 {value!r}",
    "must be {rule}, got {value!r}": "必须是{rule}，实际为 {value!r}",
    # i18n.py
    "{0} must be one of en, zh, got {value!r}": "{0} 必须是 en 或 zh，实际为 {value!r}",
    # cli.py: the command line's own words
    "linscratch train: warning: {message}": "linscratch train: 警告：{message}",
    "interrupted": "已中断",
    "terminated": "已终止",
    # errors.py: a diverging run
    "the loss became non-finite": "损失变为非有限值",
    "the loss grew without bound (to {grew:.3g})": "损失无界增长（增至 {grew:.3g}）",
    "training diverged: {what} at epoch {epoch}, step {step} with learning rate {lr}": (
        "训练发散：第 {epoch} 个迭代周期第 {step} 步时{what}，学习率为 {lr}"
    ),
    "{text}; try a smaller {lr}": "{text}；请试试更小的 {lr}",
    "above": "高于",
    "below": "低于",
    "try {lr} {rate:.2g}": "试试 {lr} {rate:.2g}",
    "try {lr} {rate:.2g} or {standardize}": "试试 {lr} {rate:.2g} 或 {standardize}",
    "{text}, {relation} this data's stability limit 2/λ_max = {lr_max:.4g}; {advice}": (
        "{text}，{relation}此数据的稳定上限 2/λ_max = {lr_max:.4g}；{advice}"
    ),
    # runs.py: the stability warning
    "{0} {lr} exceeds this data's stability limit 2/λ_max = {lr_max:.4g} (λ_max = {lam:.4g}): "
    "gradient descent at this rate diverges": (
        "{0} {lr} 超过了此数据的稳定上限 2/λ_max = {lr_max:.4g}（λ_max = {lam:.4g}）："
        "以这个学习率做梯度下降会发散"
    ),
    "training on {n:,} rows x {d:,} features": "用 {n:,} 个样本 x {d:,} 个特征训练",
    # resources.py: memory and disk
    "{what}: about {needed} of memory needed, {available} available": (
        "{what}：约需 {needed} 内存，可用 {available}"
    ),
    "{0}: {what}: about {needed} of disk needed, {free} free in {folder}": (
        "{0}：{what}：约需 {needed} 磁盘空间，{folder} 中仅剩 {free}"
    ),
    "{0}: {problem}": "{0}：{problem}",
    "{0}, {1}: {problem}": "{0}、{1}：{problem}",
    # spec.py
    "{n:,} rows x {d:,} features": "{n:,} 个样本 x {d:,} 个特征",
    "{0} and {1}: give one of them": "{0} 和 {1}：请只给出其中一个",
    "{0} names the column {name!r} twice": "{0} 两次列出了列 {name!r}",
    "{0} applies to synthetic data, not to {1}/{2}": "{0} 只适用于合成数据，不适用于 {1}/{2}",
    "{0} applies to {1} or {2}": "{0} 只适用于 {1} 或 {2}",
    "{0} has {k} values but {1} is {d}; give one weight per feature": (
        "{0} 有 {k} 个值，但 {1} 是 {d}；每个特征给一个权重"
    ),
    "{0} and {1} name different folders; {1} alone will do": (
        "{0} 和 {1} 指向不同的文件夹；只用 {1} 即可"
    ),
    "unknown run setting(s): {names}": "未知的运行设置：{names}",
    # data.py
    "{0}: column {name!r} is constant in the training rows": "{0}：列 {name!r} 在训练样本中是常数",
    "{0} {value} of {n} rows leaves {train} for training and {val} for validation; "
    "need at least 2 and 1": (
        "{0} {value} 使 {n} 个样本中 {train} 个用于训练、{val} 个用于验证；至少需要 2 个和 1 个"
    ),
    # sources.py
    "synthetic data": "合成数据",
    "rescale the column": "请缩放这一列",
    "use {0} float64 or {1}": "请用 {0} float64 或 {1}",
    "{where}: column {name!r}, row {row}: {value:.3g} is too large for {dtype} arithmetic "
    "(its square overflows); {advice}": (
        "{where}：列 {name!r}，第 {row} 行：{value:.3g} 对 {dtype} 运算来说太大（它的平方会溢出）；"
        "{advice}"
    ),
    # files.py and views.py: data files
    "{path}: not a readable .npy file ({exc})": "{path}：不是可读的 .npy 文件（{exc}）",
    "{path}: expected a 2-D array (rows x columns), got {ndim}-D": (
        "{path}：应为二维数组（行 x 列），实际为 {ndim} 维"
    ),
    "{path}: expected a numeric array, got dtype {dtype}": (
        "{path}：应为数值数组，实际 dtype 为 {dtype}"
    ),
    "{path}: the array has no rows": "{path}：数组没有任何行",
    "{path}: the file is empty": "{path}：文件是空的",
    "{path}: the header is not UTF-8 text": "{path}：表头不是 UTF-8 文本",
    "{path}: cannot read it: {reason}": "{path}：无法读取：{reason}",
    "{path}: too large to read into this machine's memory": "{path}：太大，无法读入本机内存",
    "{path}: column {j} has no name; give every column a name": (
        "{path}：第 {j} 列没有名字；请给每一列命名"
    ),
    "{path}: columns {first} and {j} are both named {name!r}; give each column its own name": (
        "{path}：第 {first} 列和第 {j} 列都叫 {name!r}；请给每一列不同的名字"
    ),
    "semicolons": "分号",
    "tabs": "制表符",
    "bars": "竖线",
    "{path}: the header is one column separated by {said}; linscratch reads comma-separated "
    "files": "{path}：表头是用{said}分隔的一整列；linscratch 读取逗号分隔的文件",
    "{0}: no column {spec!r} in {path} (columns: {shown})": (
        "{0}：{path} 中没有列 {spec!r}（现有的列：{shown}）"
    ),
    "{path}: column {name!r}, row {row}: empty cell": "{path}：列 {name!r}，第 {row} 行：空单元格",
    "{path}: column {name!r} holds true/false values, not numbers": (
        "{path}：列 {name!r} 存的是 true/false，不是数"
    ),
    "an empty cell": "空单元格",
    "{path}: column {name!r}, row {row}: {shown} is not a number": (
        "{path}：列 {name!r}，第 {row} 行：{shown} 不是数"
    ),
    "{path}: column {name!r} is not numeric ({type})": "{path}：列 {name!r} 不是数值（{type}）",
    "{path}: column {name!r}, row {row}: {shown} is not finite": (
        "{path}：列 {name!r}，第 {row} 行：{shown} 不是有限值"
    ),
    "(none)": "（无）",
    "{path}: unknown extension {shown!r}; expected {suffixes}": (
        "{path}：未知的扩展名 {shown!r}；应为 {suffixes}"
    ),
    "{path}: no such file": "{path}：没有这个文件",
    "{path}: a folder, not a file": "{path}：是文件夹，不是文件",
    "{path}: not a regular file (a pipe or a device); give a file": (
        "{path}：不是普通文件（是管道或设备）；请给出一个文件"
    ),
    "{path}: the file has a header but no rows": "{path}：文件有表头但没有样本",
    "{0}: {name!r} is the target column": "{0}：{name!r} 是标签列",
    "{path}: no feature columns besides the target": "{path}：除标签列外没有特征列",
    # formats.py, model.py: linscratch's own files
    "model": "模型",
    "checkpoint": "检查点",
    "{path}: corrupt, not valid JSON ({exc})": "{path}：已损坏，不是有效的 JSON（{exc}）",
    "{path}: corrupt: not JSON that linscratch writes (nested too deep or too large)": (
        "{path}：已损坏：不是 linscratch 写出的 JSON（嵌套太深或太大）"
    ),
    '{path}: not a linscratch {kind} (no "format": "{fmt}")': (
        '{path}：不是 linscratch 的{kind}（没有 "format": "{fmt}"）'
    ),
    "{path}: {kind} format version {found!r}; this linscratch reads version {version}": (
        "{path}：{kind}格式版本为 {found!r}；这个 linscratch 读取版本 {version}"
    ),
    '{path}: "w" must be a list of finite numbers and "b" a number': (
        '{path}："w" 必须是有限数的列表，"b" 必须是一个数'
    ),
    '{path}: "feature_names" must name each of the {d} weights': (
        '{path}："feature_names" 必须为 {d} 个权重逐一命名'
    ),
    '{path}: "feature_names" must be distinct, non-empty names': (
        '{path}："feature_names" 必须是互不相同的非空名字'
    ),
    '{path}: "target_name" must be a name that is not a feature\'s': (
        '{path}："target_name" 必须是一个不与特征重名的名字'
    ),
    # checkpoint.py
    "{0}: {path} is corrupt": "{0}：{path} 已损坏",
    "{0} is {value}, but the run in {path} has already trained {epoch} epochs": (
        "{0} 是 {value}，但 {path} 中的运行已训练了 {epoch} 个迭代周期"
    ),
    "{key} ({there!r} there, {now!r} now)": "{key}（那里是 {there!r}，现在是 {now!r}）",
    "{0}: {path} is from another run: {shown}": "{0}：{path} 来自另一次运行：{shown}",
    "{0}: {path} is corrupt (inconsistent sizes)": "{0}：{path} 已损坏（大小不一致）",
    "{0}: cannot use {path} ({reason})": "{0}：无法使用 {path}（{reason}）",
    "{0}: {path} is in use by another run": "{0}：{path} 正被另一次运行使用",
    # destinations.py: where a run writes
    " or ": " 或 ",
    "{0}: {folder} is not a folder": "{0}：{folder} 不是文件夹",
    "{0}: cannot write in {folder} ({reason})": "{0}：无法在 {folder} 中写入（{reason}）",
    "{0}: {path} must end in {shown}": "{0}：{path} 必须以 {shown} 结尾",
    "{0}: {path}: {reason}": "{0}：{path}：{reason}",
    "{0}: {path} is a folder; give a file name": "{0}：{path} 是文件夹；请给出文件名",
    "{0}: {path} is not a regular file (a link, pipe or device); it is never replaced: give "
    "another name": "{0}：{path} 不是普通文件（是链接、管道或设备）；它永远不会被替换："
    "请换一个名字",
    "{0}: {path} exists; add {1} to replace it": "{0}：{path} 已存在；加上 {1} 以替换它",
    "{0}: {path} is not a folder": "{0}：{path} 不是文件夹",
    "{0}: no checkpoint in {path}": "{0}：{path} 中没有检查点",
    "{0}: {path} holds a checkpoint; {1} {path} continues it, {2} starts over": (
        "{0}：{path} 中有检查点；{1} {path} 接着训练，{2} 从头开始"
    ),
    "the input": "输入",
    "the destination": "输出",
    "{0}: {path} is also {role} of {1}; give another name": (
        "{0}：{path} 也是 {1} 的{role}；请换一个名字"
    ),
    # plan.py, distributed.py: engines, devices and torchrun
    "{0} runs in one process; drop it under torchrun": (
        "{0} 只在单个进程中运行；在 torchrun 下请去掉它"
    ),
    "{0} {engine} runs in one process; use analytic under torchrun": (
        "{0} {engine} 只在单个进程中运行；在 torchrun 下请用 analytic"
    ),
    "{0} {device}: no CUDA device is available here": "{0} {device}：这里没有可用的 CUDA 设备",
    "{0} {device} needs {1} analytic (or auto)": "{0} {device} 需要 {1} analytic（或 auto）",
    "{0} compares with autograd: use it with {1} autograd": (
        "{0} 与 autograd 比较：请与 {1} autograd 一起使用"
    ),
    "the environment variable {name} must be a whole number >= 0, got {text!r}": (
        "环境变量 {name} 必须是大于等于 0 的整数，实际为 {text!r}"
    ),
    "RANK {rank} is not below WORLD_SIZE {world}": "RANK {rank} 不小于 WORLD_SIZE {world}",
    "cannot join the process group ({backend}): {reason}": "无法加入进程组（{backend}）：{reason}",
    # loop.py, estimator.py: the Python interface
    "X must be (n, d) and y (n,) with n >= 1, got {X} and {y}": (
        "X 的形状必须是 (n, d)，y 必须是 (n,)，且 n >= 1，实际为 {X} 和 {y}"
    ),
    "{name} must be a positive number, got {value!r}": "{name} 必须是正数，实际为 {value!r}",
    "engine must be one of auto, {engines}": "engine 必须是以下之一：auto, {engines}",
    # commands: grad, predict, make-data, sweep
    "{0} applies to {1} random only": "{0} 只适用于 {1} random",
    "{0} has {k} values but the batch has {d} features": (
        "{0} 有 {k} 个值，但这个小批量有 {d} 个特征"
    ),
    "{0}, {1}: the finite differences of {n:,} rows x {d:,} features take about {work:.1e} "
    "multiply-adds, more than the {limit:.0e} (about ten seconds) this walk-through allows; "
    "use fewer": (
        "{0}、{1}：{n:,} 个样本 x {d:,} 个特征的有限差分约需 {work:.1e} 次乘加，"
        "超过了这个演示允许的 {limit:.0e}（约十秒）；请用更少的样本或特征"
    ),
    "{path}: lacks the model's columns {missing} (the model was trained on {names})": (
        "{path}：缺少模型的列 {missing}（模型是用 {names} 训练的）"
    ),
    "{path}: row {row}: the prediction is {value}; the model's weights overflow on this row": (
        "{path}：第 {row} 行：预测值为 {value}；模型的权重在这一行上溢出"
    ),
    "; loss {loss:.6g}, R² {r2}": "；损失 {loss:.6g}，R² {r2}",
    "{count:,} predictions written to {path}": "已将 {count:,} 个预测写入 {path}",
    "n/a": "无",
    "rows of {d:,} features": "{d:,} 个特征的样本",
    "{n:,} rows x {columns:,} columns": "{n:,} 行 x {columns:,} 列",
    "wrote {n:,} rows x {d} features and the target to {path} (seed {seed})": (
        "已将 {n:,} 个样本 x {d} 个特征及标签写入 {path}（种子 {seed}）"
    ),
    # fonts.py
    "no Chinese font found (e.g. fonts-noto-cjk): the figure's labels are in English": (
        "未找到中文字体（例如 fonts-noto-cjk）：图中的标签用英文"
    ),
    # gradcheck.py: a notebook's view of a gradient check
    "agree": "一致",
    "DISAGREE": "不一致",
    "GradCheck({n} rows x {d} features, {dtype}: dL/dw = [{dw}], dL/db = {db}; analytic, "
    "autograd and finite differences {verdict}, max rel diff {worst:.2g})": (
        "GradCheck({n} 个样本 x {d} 个特征，{dtype}：dL/dw = [{dw}]，dL/db = {db}；"
        "解析推导、自动求导与有限差分{verdict}，最大相对差 {worst:.2g})"
    ),
}

# Files that are not what their names say (kinds.py), CSV files without a header, model fields
ZH |= {
    "{path} holds {what}, not {expected}; {advice}": (
        "{path} 存的是{what}，不是 {expected}；{advice}"
    ),
    "an NPY array": "NPY 数组",
    "a Parquet table": "Parquet 表",
    "an NPZ archive of arrays (numpy.savez)": "NPZ 数组归档（numpy.savez）",
    "an Excel workbook": "Excel 工作簿",
    "a zip archive": "zip 压缩包",
    "gzip-compressed data": "gzip 压缩的数据",
    "bzip2-compressed data": "bzip2 压缩的数据",
    "xz-compressed data": "xz 压缩的数据",
    "zstd-compressed data": "zstd 压缩的数据",
    "an HDF5 file": "HDF5 文件",
    "an Arrow IPC (Feather) file": "Arrow IPC（Feather）文件",
    "a Python pickle": "Python pickle",
    "UTF-16 text": "UTF-16 文本",
    "text": "文本",
    "binary data of no kind linscratch reads": "linscratch 不认识的二进制数据",
    "rename it to end in {suffix}": "请把它改名为以 {suffix} 结尾",
    "rename it to end in .csv if it is comma-separated text": (
        "如果它是逗号分隔的文本，请把它改名为以 .csv 结尾"
    ),
    "save the one array to train on with numpy.save as a .npy file": (
        "请用 numpy.save 把要训练的那个数组存成 .npy 文件"
    ),
    "save the sheet as CSV from the spreadsheet": "请在电子表格软件中把工作表另存为 CSV",
    "decompress it first": "请先解压",
    "linscratch never unpickles a file (a pickle can run code): save the array with numpy.save": (
        "linscratch 从不反序列化 pickle 文件（pickle 能执行代码）：请用 numpy.save 保存数组"
    ),
    "convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8 {path} > {out}": (
        "请把它转换为 UTF-8，例如 iconv -f UTF-16 -t UTF-8 {path} > {out}"
    ),
    "give a model saved by train --save": "请给出 train --save 保存的模型",
    "give a {names} file": "请给出 {names} 文件",
    ", ": "、",
    "{path}: a Parquet file without its end (cut short, or still being written)": (
        "{path}：Parquet 文件缺少结尾（被截断，或仍在写入）"
    ),
    "{path}: an Arrow IPC (Feather) file without its end (cut short, or still being written)": (
        "{path}：Arrow IPC（Feather）文件缺少结尾（被截断，或仍在写入）"
    ),
    "Arrow IPC (Feather)": "Arrow IPC（Feather）",
    "{path}: the NPY header is damaged": "{path}：NPY 文件头已损坏",
    "{path}: an NPY array of Python objects (stored as a pickle), not of numbers; linscratch "
    "never unpickles a file: save a numeric array": (
        "{path}：NPY 数组存的是 Python 对象（以 pickle 存储），不是数；linscratch 从不反序列化 "
        "pickle 文件：请保存数值数组"
    ),
    "{path}: the NPY header gives an impossible shape {shape} (a negative size)": (
        "{path}：NPY 文件头给出了不可能的形状 {shape}（大小为负）"
    ),
    "{path}: the NPY header promises a {shape} array of {dtype} ({need:,} bytes) but the file "
    "holds {have:,} bytes after it: cut short, or the header is wrong": (
        "{path}：NPY 文件头声明了形状为 {shape} 的 {dtype} 数组（{need:,} 字节），但其后只有 "
        "{have:,} 字节：文件被截断，或文件头有误"
    ),
    "{path}: the file has no columns": "{path}：文件没有任何列",
    "{path}: a loop of symbolic links, leading to no file": "{path}：符号链接成环，不指向任何文件",
    "{path}: separated by semicolons, with decimal commas ({cell!r}); linscratch reads commas "
    "between cells and points in numbers: convert it, e.g. sed -e 's/,/./g' -e 's/;/,/g' "
    "{path} > {out}": (
        "{path}：用分号分隔、以逗号作小数点（{cell!r}）；linscratch 读取用逗号分隔单元格、"
        "用点作小数点的文件：请转换，例如 sed -e 's/,/./g' -e 's/;/,/g' {path} > {out}"
    ),
    "{path}: column {name!r}, row {row}: {shown} is not a number: a decimal comma? linscratch "
    "reads decimal points ({fixed})": (
        "{path}：列 {name!r}，第 {row} 行：{shown} 不是数：是用逗号作小数点吗？linscratch "
        "读取的小数点是点（{fixed}）"
    ),
    "{path}: the first row is all numbers ({shown}), so the file seems to have no header; give "
    "{0} to read every row as data (the columns are then named x1, x2, ...), or add a header "
    "line naming the columns": (
        "{path}：第一行全是数（{shown}），文件似乎没有表头；请给出 {0} 把每一行都当作数据读取"
        "（各列随之命名为 x1、x2、...），或加一行表头为各列命名"
    ),
    "{0} applies to {1}: a CSV file without a header": "{0} 只适用于 {1}：没有表头的 CSV 文件",
    "{0}: {path} is not a CSV file; only a CSV file can lack a header": (
        "{0}：{path} 不是 CSV 文件；只有 CSV 文件可以没有表头"
    ),
    "the CSV file has no header line: every line is data, the columns are named x1, x2, ... "
    "(the target is the last, or --target by index)": (
        "CSV 文件没有表头行：每一行都是数据，各列命名为 x1、x2、...（标签是最后一列，"
        "或用 --target 按序号指定）"
    ),
    "the CSV file has no header line: every line is data, the columns are named x1, x2, ... "
    "(as a model trained with --no-header names them)": (
        "CSV 文件没有表头行：每一行都是数据，各列命名为 x1、x2、...（与用 --no-header "
        "训练的模型的命名一致）"
    ),
    # formats.py, model.py: a model file that is not one
    "not UTF-8 text": "不是 UTF-8 文本",
    "{path}: not JSON (it starts with {start!r}), so not a linscratch {kind}": (
        "{path}：不是 JSON（开头是 {start!r}），因此不是 linscratch 的{kind}"
    ),
    '{path}: "{key}" must be {rule}, got {shown}; not a model linscratch saved': (
        '{path}："{key}" 必须是{rule}，实际为 {shown}；不是 linscratch 保存的模型'
    ),
    "an object": "对象",
    "an object or null": "对象或 null",
    "a whole number >= 0 or null": "大于等于 0 的整数或 null",
}

# A write that fails when the time comes (destinations.py: a full disk)
ZH |= {
    "{0}: cannot write {path} ({reason}); {kept}": "{0}：无法写入 {path}（{reason}）；{kept}",
    "it is as it was": "它保持原样",
    "nothing was written": "什么也没有写入",
}

# Messages true to their cause: a spread too small to standardize (data.py), an overflow in
# grad's check (cli/grad.py), output that cannot show Chinese (cli/__init__.py), Chinese text in a
# figure with no CJK font (fonts.py)
ZH |= {
    "{0}: column {name!r} is not constant, but its {what} ({spread:.3g}) is below what "
    "float64 can standardize ({smallest:.3g}: the square of a smaller number underflows); "
    "rescale the column (other units) or leave out {0}": (
        "{0}：列 {name!r} 不是常数，但它的{what}（{spread:.3g}）低于 float64 能标准化的下限"
        "（{smallest:.3g}：更小的数的平方会下溢）；请缩放该列（换用其他单位）或去掉 {0}"
    ),
    "standard deviation": "标准差",
    "root mean square": "均方根",
    "linscratch grad: warning: the values overflow float64: {what} is not finite at these "
    "{w} and {b}, so the finite differences cannot check the gradients; try smaller values": (
        "linscratch grad: 警告：数值超出 float64 的范围（溢出）：在这些 {w} 和 {b} 下{what}"
        "不是有限数，有限差分无法检验梯度；请用更小的值"
    ),
    "the loss": "损失",
    "a gradient": "某个梯度",
    "linscratch: note: the output's encoding ({encoding}) cannot show Chinese; printing in "
    "English (PYTHONIOENCODING=utf-8 shows Chinese)": (
        "linscratch：注意：输出的编码（{encoding}）无法显示中文；改用英文输出"
        "（PYTHONIOENCODING=utf-8 可显示中文）"
    ),
    "no Chinese font found (e.g. fonts-noto-cjk): the figure's Chinese text shows as boxes": (
        "未找到中文字体（例如 fonts-noto-cjk）：图中的中文显示为方框"
    ),
}

# The Python API's arguments checked at its boundary (arguments.py, fit, fit_model, the book's
# helpers, gradients, explain)
ZH |= {
    "X must be (n, d) and y (n,) with n, d >= 1, got {X} and {y}": (
        "X 必须是 (n, d)，y 必须是 (n,)，且 n、d >= 1，却是 {X} 和 {y}"
    ),
    "X must hold n >= 1 rows and y (n,) or (n, 1), got {X} and {y}": (
        "X 必须有 n >= 1 行，y 必须是 (n,) 或 (n, 1)，却是 {X} 和 {y}"
    ),
    "{0} and {1} must be tensors with one row per example": "{0} 和 {1} 必须是每个样本一行的张量",
    "{0} and {1} must have as many rows, got {n} and {m}": (
        "{0} 和 {1} 的行数必须相同，却是 {n} 和 {m}"
    ),
    "{0} holds complex numbers ({dtype}); linear regression here is over real numbers: pass "
    "{0}.real, or the real and imaginary parts as columns of their own": (
        "{0} 含有复数（{dtype}）；这里的线性回归只处理实数：请传入 {0}.real，"
        "或把实部和虚部各作为单独的列"
    ),
    "{0} is a sparse matrix ({kind}); pass a dense array, {0}.toarray()": (
        "{0} 是稀疏矩阵（{kind}）；请传入稠密数组 {0}.toarray()"
    ),
    "{0} is a sparse tensor ({layout}); pass a dense one, {0}.to_dense()": (
        "{0} 是稀疏张量（{layout}）；请传入稠密张量 {0}.to_dense()"
    ),
    "{0} is a tensor on the meta device, which holds shapes but no values; pass one with "
    "values": "{0} 是 meta 设备上的张量，只有形状没有数值；请传入有数值的张量",
    "{0} is a {kind} (an iterator), read once and without a length; pass an array, "
    "np.array(list({0}))": (
        "{0} 是 {kind}（迭代器），只能读一次且没有长度；请传入数组 np.array(list({0}))"
    ),
    "{0} is empty (shape {shape}): nothing to learn": "{0} 为空（形状 {shape}）：没有可学习的参数",
    "{0} is empty: give the model at least one tensor to learn": (
        "{0} 为空：请至少给模型一个要学习的张量"
    ),
    "{0} must be (d, 1) for X of shape (n, d), got {w} for {X}": (
        "X 的形状为 (n, d) 时 {0} 必须是 (d, 1)，X 为 {X} 时却是 {w}"
    ),
    "{0} must be (n, d) with n >= 1, got shape {shape}": (
        "{0} 必须是 (n, d) 且 n >= 1，形状却是 {shape}"
    ),
    "{0} must be 0 with {1}=False: the model has no intercept to start": (
        "{1}=False 时 {0} 必须为 0：模型没有偏置可供初始化"
    ),
    "{0} must be a 1-D floating-point torch tensor of true weights, torch.tensor([2, -3.4]), "
    "got {shape}": (
        "{0} 必须是一维浮点 torch 张量形式的真实权重，如 torch.tensor([2, -3.4])，却是 {shape}"
    ),
    "{0} must be a RunSpec or None, got {kind}; pass the settings as keywords, fit(X, y, lr=0.1)": (
        "{0} 必须是 RunSpec 或 None，却是 {kind}；请以关键字传入设置，如 fit(X, y, lr=0.1)"
    ),
    "{0} must be a RunSpec, got a dict; pass the settings as keywords, fit(X, y, **settings), "
    "or RunSpec.build(**settings)": (
        "{0} 必须是 RunSpec，却是 dict；请以关键字传入设置 fit(X, y, **settings)，"
        "或用 RunSpec.build(**settings)"
    ),
    "{0} must be a finite number > 0, got {value!r}": "{0} 必须是大于 0 的有限数，却是 {value!r}",
    "{0} must be a finite number >= {least}, got {value!r}": (
        "{0} 必须是大于等于 {least} 的有限数，却是 {value!r}"
    ),
    "{0} must be a finite number, got {value!r}": "{0} 必须是有限数，却是 {value!r}",
    "{0} must be a function, {usage}, got {kind}": "{0} 必须是函数 {usage}，却是 {kind}",
    "{0} must be a list of tensors, one per parameter, got {kind}": (
        "{0} 必须是张量的列表，每个参数一个，却是 {kind}"
    ),
    "{0} must be a number, got {kind}": "{0} 必须是数，却是 {kind}",
    "{0} must be a torch tensor, got {kind}; torch.tensor({0})": (
        "{0} 必须是 torch 张量，却是 {kind}；请用 torch.tensor({0})"
    ),
    "{0} must be a whole number >= {least}, got {value!r}": (
        "{0} 必须是大于等于 {least} 的整数，却是 {value!r}"
    ),
    "{0} must be an array of numbers (numpy or torch), got {kind}": (
        "{0} 必须是数值数组（numpy 或 torch），却是 {kind}"
    ),
    "{0} must be an array of numbers, got {dtype} values": (
        "{0} 必须是数值数组，却是 {dtype} 类型的值"
    ),
    "{0} must be an array of numbers: {problem}": "{0} 必须是数值数组：{problem}",
    "{0} must be finite, got {value}": "{0} 必须是有限数，却是 {value}",
    "{0} must be floating point (float32 or float64) to be learned, got {dtype}; pass "
    "{0}.double()": (
        "{0} 必须是浮点数（float32 或 float64）才能学习，却是 {dtype}；请传入 {0}.double()"
    ),
    "{0} must be one number (a float or shape (1,)), got shape {shape}": (
        "{0} 必须是一个数（浮点数或形状 (1,)），形状却是 {shape}"
    ),
    "{0} must be one number, shape (1,), got {shape}": "{0} 必须是一个数，形状 (1,)，却是 {shape}",
    "{0} must be one of {choices}, got {value!r}": "{0} 必须是 {choices} 之一，却是 {value!r}",
    "{0} must be the result of linscratch.check_gradients(X, y, w, b), got {kind}": (
        "{0} 必须是 linscratch.check_gradients(X, y, w, b) 的结果，却是 {kind}"
    ),
    "{0} must have one weight per feature, shape ({d},) or ({d}, 1), got {shape}": (
        "{0} 必须每个特征一个权重，形状 ({d},) 或 ({d}, 1)，却是 {shape}"
    ),
    "{0} must hold one value per prediction, shape {k}, got shape {shape}": (
        "{0} 必须每个预测值对应一个值，形状 {k}，却是 {shape}"
    ),
    "{0} must hold one weight per feature ({d}), got shape {shape}": (
        "{0} 必须每个特征一个权重（{d} 个），形状却是 {shape}"
    ),
    "{0} must hold {size} values for X of shape {X}, got shape {shape}": (
        "X 的形状为 {X} 时 {0} 必须有 {size} 个值，形状却是 {shape}"
    ),
    "{0} must name each of the {k} parameters, got {m} names": (
        "{0} 必须为 {k} 个参数各起一个名字，却有 {m} 个名字"
    ),
    "{0} must return a torch tensor of predictions, shape ({k},) or ({k}, 1) for a batch of "
    "{k} rows, got {kind}; compute it with torch operations": (
        "{0} 必须返回预测值的 torch 张量，{k} 个样本的小批量形状为 ({k},) 或 ({k}, 1)，"
        "却返回 {kind}；请用 torch 运算计算"
    ),
    "{0} must return one prediction per row, shape ({k},) or ({k}, 1) for a batch of {k} "
    "rows, got shape {shape}": (
        "{0} 必须每个样本返回一个预测值，{k} 个样本的小批量形状为 ({k},) 或 ({k}, 1)，"
        "形状却是 {shape}"
    ),
    "{0}'s predictions carry no gradient: compute them from the parameters with torch "
    "operations (no .detach(), .item() or numpy)": (
        "{0} 的预测值没有梯度：请用 torch 运算从参数计算（不要用 .detach()、.item() 或 numpy）"
    ),
    "{0}, {1} and {2} must share a dtype, got {dtypes}; convert with .to(X.dtype)": (
        "{0}、{1} 和 {2} 的数据类型必须相同，却是 {dtypes}；请用 .to(X.dtype) 转换"
    ),
    "{0}: the predictions do not depend on params[{j}], so it gets no gradient; use it in "
    "the model or leave it out": (
        "{0}：预测值不依赖于 params[{j}]，它得不到梯度；请在模型中使用它或将其去掉"
    ),
    "{0}[{k}] has no gradient: call loss.backward() on a loss computed from it "
    "(requires_grad=True) before the step": (
        "{0}[{k}] 没有梯度：更新之前请对由它计算出的损失调用 loss.backward()（requires_grad=True）"
    ),
    "{0}[{k}] must be a linscratch.Subscriber, got {kind}": (
        "{0}[{k}] 必须是 linscratch.Subscriber，却是 {kind}"
    ),
    "{problem}; drop that row or fill in the value": "{problem}；请删去该行或填入数值",
}

# The figures of plots.py and scaled_params.py, predict --keep-columns
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
        "mean loss  ½(ŷ − y)²  (log scale)": "平均损失  ½(ŷ − y)²（对数坐标）",
        "Training loss": "训练损失",
        "epoch (log scale)": "迭代周期（对数坐标）",
        "epoch": "迭代周期",
        "value (dashed: truth)": "值（虚线：真实值）",
        "value": "值",
        "Parameters approaching the true values": "参数趋近真实值",
        "Parameters approaching the least-squares answer": "参数趋近最小二乘解",
        "all parameters, ‖θ − θ*‖/‖θ*‖": "全部参数，‖θ − θ*‖/‖θ*‖",
        "relative distance |θ − θ*| / max(|θ*|, rms θ*)  (log scale)": (
            "相对距离 |θ − θ*| / max(|θ*|, rms θ*)（对数坐标）"
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
        "write every column of the data file, then the prediction": (
            "写出数据文件的每一列，再写预测值"
        ),
        "{path}: its rows could not be matched with the predictions": (
            "{path}：它的行无法与预测值一一对应"
        ),
    }
)

# Models through the origin, early stopping (estimator.py)
ZH |= {
    "fit y = Xw, a model through the origin: b stays 0, and the exact answer, its "
    "standard errors and an uncentered R² are those of that model": (
        "拟合过原点的模型 y = Xw：b 保持为 0，精确解、它的标准误差和非中心化 R² 都按这个模型计算"
    ),
    "{0}: column {name!r} is zero in the training rows": "{0}：列 {name!r} 在训练样本中全为 0",
    "tol must be a non-negative number or None, got {value!r}": (
        "tol 必须是非负数或 None，实际为 {value!r}"
    ),
    "at max_iter={epochs} epochs with the loss still falling": (
        "于 max_iter={epochs} 个迭代周期，损失仍在下降"
    ),
    "at epoch {epoch} with the training loss {excess:.1%} above the exact "
    "least-squares optimum": "于第 {epoch} 个迭代周期，训练损失比精确最小二乘最优值高 {excess:.1%}",
    "SGDLinearRegression stopped {reason}; scaling the features (StandardScaler), "
    "a smaller learning_rate_init, a larger max_iter or a smaller tol (tol={tol}) "
    "may help": (
        "SGDLinearRegression 停止{reason}；缩放特征（StandardScaler）、更小的 learning_rate_init、"
        "更大的 max_iter 或更小的 tol（tol={tol}）可能有帮助"
    ),
}

# A one-row (or exactly fitted) estimator's convergence warning (estimator.py)
ZH |= {
    "at epoch {epoch} with the training loss {loss:.3g}, where the exact optimum fits every "
    "row (loss 0; ½ mean y² is {zero:.3g})": (
        "在第 {epoch} 个迭代周期时训练损失为 {loss:.3g}，而精确最优解拟合了每个样本"
        "（损失为 0；½ mean y² 为 {zero:.3g}）"
    ),
}

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
        "Loss per epoch": "每个迭代周期的损失",
        "diverged (last finite loss)": "发散（最后的有限损失）",
        "stability limit 2/λ_max = {limit:.3g}": "稳定性上限 2/λ_max = {limit:.3g}",
        " (log scale)": "（对数坐标）",
        "final mean loss (log scale)": "最终平均损失（对数坐标）",
        "Final loss by learning rate and batch size (grey: diverged)": (
            "不同学习率和批量大小的最终损失（灰色：发散）"
        ),
    }
)

# The --check-grad summary (cli/reports.py)
ZH |= {
    "gradient check, analytic vs autograd on {batches} batches: max abs diff "
    "{abs:.3g}, max rel diff {rel:.3g} (tolerance {tol:.0e}): {verdict}": (
        "梯度检查，解析公式与自动求导在 {batches} 个小批量上比较：最大绝对差 {abs:.3g}，"
        "最大相对差 {rel:.3g}（容差 {tol:.0e}）：{verdict}"
    ),
}

# Plots are regenerated freely
ZH |= {
    "replace an existing --save file or --checkpoint (a --plot is always replaced)": (
        "替换已有的 --save 文件或 --checkpoint（--plot 的图总会被替换）"
    ),
    "the loss curves beside a map of the final losses (for one learning rate or one "
    "batch size, final loss against the other), to a .png or .svg file; replaced if "
    "it exists": (
        "损失曲线和最终损失图（只有一个学习率或一个批量大小时，画最终损失随另一个的变化），"
        "存为 .png 或 .svg 文件；已存在则替换"
    ),
    "not needed: a --plot file is replaced": "不再需要：--plot 的图会被替换",
}

# The labels of a run's phases and its progress bar, on a terminal
ZH.update(
    {
        "generating data": "正在生成数据",
        "reading {path}": "正在读取 {path}",
        "compiling kernels": "正在编译内核",
        "estimating the stability limit": "正在估计稳定性上限",
        "training": "正在训练",
        "writing {path}": "正在写入 {path}",
        "minibatches": "小批量",
        "loss": "损失",
        "{speed} M examples/s": "每秒 {speed} M 个样本",
    }
)

# The exact answer's phase label (progress.py)
ZH |= {"computing the exact least squares": "正在计算精确最小二乘解"}

# Early stopping on the command line (train --early-stopping)
ZH |= {
    "a number from 0 to 1": "介于 0 与 1 之间的数",
    "stop before --epochs once the loss, averaged over windows of --n-iter-no-change "
    "epochs, falls by less than the fraction --tol of itself from one window to the next": (
        "提前停止：以 --n-iter-no-change 个迭代周期为一个窗口求平均损失，"
        "一旦相邻两个窗口之间的下降不到其自身的 --tol 倍，就在 --epochs 之前停止训练"
    ),
    "with --early-stopping: the smallest relative fall of the windowed loss": (
        "配合 --early-stopping：窗口平均损失的最小相对下降"
    ),
    "with --early-stopping: the epochs in each window": (
        "配合 --early-stopping：每个窗口的迭代周期数"
    ),
    "{0} applies with {1}": "{0} 需与 {1} 一起使用",
    "{0} applies with {1} {value}": "{0} 需与 {1} {value} 一起使用",
    "stopped early at epoch {epoch} of {epochs}: the mean loss of the last {n} epochs "
    "fell by less than {tol:g} of the mean of the {n} before": (
        "在第 {epoch} 个迭代周期提前停止（共 {epochs} 个）：最近 {n} 个迭代周期的平均损失"
        "比之前 {n} 个的平均损失下降不到其 {tol:g}"
    ),
}

# The exact answer reported when SGD diverges (cli/diverged_report.py)
ZH |= {
    "SGD diverged (the error follows); the exact least-squares answer on the {rows:,} "
    "training rows does not depend on it:": (
        "SGD 发散了（错误信息见后）；精确最小二乘解不依赖于它，基于 {rows:,} 个训练样本："
    ),
    "exact least squares: loss {loss:.6g}, RMSE {rmse:.6g}, R² {r2}": (
        "精确最小二乘解：损失 {loss:.6g}，RMSE {rmse:.6g}，R² {r2}"
    ),
    "validation ({rows} rows), exact least squares: loss {loss:.6g}, RMSE {rmse:.6g}": (
        "验证集（{rows} 个样本），精确最小二乘解：损失 {loss:.6g}，RMSE {rmse:.6g}"
    ),
}

# Weighted rows (--weights, sample_weight)
ZH |= {
    "a column of non-negative row weights (not a feature): weighted SGD and weighted "
    "least squares; rows of weight 0 are dropped": (
        "一列非负的样本权重（不作为特征）：加权 SGD 与加权最小二乘；权重为 0 的样本被丢弃"
    ),
    "a finite number >= 0": "大于等于 0 的有限数",
    "none: every row counts once": "无：每个样本计一次",
    "the rows' weights, one per example of the batch (non-negative)": (
        "各样本的权重，小批量中每个样本一个（非负）"
    ),
    "{0} compares unweighted gradients; check weighted ones with `linscratch grad` and "
    "its {1}": "{0} 比较的是不加权的梯度；加权梯度请用 `linscratch grad` 及其 {1} 检查",
    "{0} must be finite and non-negative, got {value!r} in row {row}": (
        "{0} 必须是非负的有限数，第 {row} 行却是 {value!r}"
    ),
    "{0} must be numbers, got {value!r}": "{0} 必须是数，却是 {value!r}",
    "{0} must hold one weight per row ({n}), got {k}": (
        "{0} 必须每个样本一个权重（{n} 个），却有 {k} 个"
    ),
    "{0} steps along each batch's weighted mean gradient; use {1} mean with it": (
        "{0} 沿每个小批量的加权平均梯度更新；请与 {1} mean 一起使用"
    ),
    "{0}: every weight is zero; no row would count": "{0}：所有权重都为零，没有样本会被计入",
    "{0}: {name!r} is the target or a feature": "{0}：{name!r} 是标签列或特征列",
    # Iterate averaging (Polyak–Ruppert)
    "a whole number >= 0 (0: no averaging)": "大于等于 0 的整数（0：不取平均）",
    "{0} must be at most {1} ({epochs}), got {value}: no step would be averaged": (
        "{0} 不能大于 {1}（{epochs}），却是 {value}：没有一步会被平均"
    ),
    "{0} keeps its running mean in memory only; it cannot go with {1} or {2}": (
        "{0} 的滑动平均只保存在内存中，不能与 {1} 或 {2} 一起使用"
    ),
    "report the mean of the iterates w, b after every step from the start of epoch K "
    "on (Polyak–Ruppert; K = 2 when the flag has no value: the first epoch's way in "
    "from the start is left out); 0 reports the last iterate": (
        "报告从第 K 个迭代周期开始每一步之后 w、b 的平均值（迭代平均；不给值时 "
        "K = 2：不计第一个迭代周期从起点走来的路程）；0 报告最后一步的 w、b"
    ),
    "average must be True or False, got {value!r}": "average 必须是 True 或 False，却是 {value!r}",
    "partial_fit cannot average: the mean does not carry between calls": (
        "partial_fit 不能取迭代平均：平均值不会在多次调用之间延续"
    ),
}

# Weights at the edges of float64: their ratio, grad's rescaled weights (data/weights.py)
ZH |= {
    "{0}: the largest weight, {largest:.3g}, is {ratio} times the smallest positive one, "
    "{smallest:.3g}; {dtype} arithmetic holds ratios up to {limit:.3g}: give the rows that "
    "should not count weight 0": (
        "{0}：最大的权重 {largest:.3g} 是最小正权重 {smallest:.3g} 的 {ratio} 倍；{dtype} "
        "运算能容纳的比值最多为 {limit:.3g}：不应计入的样本请给权重 0"
    ),
    "the weights are rescaled by 4^{m} to keep the loss and the gradients within the "
    "arithmetic's range; the step divides by Σsᵢ and does not change": (
        "权重已乘以 4^{m}，使损失和梯度保持在运算的数值范围内；更新步除以 Σsᵢ，因此不变"
    ),
}

# The averaged parameters' line (cli/epochs.py)
ZH |= {
    "the parameters reported are the mean of the iterates after every step from epoch {k} "
    "on (--average); the epoch losses above are theirs": (
        "下面报告的参数是从第 {k} 个迭代周期起每一步迭代值的平均（--average）；"
        "上面各迭代周期的损失也是它们的"
    ),
}

# Learning-rate schedules (schedules.py, --lr-schedule)
ZH |= {
    "a number above 0, at most 1": "大于 0、不超过 1 的数",
    "a number from 0 to 10": "0 到 10 之间的数",
    "one of constant, invscaling, step": "constant、invscaling、step 之一",
    "how the learning rate changes: constant (LR at every step); invscaling (LR / "
    "t^--power-t at step t, counting minibatch steps from the run's start, as "
    "scikit-learn's SGDRegressor); step (LR times --lr-step-factor every "
    "--lr-step-epochs epochs, as PyTorch's StepLR)": (
        "学习率如何变化：constant（每一步都是 LR）；invscaling（第 t 步为 LR / "
        "t^--power-t，t 从训练开始数小批量的步数，同 scikit-learn 的 SGDRegressor）；"
        "step（每 --lr-step-epochs 个迭代周期乘以 --lr-step-factor，同 PyTorch 的 StepLR）"
    ),
    "with --lr-schedule invscaling: the power of the step count t": (
        "与 --lr-schedule invscaling 一起使用：步数 t 的幂"
    ),
    "with --lr-schedule step: the epochs between two cuts of the rate": (
        "与 --lr-schedule step 一起使用：两次降低学习率之间的迭代周期数"
    ),
    "with --lr-schedule step: the factor each cut multiplies the rate by": (
        "与 --lr-schedule step 一起使用：每次降低时学习率所乘的因子"
    ),
    "learning rate: invscaling, {lr:g} / t^{power:g} at step t of the run; the last "
    "step's rate {last:.4g}": (
        "学习率：invscaling，第 t 步为 {lr:g} / t^{power:g}；最后一步的学习率 {last:.4g}"
    ),
    "learning rate: step, {lr:g} times {factor:g} every {k} epoch(s); the last "
    "epoch's rate {last:.4g}": (
        "学习率：step，{lr:g} 每 {k} 个迭代周期乘以 {factor:g}；最后一个迭代周期的学习率 {last:.4g}"
    ),
    "learning_rate must be constant or invscaling, got {value!r}": (
        "learning_rate 必须是 constant 或 invscaling，却是 {value!r}"
    ),
    "power_t must be a number from 0 to 10, got {value!r}": (
        "power_t 必须是 0 到 10 之间的数，却是 {value!r}"
    ),
    "partial_fit takes a constant learning rate: t would restart at each call": (
        "partial_fit 只接受恒定的学习率：每次调用 t 都会从头数起"
    ),
}

# Weight decay (L2, ridge regression)
ZH |= {
    "a number from 0 to 1e30 (0: no weight decay)": "0 到 1e30 之间的数（0：不使用权重衰减）",
    "alpha must be a finite number >= 0, got {value!r}": (
        "alpha 必须是大于等于 0 的有限数，却是 {value!r}"
    ),
    "weight decay: minimise mean ½(ŷ − y)² + (LAMBDA/2)‖w‖² (b not penalised); each step's "
    "gradient gains LAMBDA·w, the loss shown includes the penalty, and the exact answer "
    "beside SGD is ridge regression": (
        "权重衰减：最小化 mean ½(ŷ − y)² + (LAMBDA/2)‖w‖²（b 不受惩罚）；每一步的梯度加上 "
        "LAMBDA·w，显示的损失包含惩罚项，与 SGD 对照的精确解是岭回归"
    ),
    "weight decay: each row's loss gains (LAMBDA/2)‖w‖², the gradient |B|·LAMBDA·w": (
        "权重衰减：每个样本的损失加上 (LAMBDA/2)‖w‖²，梯度加上 |B|·LAMBDA·w"
    ),
    "SGD diverged (the error follows); the exact ridge answer (λ = {l2:g}) on the {rows:,} "
    "training rows does not depend on it:": (
        "SGD 发散了（错误信息见下）；基于 {rows:,} 个训练样本的精确岭回归解（λ = {l2:g}）与它无关："
    ),
    "exact ridge: loss {loss:.6g} (with the penalty (λ/2)‖w‖²), RMSE {rmse:.6g}, R² {r2}": (
        "精确岭回归解：损失 {loss:.6g}（含惩罚项 (λ/2)‖w‖²），RMSE {rmse:.6g}，R² {r2}"
    ),
    "validation ({rows} rows), exact ridge: loss {loss:.6g}, RMSE {rmse:.6g}": (
        "验证集（{rows} 个样本），精确岭回归解：损失 {loss:.6g}，RMSE {rmse:.6g}"
    ),
}

# Huber's loss: the loss setting, its exact minimiser, grad's clipped rows, make-data's outliers
ZH |= {
    "Parameters approaching the Huber minimiser": "参数趋近 Huber 损失的最优解",
    "SGD diverged (the error follows); the exact Huber minimiser (δ = {delta:g}) on the {rows:,} "
    "training rows does not depend on it:": (
        "SGD 发散了（错误信息见下）；{rows:,} 个训练样本上 Huber 损失（δ = {delta:g}）的精确最优解"
        "与它无关："
    ),
    "corrupt the labels of a fraction F of the examples, drawn from --seed: each moves up by "
    "{shift:g} (outliers, for --loss huber)": (
        "按 --seed 随机选取比例为 F 的样本，把它们的标签各加上 {shift:g}"
        "（异常值，供 --loss huber 演示）"
    ),
    "epsilon must be finite, got {value!r}": "epsilon 必须是有限数，得到 {value!r}",
    "exact Huber minimiser": "Huber 损失的精确最优解",
    "exact Huber minimiser: loss {loss:.6g}": "Huber 损失的精确最优解：损失 {loss:.6g}",
    "least squares": "最小二乘",
    "loss must be 'squared_error' or 'huber', got {value!r}": (
        "loss 必须是 'squared_error' 或 'huber'，得到 {value!r}"
    ),
    "one of squared, huber": "squared、huber 之一",
    "standardized: wⱼ·sd(xⱼ)/sd(y), b as (ŷ(x̄) − ȳ)/sd(y); dashed: Huber minimiser": (
        "标准化：wⱼ·sd(xⱼ)/sd(y)，b 取 (ŷ(x̄) − ȳ)/sd(y)；虚线：Huber 损失的最优解"
    ),
    "the loss: squared (the book's) or huber (its residuals clipped at ±δ)": (
        "损失函数：squared（书中的平方损失）或 huber（误差在 ±δ 处截断）"
    ),
    "what SGD minimises: squared, the mean of ½(ŷ − y)² (the book's); huber, ½(ŷ − y)² where "
    "|ŷ − y| ≤ δ and δ(|ŷ − y| − δ/2) beyond, which an outlier pulls on less; the exact "
    "answer beside it is then Huber's minimiser": (
        "SGD 最小化的损失：squared，½(ŷ − y)² 的平均（书中的）；huber，|ŷ − y| ≤ δ 时为 "
        "½(ŷ − y)²，否则为 δ(|ŷ − y| − δ/2)，异常值对它的拉动较小；此时与之对照的精确解是 "
        "Huber 损失的最优解"
    ),
    "with --loss huber: where the loss turns from square to straight": (
        "配合 --loss huber：损失由平方变为线性的位置"
    ),
    "with --loss huber: where the loss turns from square to straight, in y's units": (
        "配合 --loss huber：损失由平方变为线性的位置，单位同 y"
    ),
    "mean Huber loss  (log scale)": "平均 Huber 损失（对数坐标）",
    "vs Huber": "比 Huber 最优解",
    "at epoch {epoch} with the training loss {excess:.1%} above the exact Huber optimum": (
        "于第 {epoch} 个迭代周期，训练损失比 Huber 损失的精确最优值高 {excess:.1%}"
    ),
}

# sweep's processes (cli/sweep_jobs.py)
ZH |= {
    "as many as pay": "合算的数量",
    "runs at a time, each in its own process (forked: the data is shared, not loaded "
    "again); by default the first run is timed, and the others go to up to one "
    "process an idle core only when that saves time": (
        "同时进行的运行数，每个在自己的进程中（由本进程派生：数据共享，不再重新加载）；"
        "默认先计时第一次运行，只有在能节省时间时，其余的运行才分给每个空闲核至多一个进程"
    ),
    "a sweep worker process ended with exit code {code}": (
        "sweep 的一个工作进程以退出码 {code} 结束"
    ),
    "a sweep worker process ended without its results": (
        "sweep 的一个工作进程结束了，却没有送回结果"
    ),
}

# Whether a run computes the exact answer (--exact; statistics.py, cli/reports.py)
ZH |= {
    "compute the exact least-squares answer beside SGD's (one pass over the rows, "
    "before training): always, never (SGD alone, no further pass), or auto: unless it "
    "would cost more than a few seconds and more than the rest of the run": (
        "在 SGD 的结果旁计算精确最小二乘解（训练前遍历一次样本）：always 总是计算，"
        "never 不计算（只用 SGD，不再遍历数据），auto 除非它要花几秒以上且比运行的其余部分更久"
    ),
    "exact least squares: not computed (--exact never)": "精确最小二乘解：未计算（--exact never）",
    "{what}: skipped, about {seconds:.0f} s for {n:,} rows x {d:,} features "
    "(--exact always computes it)": (
        "{what}：已跳过，{n:,} 个样本 x {d:,} 个特征约需 {seconds:.0f} 秒"
        "（--exact always 会计算它）"
    ),
    "validation ({rows} rows): loss {loss:.6g}, RMSE {rmse:.6g}, R² {r2}": (
        "验证集（{rows} 个样本）：损失 {loss:.6g}，RMSE {rmse:.6g}，R² {r2}"
    ),
    "one of auto, always, never": "以下之一：auto, always, never",
    "SGD": "SGD",
}

# Every cost priced before it is paid: the stability limit skipped, fewer rows than
# parameters, counts past what a run can do (statistics.py, rules.py, resources.py)
ZH |= {
    "stability limit 2/λ_max: skipped, about {seconds:.0f} s for {n:,} rows x "
    "{d:,} features; no warning if --lr exceeds it": (
        "稳定性上限 2/λ_max：已跳过，{n:,} 个样本 x {d:,} 个特征约需 {seconds:.0f} 秒；"
        "--lr 超过它时不会警告"
    ),
    "{n:,} rows, fewer than the {p:,} parameters: many answers fit every row "
    "exactly, and SGD finds one of them": (
        "{n:,} 个样本，少于 {p:,} 个参数：有许多解能精确拟合每个样本，SGD 找到的是其中之一"
    ),
    "{0} must be at most {limit:,} ({why}), got {value:,}": (
        "{0} 至多为 {limit:,}（{why}），实际为 {value:,}"
    ),
    "must be at most {limit:,} ({why}), got {value:,}": (
        "至多为 {limit:,}（{why}），实际为 {value:,}"
    ),
    "an epoch takes at least 0.1 ms and keeps 1 KB: a million take minutes and 1 GB": (
        "每个迭代周期至少需 0.1 毫秒并保存约 1 KB 的记录：一百万个需要数分钟和 1 GB"
    ),
    "a window of epochs, at most the epochs a run may have": (
        "若干迭代周期的窗口，至多为一次运行可有的迭代周期数"
    ),
    "a span of epochs, at most the epochs a run may have": (
        "若干迭代周期的间隔，至多为一次运行可有的迭代周期数"
    ),
    "{0}: {epochs:,} epochs x {n:,} rows x {d:,} features is {work:.2g} row-feature visits, "
    "more than the {limit:.0e} a run may make (about a day at 1e9 a second); use fewer epochs": (
        "{0}：{epochs:,} 个迭代周期 x {n:,} 个样本 x {d:,} 个特征共访问 {work:.2g} 次"
        "样本特征，超过一次运行可做的 {limit:.0e} 次（按每秒 1e9 次约一天）；请减少迭代周期"
    ),
    "{0}: {runs:,} runs x {epochs:,} epochs x {n:,} rows x {d:,} features is {work:.2g} "
    "row-feature visits, more than the {limit:.0e} a run may make (about a day at 1e9 "
    "a second); use fewer epochs or pairs": (
        "{0}：{runs:,} 次运行 x {epochs:,} 个迭代周期 x {n:,} 个样本 x {d:,} 个特征共访问 "
        "{work:.2g} 次样本特征，超过一次运行可做的 {limit:.0e} 次（按每秒 1e9 次约一天）；"
        "请减少迭代周期或组合"
    ),
    "{0}, {1}: {pairs:,} pairs x {epochs:,} epochs is more than the {limit:,} epochs a "
    "sweep may keep records of (about 1 KB each); use fewer values": (
        "{0}、{1}：{pairs:,} 个组合 x {epochs:,} 个迭代周期，超过 sweep 可保存记录的 "
        "{limit:,} 个迭代周期（每个约 1 KB）；请减少取值"
    ),
}

# A held-out line without the exact answer, of Huber's loss (no RMSE or R²)
ZH |= {
    "validation ({rows} rows): loss {loss:.6g}": "验证集（{rows} 个样本）：损失 {loss:.6g}",
}

# A file's figure without the exact answer (--exact never or skipped)
ZH |= {
    "Parameters, step by step": "参数，逐步变化",
    "standardized: wⱼ·sd(xⱼ)/sd(y); dashed: SGD's final values (no exact answer)": (
        "标准化：wⱼ·sd(xⱼ)/sd(y)；虚线：SGD 的最终值（未计算精确解）"
    ),
}
ZH |= {
    "exact Huber minimiser: not computed (--exact never)": (
        "Huber 损失的精确最优解：未计算（--exact never）"
    ),
}

# Bounds that keep the arithmetic finite (√(nλ) in ridge's QR; δ in float32)
ZH |= {
    "a positive number, at most 1e30": "大于 0、不超过 1e30 的数",
}

# A Parquet file's scratch copy, written a batch of rows at a time
ZH |= {
    "{path}: cannot write its scratch copy in {folder} ({reason})": (
        "{path}：无法在 {folder} 中写入它的临时副本（{reason}）"
    ),
}
