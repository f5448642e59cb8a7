"""The exact answer beside SGD's: the training rows reduced in one pass to the R factor of
[X 1 y] (`reduction`); least squares (`solve`), ridge (`ridge`) and Huber's minimiser
(`huber`) from it; the statistics read from it (`statistics`);
the verdict whether SGD converged (`verdicts`); and what a diverged run still knows
(`diverged`).
"""
