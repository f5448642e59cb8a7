"""Where a `train` run's time goes, for `--json`'s `timings`: seconds in each of its phases.

A subscriber that hears the run's events: each event that begins a phase ends the one
before it. From the command's start (its flags parsed) to the first event is "reading"
(reading the file or drawing the data, checking it, preparing the rows); then `Phase`
"stability" (the stability limit), "compiling" (building the engine, compiling or loading
its kernels), `RunStart` "training" (every epoch with its loss), `Phase` "exact" (the exact
least-squares answer and the passes that compare SGD with it), until `stop`. What follows
(building and printing the report, writing files, the process's exit) is not in it.
`started` is the Unix time at which the command began: a caller that times the whole
process from outside tells start-up (the interpreter and its imports) from the run with it.
"""

from __future__ import annotations

import time

from linscratch.events import Phase, RunStart, Subscriber

PHASES = ("reading", "stability", "compiling", "training", "exact")


class PhaseClock(Subscriber):
    """Seconds per phase, from its creation (the command's start) to `stop()`."""

    def __init__(self):
        self.started = time.time()
        self.last = time.perf_counter()
        self.current: str | None = "reading"
        self.seconds = dict.fromkeys(PHASES, 0.0)

    def _switch(self, name: str | None) -> None:
        now = time.perf_counter()
        if self.current is not None:
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.last
        self.current, self.last = name, now

    def phase(self, event: Phase) -> None:
        self._switch(event.name)

    def run_start(self, event: RunStart) -> None:
        self._switch("training")

    def stop(self) -> None:
        """The run is over: the phase under way ends now."""
        self._switch(None)

    def to_dict(self) -> dict:
        """{"started": Unix time, "reading", "stability", "compiling", "training", "exact"
        (and any other phase a run has): seconds}."""
        return {"started": self.started, **self.seconds}
