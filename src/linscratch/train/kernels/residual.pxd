# cython: language_level=3
"""The residual eᵢ = xᵢ·w + b − yᵢ of one row, in the data's dtype, in one fixed order that
every kernel shares (`epochs`, `epoch_loss`) and that does not depend on the CPU:

    e = b − yᵢ; the features in whole blocks of LANES summed lane by lane, s[l] += x[j]·w[j]
    for j ≡ l (mod LANES), the lanes added pairwise ((s0 + s1) + (s2 + s3)) + ((s4 + s5) +
    (s6 + s7)) and added to e; then each remaining feature added to e in turn.

Below LANES features that is e = ((b − y) + x₀w₀) + x₁w₁ + …, the order written. The lanes are
independent sums, so that a compiler vectorises them without reassociating anything (no
fast-math, no contraction into FMA: `meson.build`), and a wide row does not wait on one chain
of additions. The reference kernels of the tests write the same order in numba.
"""

from cython cimport floating

cdef enum:
    LANES = 8


cdef inline floating residual(const floating* x, const floating* w, Py_ssize_t d,
                              floating b, floating y) noexcept nogil:
    """xᵢ·w + b − yᵢ for the row x (d,) in the order above."""
    cdef floating e = b - y
    cdef floating s[LANES]
    cdef Py_ssize_t j, l, whole = d - d % LANES
    if whole:
        for l in range(LANES):
            s[l] = 0
        for j in range(0, whole, 8):  # 8: LANES (a literal step, which Cython needs)
            for l in range(LANES):
                s[l] = s[l] + x[j + l] * w[j + l]
        e = e + (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])))
    for j in range(whole, d):
        e = e + x[j] * w[j]
    return e


cdef extern from *:
    """
    #define LINSCRATCH_PREFETCH(p) __builtin_prefetch((const void *)(p), 0, 3)
    """
    void prefetch "LINSCRATCH_PREFETCH"(const void* p) noexcept nogil
