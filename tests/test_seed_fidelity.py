"""The first acceptance test: `linscratch train --engine autograd --seed S` equals, bit for bit,
the book's script run after `torch.manual_seed(S); random.seed(S)`."""

import random

import pytest
import torch


def book_script(seed, num_examples=1000, batch_size=10, lr=0.03, num_epochs=3, fix_short=False):
    """Dive into Deep Learning 3.2, transcribed line by line from the seed document.

    The only additions: the seeding, returning what it prints, and `fix_short`, which divides
    each batch by its own size instead of the nominal batch size.
    """
    torch.manual_seed(seed)
    random.seed(seed)

    def synthetic_data(w, b, num_examples):
        X = torch.normal(0, 1, (num_examples, len(w)))
        y = torch.matmul(X, w) + b
        y += torch.normal(0, 0.01, y.shape)
        return X, y.reshape(-1, 1)

    def data_iter(batch_size, features, labels):
        num_examples = len(features)
        indices = list(range(num_examples))
        random.shuffle(indices)
        for i in range(0, num_examples, batch_size):
            batch_indices = torch.tensor(indices[i : min(i + batch_size, num_examples)])
            yield features[batch_indices], labels[batch_indices]

    true_w = torch.tensor([2, -3.4])
    true_b = 4.2
    features, labels = synthetic_data(true_w, true_b, num_examples)
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    def linreg(X, w, b):
        return torch.matmul(X, w) + b

    def squared_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    def sgd(params, lr, batch_size):
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    net, loss = linreg, squared_loss
    losses = []
    for _epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            l = loss(net(X, w, b), y)  # noqa: E741 (the book's name)
            l.sum().backward()
            sgd([w, b], lr, len(X) if fix_short else batch_size)
        with torch.no_grad():
            train_l = loss(net(features, w, b), labels)
            losses.append(float(train_l.mean()))
    w, b = w.detach(), b.detach()
    w_error = (true_w - w.reshape(true_w.shape)).tolist()
    b_error = float((true_b - b)[0])
    return losses, w.reshape(-1).tolist(), float(b[0]), w_error, b_error


@pytest.mark.parametrize("seed", [0, 1, 42, 2024, 123456789])
def test_train_equals_book_script_bit_for_bit(cli, seed):
    run = cli("train", "--engine", "autograd", "--seed", str(seed), "--json")
    assert run.code == 0, run.err
    report = run.json
    losses, w, b, w_error, b_error = book_script(seed)
    assert [e["loss"] for e in report["epochs"]] == losses
    assert report["w"] == w
    assert report["b"] == b
    assert report["w_error"] == w_error
    assert report["b_error"] == b_error
    assert report["seed"] == seed


def test_default_run_is_the_book_experiment(cli):
    """No engine or dtype flag: still the book's script, bit for bit."""
    report = cli("train", "--seed", "7", "--json").json
    losses, w, b, _, _ = book_script(7)
    assert [e["loss"] for e in report["epochs"]] == losses
    assert (report["w"], report["b"]) == (w, b)


@pytest.mark.parametrize("batch_size", [16, 48])
def test_batch_size_that_divides_changes_nothing(cli, batch_size):
    """1008 rows in batches of 16 or 48: the fix is invisible, the book's numbers stand."""
    args = ("--num-examples", "1008", "--batch-size", str(batch_size), "--epochs", "2")
    report = cli("train", "--seed", "5", "--json", *args).json
    losses, w, b, _, _ = book_script(5, num_examples=1008, batch_size=batch_size, num_epochs=2)
    assert [e["loss"] for e in report["epochs"]] == losses
    assert (report["w"], report["b"]) == (w, b)


@pytest.mark.parametrize(("num_examples", "batch_size"), [(1005, 10), (1000, 64), (37, 10)])
def test_short_last_batch_takes_its_mean_gradient(cli, num_examples, batch_size):
    """When the batch size does not divide the data, each batch is divided by its own size:
    linscratch equals the book's script with that one fix, and differs from the unfixed one."""
    args = ("--num-examples", str(num_examples), "--batch-size", str(batch_size))
    report = cli("train", "--seed", "11", "--json", *args).json
    fixed = book_script(11, num_examples=num_examples, batch_size=batch_size, fix_short=True)
    book = book_script(11, num_examples=num_examples, batch_size=batch_size)
    assert [e["loss"] for e in report["epochs"]] == fixed[0]
    assert (report["w"], report["b"]) == (fixed[1], fixed[2])
    assert report["w"] != book[1]


def test_without_seed_a_seed_is_drawn_recorded_and_repeatable(cli):
    first = cli("train", "--json").json
    assert first["seed_drawn"] is True
    again = cli("train", "--json", "--seed", str(first["seed"])).json
    assert again["epochs"] == first["epochs"]
    assert (again["w"], again["b"]) == (first["w"], first["b"])


def test_human_output_prints_the_seed_when_drawn(cli):
    run = cli("train")
    assert run.code == 0
    assert "repeat with --seed" in run.out
