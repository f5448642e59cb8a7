"""Training: the run's specification and the rule of every setting (`spec`, `rules`), its
checks at the Python API's boundary (`arguments`), the planner (`plan`), the one loop (`loop`:
`fit`), the engines (`engines`) and their compiled kernels (`kernels`), row orders
(`orders`), learning-rate schedules, averaging and early stopping, checkpoints, the event
stream (`events`), data parallelism (`distributed`), a run from a data set to its outcome
(`runs`), the result (`results`), and any differentiable model (`models`).
"""
