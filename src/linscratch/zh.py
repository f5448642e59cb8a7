"""The Chinese catalog: each English text that `i18n.tr` translates, and its Chinese, in
d2l-zh's terms (小批量 minibatch, 学习率 learning rate, 迭代周期 epoch, 损失 loss, 样本 example,
特征 feature, 标签 label, 权重 weight, 偏置 bias). Placeholders ({0}, {value!r}) stay as
they are. `tests/test_i18n.py` checks that every text passed to `tr` has an entry here."""

ZH = {
    # --- messages: every error, warning and notice, by module ---------------------------
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
    "true, false, 'en' or 'zh'": "true、false、'en' 或 'zh'",
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
    # cli.py and commands/argparse_text.py: the command line's own words
    "{prog}: error: ": "{prog}: 错误：",
    "linscratch {command}: error: ": "linscratch {command}: 错误：",
    "linscratch train: warning: {message}": "linscratch train: 警告：{message}",
    "{command} runs in one process; run it without torchrun": (
        "{command} 只在单个进程中运行；请不用 torchrun 运行它"
    ),
    "interrupted": "已中断",
    "terminated": "已终止",
    "argument {name}: {message}": "参数 {name}：{message}",
    "command": "命令",
    "invalid choice: {value} (choose from {choices})": "无效的选项：{value}（可选：{choices}）",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "至多需要一个值",
    "ignored explicit argument {value}": "忽略了显式给出的值 {value}",
    "invalid {type} value: {value}": "无效的 {type} 值：{value}",
    "not allowed with argument {other}": "不能与参数 {other} 同时使用",
    "one of the arguments {names} is required": "必须给出参数 {names} 之一",
    "the following arguments are required: {names}": "缺少以下必需参数：{names}",
    "unrecognized arguments: {args}": "无法识别的参数：{args}",
    "ambiguous option: {option} could match {matches}": "有歧义的选项：{option} 可匹配 {matches}",
    "unexpected option string: {option}": "意外的选项：{option}",
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
    "{path}: unknown extension {shown!r}; expected .csv, .parquet or .npy": (
        "{path}：未知的扩展名 {shown!r}；应为 .csv、.parquet 或 .npy"
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
    "tol must be a non-negative number, got {value!r}": "tol 必须是非负数，实际为 {value!r}",
    "engine must be one of auto, {engines}": "engine 必须是以下之一：auto, {engines}",
    "SGDLinearRegression stopped at max_iter={epochs} epochs before the loss settled "
    "(tol={tol}); consider a larger max_iter": (
        "SGDLinearRegression 在 max_iter={epochs} 个迭代周期时停止，损失尚未稳定"
        "（tol={tol}）；可考虑更大的 max_iter"
    ),
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
    "plot written to {path}": "图已写入 {path}",
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
