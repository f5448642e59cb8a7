"""What a run shows: figures of a run, of a sweep and of a `Result` (`plots`, `sweep_plot`,
`result_plot`, `scaled_params`), the live plot in a notebook and its SVG renderer (`live`,
`svg`), the terminal's progress (`progress`), TensorBoard's files (`tensorboard`), and
Chinese fonts in figures (`fonts`).
"""
