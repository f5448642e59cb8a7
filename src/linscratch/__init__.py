"""linscratch: linear regression by minibatch SGD from scratch, as Dive into Deep Learning 3.2
writes it, with every gradient derived, verified and explained."""

from .data import data_iter, synthetic_data
from .errors import DivergedError, UsageError
from .gradcheck import check_gradients
from .model import gradients, init_params, linreg, squared_loss
from .optim import sgd
from .train import Result, fit

__version__ = "0.1.0"

__all__ = [
    "DivergedError",
    "Result",
    "UsageError",
    "__version__",
    "check_gradients",
    "data_iter",
    "fit",
    "gradients",
    "init_params",
    "linreg",
    "sgd",
    "squared_loss",
    "synthetic_data",
]
