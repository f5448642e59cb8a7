"""Data parallelism on torch.distributed: detection from torchrun's environment, set-up, and
the one collective SGD needs.

Every rank holds the same parameters and walks the same order of rows (it comes from the same
seed). For each global batch, rank r takes the rows batch[r::world_size], sums its share of
the gradient of the summed loss, and one `all_reduce` adds up the flat buffer
[Σ dL/dw (d), Σ dL/db, rows, Σ ½e²]; every rank then takes the same step, divided by the global
row count. The result is one process's run with the same global batch size and order, up to
the order of the additions. No DDP: a linear model has no backward pass to overlap with
communication, and no nn.Module to wrap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Group:
    """This process's place in a run: rank, world size, local rank on its machine."""

    rank: int
    world_size: int
    local_rank: int

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def from_env(environ=os.environ) -> Group | None:
    """The group torchrun describes in the environment (RANK, WORLD_SIZE, LOCAL_RANK), or None
    when this is a single process."""
    if "RANK" not in environ or int(environ.get("WORLD_SIZE", "1")) <= 1:
        return None
    return Group(
        rank=int(environ["RANK"]),
        world_size=int(environ["WORLD_SIZE"]),
        local_rank=int(environ.get("LOCAL_RANK", "0")),
    )


def start(group: Group, device: str = "cpu", init_method: str = "env://", timeout_s=300):
    """Join the process group: gloo on CPU, nccl on CUDA (each rank on its local GPU)."""
    import torch
    import torch.distributed as dist

    backend = "nccl" if device.startswith("cuda") else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(group.local_rank)
    dist.init_process_group(
        backend,
        init_method=init_method,
        rank=group.rank,
        world_size=group.world_size,
        timeout=timedelta(seconds=timeout_s),
    )


def stop() -> None:
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()


def current() -> Group | None:
    """The group of an initialised torch.distributed run, or None (without importing torch
    when nothing has)."""
    import sys

    if "torch" not in sys.modules:
        return None
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return None
    local = int(os.environ.get("LOCAL_RANK", dist.get_rank()))
    return Group(dist.get_rank(), dist.get_world_size(), local)


def all_sum(buffer) -> None:
    """Sum a tensor over all ranks, in place."""
    import torch.distributed as dist

    dist.all_reduce(buffer, op=dist.ReduceOp.SUM)
