"""linscratch: linear regression by minibatch SGD from scratch, as Dive into Deep Learning 3.2
writes it, with every gradient derived, verified and explained.

The public names are imported on first use, so that `linscratch --help` does not wait for torch.
"""

from importlib import import_module

__version__ = "0.1.0"

_HOMES = {
    "Callback": "events",
    "DivergedError": "errors",
    "ModelResult": "train.models",
    "Result": "train.results",
    "RunSpec": "spec",
    "Subscriber": "events",
    "TensorBoard": "show.tensorboard",
    "UsageError": "errors",
    "UsageTypeError": "errors",
    "check_gradients": "derivation.gradcheck",
    "data_iter": "book.data",
    "explain": "derivation.walkthrough",
    "fit": "train.loop",
    "fit_model": "train.models",
    "gradients": "book.model",
    "init_params": "book.model",
    "language": "i18n",
    "linreg": "book.model",
    "set_language": "i18n",
    "sgd": "book.optim",
    "squared_loss": "book.model",
    "synthetic_data": "book.data",
}

__all__ = ["__version__", *_HOMES]


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
