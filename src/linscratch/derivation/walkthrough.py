"""The seed document's derivation of the gradients, walked through with a batch's numbers
(`linscratch grad`'s text), in English or Chinese, from a `gradcheck.GradCheck`."""

from __future__ import annotations

import torch

from linscratch.arguments import kind_of, positive
from linscratch.derivation.gradcheck import GradCheck
from linscratch.errors import UsageError, UsageTypeError
from linscratch.i18n import LANGS, counted, language, rjust, speaking, tr, width

WALK = "walk-through"  # the context of the words this walk-through says otherwise (msgctxt)


def _labels(weighted: bool) -> dict:
    """The walk-through's lines in the language in use; with row weights sᵢ, the weighted
    lines in place of the plain ones."""
    t = {
        "title": tr("Gradients of L = Σᵢ ½(ŷᵢ − yᵢ)² on a batch of {rows}, {features} ({dtype})"),
        "at": tr("at w = {w}, b = {b}"),
        "step1": tr("Step 1. Predictions ŷ = Xw + b and residuals e = ŷ − y"),
        "row1": tr("  row 1: ŷ₁ = {terms} = {y_hat}, e₁ = {y_hat} − ({y}) = {e}"),
        "step2": tr("Step 2. The loss L = ½ Σᵢ eᵢ² = {loss}"),
        "step3": tr("Step 3. dL/dw = Xᵀe: each weight sums its feature times the residual"),
        "step4": tr("Step 4. dL/db = Σᵢ eᵢ: the bias sums the residuals"),
        "step5": tr(
            "Step 5. The same gradients three ways (differences relative to each component's scale)"
        ),
        "method": {
            "analytic": tr("analytic", context=WALK),
            "autograd": tr("autograd"),
            "finite_difference": tr("finite diff."),
        },
        "pass": tr("ok", context=WALK),
        "fail": tr("FAILED", context=WALK),
        "overflow": tr("not compared: the values overflow float64"),
        "compared": tr(
            "{a} vs {c}: max abs diff {abs:.3g}, max rel diff {rel:.3g} ≤ {tol:.0e}: {verdict}"
        ),
        "step6": tr("Step 6. The SGD step that follows (lr = {lr}, |B| = {n}, lr/|B| = {ratio})"),
        # with weight decay λ: the lines added
        "decay": tr(
            "with weight decay λ = {l2}: each row's loss gains the book's penalty (λ/2)‖w‖² = "
            "{pen} (D2L 3.7), so L gains {B}·(λ/2)‖w‖² and dL/dw gains {B}·λw"
        ),
        "step2_l2": tr(
            "Step 2. The loss L = {data_sum} + {B}·(λ/2)‖w‖² = {data} + {total}·{pen} = {loss}"
        ),
        "step3_l2": tr("Step 3. dL/dw = {xe} + {B}·λw: the residuals' part, plus the penalty's"),
    }
    if weighted:  # with row weights sᵢ: the lines that change
        t["title"] = tr(
            "Gradients of L = Σᵢ sᵢ·½(ŷᵢ − yᵢ)², row i weighted by sᵢ, on a batch of {rows}, "
            "{features} ({dtype})"
        )
        t["step2"] = tr("Step 2. The loss L = ½ Σᵢ sᵢeᵢ² = {loss}")
        t["step3"] = tr(
            "Step 3. dL/dw = Xᵀ(s∘e): each weight sums its feature times the weighted residual sᵢeᵢ"
        )
        t["step4"] = tr("Step 4. dL/db = Σᵢ sᵢeᵢ: the bias sums the weighted residuals")
        t["step6"] = tr(
            "Step 6. The SGD step that follows, along the weighted mean gradient (lr = {lr}, "
            "Σsᵢ = {n}, lr/Σsᵢ = {ratio})"
        )
    return t


def _g(x: float) -> str:
    return f"{x:.6g}"


def _vec(values) -> str:
    return "[" + ", ".join(_g(float(v)) for v in values) + "]"


def _sum_terms(pairs: list[tuple[float, float]] | list[float], keep: int = 3) -> str:
    """'a + b + c + … + z' for a sum's terms, shortened to the first `keep` and the last."""
    text = [f"({_g(p[0])})({_g(p[1])})" if isinstance(p, tuple) else f"({_g(p)})" for p in pairs]
    if len(text) > keep + 2:
        text = [*text[:keep], "…", text[-1]]
    return " + ".join(text)


def explain(check: GradCheck, lr: float = 0.03, lang: str | None = None) -> str:
    """The derivation of the seed document, walked through with this batch's numbers, in
    `lang` ("en" or "zh"; default: the language of `set_language`); with the rows' weights
    sᵢ, the weighted loss, its gradients and the step along the weighted mean gradient.
    `check` comes from `check_gradients`; a wrong argument is a `UsageError` naming it.

    Parameters
    ----------
    check : GradCheck
        What `check_gradients(X, y, w, b)` returned for the batch.
    lr : float
        The learning rate of the SGD step shown at the end.
    lang : {"en", "zh"}, optional
        The language of the text (default: that of `set_language`).

    Returns
    -------
    str
        The walk-through: predictions and residuals, the loss, dL/dw and dL/db term by term,
        the three ways compared, and the step.
    """

    if not isinstance(check, GradCheck):
        raise UsageTypeError(
            "{0} must be the result of linscratch.check_gradients(X, y, w, b), got {kind}",
            "check",
            kind=kind_of(check),
        )
    positive(lr, "lr")
    if lang is not None and lang not in LANGS:
        raise UsageError(
            "{0} must be one of {choices}, got {value!r}",
            "lang",
            choices=", ".join(LANGS),
            value=lang,
        )
    with speaking(lang or language()):
        return _walk(check, lr)


def _walk(check: GradCheck, lr: float) -> str:
    weighted = check.weights is not None
    t = _labels(weighted)
    n, d = check.X.shape
    X = check.X.to(torch.float64).numpy()
    y = check.y.reshape(-1).to(torch.float64).numpy()
    y_hat = check.y_hat.reshape(-1).to(torch.float64).numpy()
    e = check.residual.reshape(-1).to(torch.float64).numpy()
    w = check.w.reshape(-1).to(torch.float64).numpy()
    b = float(check.b[0])
    s = None if not weighted else check.weights.reshape(-1).to(torch.float64).numpy()
    dtype = str(check.X.dtype).removeprefix("torch.")
    delta = check.delta
    psi = e if delta is None else _psi(t, weighted, e, check)
    rows = counted(n, "{n:,} row", "{n:,} rows")
    features = counted(d, "{n:,} feature", "{n:,} features")
    title = t["title"].format(n=n, d=d, dtype=dtype, rows=rows, features=features)
    lines = [title, t["at"].format(w=_vec(w), b=_g(b))]
    if check.l2:  # weight decay: what it adds to the loss and the gradient
        pen = 0.5 * check.l2 * float(w @ w)  # (λ/2)‖w‖²
        lines.append(t["decay"].format(l2=_g(check.l2), pen=_g(pen), B=_count(weighted)))
    lines.append("")

    # Step 1: a table of the rows (at most 12 shown, at most 4 features).
    lines.append(t["step1"])
    shown_cols = min(d, 4)
    head = ["i", *(f"x_i{j + 1}" for j in range(shown_cols))]
    head += ["…"] if d > shown_cols else []
    head += ["y_i", "ŷ_i", "e_i", *(["ψ_i"] if delta else []), *(["s_i"] if weighted else [])]
    rows = list(range(n)) if n <= 12 else [*range(9), None, *range(n - 2, n)]
    table = []
    for i in rows:
        if i is None:
            table.append(None)
            continue
        cells = [str(i + 1), *(_g(X[i, j]) for j in range(shown_cols))]
        cells += ["…"] if d > shown_cols else []
        cells += [_g(y[i]), _g(y_hat[i]), _g(e[i]), *([_g(psi[i])] if delta else [])]
        cells += [_g(s[i])] if weighted else []
        table.append(cells)
    widths = column_widths([head, *(c for c in table if c is not None)], 12)
    lines.append("  " + aligned(head, widths))
    for cells in table:
        lines.append("  " + (rjust("…", widths[0]) if cells is None else aligned(cells, widths)))
    terms = " + ".join(f"({_g(X[0, j])})({_g(w[j])})" for j in range(min(d, 4)))
    terms += " + …" if d > 4 else ""
    terms += f" + ({_g(b)})"
    lines.append(t["row1"].format(terms=terms, y_hat=_g(y_hat[0]), y=_g(y[0]), e=_g(e[0])))
    lines += [_clipped_line(t, e, psi, delta)] if delta else []
    lines += ["", _step2(t, check, w), ""]

    # Steps 3 and 4: each component written out as its sum (of sᵢeᵢ in place of eᵢ, weighted;
    # of Huber's clipped ψᵢ in place of eᵢ).
    g = check.grads["analytic"]
    r, name = (e, "e") if delta is None else (psi, "ψ")  # what the gradient sums
    se = s * r if weighted else r
    lines += _step3(t, check, X, se, w, name)
    lines += ["", t["step4"], f"  dL/db = {_sum_terms(list(se))} = {_g(g[d])}", ""]

    lines += [*_step5(t, check, d), ""]

    # Step 6: the update.
    new_w, new_b = check.update(lr)
    total = check.total
    ratio = lr / total
    shown = _g(total) if weighted else total
    lines += [t["step6"].format(lr=_g(lr), n=shown, ratio=_g(ratio))]
    by = "lr/Σsᵢ" if weighted else "lr/|B|"
    lines.append(f"  w ← w − {by}·dL/dw = {_vec(w)} − {_g(ratio)}·{_vec(g[:d])} = {_vec(new_w)}")
    lines.append(f"  b ← b − {by}·dL/db = {_g(b)} − {_g(ratio)}·({_g(g[d])}) = {_g(new_b)}")
    return "\n".join(lines)


def _count(weighted: bool) -> str:
    """What a step divides by, as the formulas write it: Σsᵢ weighted, else |B|."""
    return "Σsᵢ" if weighted else "|B|"


def _step2(t: dict, check: GradCheck, w) -> str:
    """Step 2's line: the loss, and with weight decay its two parts with their numbers."""
    if not check.l2:
        return t["step2"].format(loss=_g(check.loss))
    weighted = check.weights is not None
    pen = 0.5 * check.l2 * float(w @ w)  # (λ/2)‖w‖², on each row
    term = ("ρ(eᵢ)", "Σᵢ ") if check.delta else ("eᵢ²", "½ Σᵢ ")
    return t["step2_l2"].format(
        data_sum=term[1] + ("sᵢ" if weighted else "") + term[0],
        B=_count(weighted),
        data=_g(check.loss - check.total * pen),
        total=_g(check.total),
        pen=_g(pen),
        loss=_g(check.loss),
    )


def _step3(t: dict, check: GradCheck, X, se, w, name: str = "e") -> list[str]:
    """Step 3's lines: each dL/dwⱼ written out as its sum over the rows (of sᵢeᵢ, weighted;
    `name` ψ for Huber's clipped residual), plus with weight decay |B|·λ·wⱼ with its numbers."""
    n, d = X.shape
    weighted, g, l2 = check.weights is not None, check.grads["analytic"], check.l2
    term = f"(sᵢ{name}ᵢ)" if weighted else f"{name}ᵢ"
    lines = [t["step3"]]
    if l2:
        xe = f"Xᵀ(s∘{name})" if weighted else f"Xᵀ{name}"
        lines = [t["step3_l2"].format(xe=xe, B=_count(weighted))]
    for j in range(d):
        expanded = _sum_terms([(se[i], X[i, j]) for i in range(n)])
        formula = f"Σᵢ {term}·xᵢ{j + 1}"
        if l2:  # + |B|·λ·wⱼ
            formula += f" + {_count(weighted)}·λ·w_{j + 1}"
            expanded += f" + ({_g(check.total)})({_g(l2)})({_g(w[j])})"
        lines.append(f"  dL/dw_{j + 1} = {formula} = {expanded} = {_g(g[j])}")
    return lines


def column_widths(rows: list[list[str]], least: int) -> list[int]:
    """Each column's width in terminal columns: at least `least`, and one more than its widest
    cell, so that a column never runs into the one before it (a long negative number)."""
    return [max(least, 1 + max(width(c) for c in column)) for column in zip(*rows, strict=True)]


def aligned(cells: list[str], widths: list[int]) -> str:
    """The cells right-justified in their columns (Chinese characters take two)."""
    return "".join(rjust(c, w) for c, w in zip(cells, widths, strict=True))


def _step5(t: dict, check: GradCheck, d: int) -> list[str]:
    """Step 5: the three methods side by side, then each pair's differences."""
    lines = [t["step5"]]
    names = ("analytic", "autograd", "finite_difference")
    head = ["", *(t["method"][m] for m in names)]
    rows = [
        [f"dL/dw_{j + 1}" if j < d else "dL/db", *(f"{check.grads[m][j]:.15g}" for m in names)]
        for j in range(d + 1)
    ]
    widths = column_widths([head, *rows], 22)
    widths[0] = max(9, *(width(r[0]) for r in rows))  # the labels' column: no gap before it
    for cells in [head, *rows]:
        lines.append("  " + aligned(cells, widths))
    for (a, c), comp in check.comparisons.items():
        verdict = t["pass"] if comp.passed else t["overflow" if comp.overflow else "fail"]
        line = t["compared"].format(
            a=t["method"][a],
            c=t["method"][c],
            abs=comp.max_abs_diff,
            rel=comp.max_rel_diff,
            tol=comp.tolerance,
            verdict=verdict,
        )
        lines.append(f"  {line}")
    return lines


def _psi(t: dict, weighted: bool, e, check: GradCheck):
    """The loss's lines in `t` in place of the squared loss's (`Loss.walk`); returns ψ(e), what
    takes e's place in the gradient (`Loss.psi`: Huber's clip(e, −δ, δ))."""
    delta = check.delta
    t.update(check.objective.walk())
    for key in ("title", "step2", "step3", "step4"):
        t[key] = t[key].replace("{s}", "s·" if weighted else "").replace("{delta}", _g(delta))
    return check.objective.psi(torch.as_tensor(e), delta).numpy()


def _clipped_line(t: dict, e, psi, delta: float) -> str:
    """The rows beyond the loss's parameter (|eᵢ| > δ), with their residuals and ψ: Huber's
    clipped rows, "row 3 (e = 7.2 → ψ = 1)"."""
    out = [i for i in range(len(e)) if abs(e[i]) > delta]
    if not out:
        return t["none"].format(delta=_g(delta))
    shown = [f"{i + 1} (e = {_g(e[i])} → ψ = {_g(psi[i])})" for i in out]
    rows = ", ".join(shown[:8]) + (", …" if len(shown) > 8 else "")
    return t["clip"].format(k=len(out), n=len(e), delta=_g(delta), rows=rows)
