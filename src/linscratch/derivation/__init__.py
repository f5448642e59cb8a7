"""The gradients derived and checked: analytic, autograd and finite differences compared
(`gradcheck`, `fdiff`), and the seed document's derivation walked through with a batch's
numbers (`walkthrough`).
"""
