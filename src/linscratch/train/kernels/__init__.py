"""The compiled engine's kernels, Cython compiled with the package (`meson.build`): the fused
SGD epoch (`epochs.pyx`), the residual's order every kernel shares (`residual.pxd`), the
shuffles (`shuffles.pyx`), and the loss over all rows after each epoch (`epoch_loss.pyx`). Each
loss's pieces inside them are `losses/kernels.pxd`.
"""
