# cython: language_level=3
"""The generator and the in-place shuffle the kernels share (`shuffles.pyx` has the orders)."""

from libc.stdint cimport int32_t, int64_t, uint64_t

ctypedef fused index_t:
    int32_t
    int64_t


cdef inline uint64_t splitmix64(uint64_t* state) noexcept nogil:
    """Advance the one-word state and return 64 random bits (Steele et al. 2014)."""
    state[0] += 0x9E3779B97F4A7C15ULL
    cdef uint64_t z = state[0]
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
    return z ^ (z >> 31)


cdef inline int64_t below(uint64_t* state, int64_t bound) noexcept nogil:
    """A random integer in [0, bound): 53 random bits scaled (bias below bound / 2**53)."""
    return <int64_t>(<double>(splitmix64(state) >> 11) * (1.0 / 9007199254740992.0) * <double>bound)


cdef inline void shuffle_range(index_t* out, int64_t start, int64_t stop,
                               uint64_t* state) noexcept nogil:
    """Fisher–Yates shuffle of out[start:stop] in place."""
    cdef int64_t i, j
    cdef index_t t
    for i in range(stop - 1, start, -1):
        j = start + below(state, i - start + 1)
        t = out[i]
        out[i] = out[j]
        out[j] = t
