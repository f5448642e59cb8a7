"""The chapter's own functions, as Dive into Deep Learning 3.2 writes them: `synthetic_data`
and `data_iter` (`data`), `linreg` and `squared_loss` with the hand-derived gradients
(`model`), and `sgd` (`optim`). Everything else in linscratch is built around these.
"""
