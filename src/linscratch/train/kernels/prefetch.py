"""Prefetching for the kernels: `llvm.prefetch` as numba intrinsics, and how far ahead to ask.

A gather from a shuffled order waits on memory at every row; asking the CPU for a row some
places ahead (`lookahead_rows`) lets the loads overlap the arithmetic (`kernels.epochs`).
"""

from __future__ import annotations

import llvmlite.binding
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

# LLVM names the prefetch intrinsic by its pointer type: opaque pointers from LLVM 15 on.
_PREFETCH = (
    "llvm.prefetch.p0" if llvmlite.binding.llvm_version_info >= (15,) else "llvm.prefetch.p0i8"
)


def _prefetch_codegen(context, builder, signature, args):
    """llvm.prefetch of the element at the given indices (any strides)."""
    aryty = signature.args[0]
    ary = context.make_array(aryty)(context, builder, args[0])
    indices = [
        context.cast(builder, value, ty, types.intp)
        for value, ty in zip(args[1:], signature.args[1:], strict=True)
    ]
    ptr = cgutils.get_item_pointer(context, builder, aryty, ary, indices)
    i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
    fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
    fn = cgutils.get_or_insert_function(builder.module, fnty, _PREFETCH)
    builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])  # read, keep
    return context.get_dummy_value()


@intrinsic
def prefetch1(typingctx, arr, index):
    """Ask the CPU to start loading arr[index] into the caches (llvm.prefetch), without
    waiting for it: how a gather from a shuffled order keeps up with streaming reads."""
    return types.void(arr, index), _prefetch_codegen


@intrinsic
def prefetch2(typingctx, arr, i, j):
    """`prefetch1` of arr[i, j] of a 2-D array, whatever its strides (a memory-mapped file's
    feature columns are a strided view)."""
    return types.void(arr, i, j), _prefetch_codegen


def lookahead_rows(row_bytes: int) -> int:
    """How many rows ahead to prefetch: about 8 KiB of data, between 16 and 64 rows."""
    return min(max(8192 // max(row_bytes, 1), 16), 64)
