"""Training: the planner (`plan`), the one loop (`loop`: `fit`), the engines (`engines`) and
their compiled kernels (`kernels`), row orders (`orders`), learning-rate schedules, averaging
and early stopping, checkpoints, where a run's data come from (`sources`), a run from a data
set to its outcome (`runs`), the result (`results`), and any differentiable model (`models`).
The settings they read are the spec's (`linscratch.spec`, `linscratch.rules`).
"""
