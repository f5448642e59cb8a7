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
import sys
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from linscratch.errors import UsageError


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
    if "RANK" not in environ:
        return None
    values = {}
    for name, default in (("RANK", None), ("WORLD_SIZE", "1"), ("LOCAL_RANK", "0")):
        text = environ.get(name, default)
        if not text.isdigit():
            raise UsageError(
                "the environment variable {name} must be a whole number >= 0, got {text!r}",
                name=name,
                text=text,
            )
        values[name] = int(text)
    if values["WORLD_SIZE"] <= 1:
        return None
    if values["RANK"] >= values["WORLD_SIZE"]:
        raise UsageError(
            "RANK {rank} is not below WORLD_SIZE {world}",
            rank=values["RANK"],
            world=values["WORLD_SIZE"],
        )
    return Group(values["RANK"], values["WORLD_SIZE"], values["LOCAL_RANK"])


def start(group: Group, device: str = "cpu", init_method: str = "env://", timeout_s=300):
    """Join the process group: gloo on CPU, nccl on CUDA (each rank on its local GPU)."""
    import torch  # start-up: torch only when a run needs it
    import torch.distributed as dist  # start-up: torch only when a run needs it

    backend = "nccl" if device.startswith("cuda") else "gloo"
    try:
        if backend == "nccl":
            torch.cuda.set_device(group.local_rank)
        dist.init_process_group(
            backend,
            init_method=init_method,
            rank=group.rank,
            world_size=group.world_size,
            timeout=timedelta(seconds=timeout_s),
        )
    except (ValueError, RuntimeError) as exc:  # a missing MASTER_ADDR, a peer that never came
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise UsageError(
            "cannot join the process group ({backend}): {reason}", backend=backend, reason=reason
        ) from None


def stop() -> None:
    import torch.distributed as dist  # start-up: torch only when a run needs it

    if dist.is_initialized():
        dist.destroy_process_group()


def current() -> Group | None:
    """The group of an initialised torch.distributed run, or None (without importing torch
    when nothing has)."""

    if "torch" not in sys.modules:
        return None
    import torch.distributed as dist  # start-up: torch only when a run needs it

    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return None
    local = int(os.environ.get("LOCAL_RANK", dist.get_rank()))
    return Group(dist.get_rank(), dist.get_world_size(), local)


def all_sum(buffer) -> None:
    """Sum a tensor over all ranks, in place."""
    import torch.distributed as dist  # start-up: torch only when a run needs it

    dist.all_reduce(buffer, op=dist.ReduceOp.SUM)


def all_gather(array) -> list:
    """Every rank's float64 array of the same shape, in rank order (a list of numpy arrays)."""
    import torch  # start-up: torch only when a run needs it
    import torch.distributed as dist  # start-up: torch only when a run needs it

    mine = torch.from_numpy(np.ascontiguousarray(array, np.float64))
    parts = [torch.empty_like(mine) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, mine)
    return [part.numpy() for part in parts]
