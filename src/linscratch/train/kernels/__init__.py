"""The compiled kernels of the numba engine: the fused SGD epoch (`epochs`), the loss inside
it (`losses`), the shuffles (`shuffles`), prefetching (`prefetch`), and the loss over all rows
after each epoch (`epoch_loss`).
"""
