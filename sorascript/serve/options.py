"""How the built-in server is set up: `ServerOptions` and the faults it can inject.

Pure data with validation, importable without the server's dependencies (the
CLI checks its options before starting anything).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

# The routes, named after the `openai` SDK's `client.videos` methods.
ROUTES = ("create", "retrieve", "list", "delete", "download_content", "remix", "extend",
          "create_character", "get_character")
FAULT_KINDS = ("429", "500", "slow", "drop", "lost")
DEFAULT_PORT = 8421


class OptionsError(ValueError):
    """A bad option; the message is one line, ready for the user."""


@dataclass(frozen=True)
class Fault:
    """Misbehaviour for tests, applied to requests of `routes` in arrival order.

    kind:
      "429"  answer 429 with `retry-after` (and `retry-after-ms`) of `seconds`;
      "500"  answer 500;
      "slow" wait `seconds` before answering (this adds to any other fault);
      "drop" close the connection without an answer, before doing anything;
      "lost" do the request (a create is recorded and rendered), then close the
             connection without an answer: a response lost after the server
             accepted the job.
    The first `after` matching requests pass; the next `count` get the fault
    (`count=None`: all of them). Faults other than "slow" are tried in the
    order given; a request taken by one is not counted by the next.
    """

    kind: str
    count: int | None = 1
    after: int = 0
    routes: tuple[str, ...] = ("create",)
    seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise OptionsError(f"unknown fault kind {self.kind!r} (kinds: {', '.join(FAULT_KINDS)})")
        if self.count is not None and (not isinstance(self.count, int) or self.count < 1):
            raise OptionsError(f"a fault's count must be a whole number >= 1, or all (got {self.count!r})")
        if not isinstance(self.after, int) or self.after < 0:
            raise OptionsError(f"a fault's after must be a whole number >= 0 (got {self.after!r})")
        routes = (self.routes,) if isinstance(self.routes, str) else tuple(self.routes)
        object.__setattr__(self, "routes", routes)
        for route in routes:
            if route != "*" and route not in ROUTES:
                raise OptionsError(f"unknown route {route!r} (routes: {', '.join(ROUTES)}, or *)")
        if not routes:
            raise OptionsError("a fault needs at least one route")
        if not _finite(self.seconds) or self.seconds < 0 or self.seconds > 600:
            raise OptionsError(f"a fault's seconds must be between 0 and 600 (got {self.seconds!r})")

    def applies_to(self, route: str) -> bool:
        return "*" in self.routes or route in self.routes


FAULT_SYNTAX = "KIND[:key=value,...] with KIND one of 429, 500, slow, drop, lost and keys count (N or all), after (N), routes (create+retrieve..., or *), seconds (S)"


def parse_fault(spec: str) -> Fault:
    """`429`, `429:count=3,seconds=0.2`, `500:routes=retrieve+list`, `slow:seconds=1.5,count=all`, `lost:after=1`."""
    kind, _, rest = spec.strip().partition(":")
    values: dict = {}
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not value:
            raise OptionsError(f"bad fault {spec!r}: {item!r} is not key=value (syntax: {FAULT_SYNTAX})")
        try:
            if key == "count":
                values["count"] = None if value == "all" else int(value)
            elif key == "after":
                values["after"] = int(value)
            elif key == "routes":
                values["routes"] = tuple(r.strip() for r in value.split("+"))
            elif key == "seconds":
                values["seconds"] = float(value)
            else:
                raise OptionsError(f"bad fault {spec!r}: unknown key {key!r} (keys: count, after, routes, seconds)")
        except ValueError as error:
            if isinstance(error, OptionsError):
                raise
            raise OptionsError(f"bad fault {spec!r}: {key} cannot be {value!r}") from None
    try:
        return Fault(kind.strip(), **values)
    except OptionsError as error:
        raise OptionsError(f"bad fault {spec!r}: {error}") from None


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class ServerOptions:
    """The built-in server's set-up.

    host, port: where to listen (port 0: a free port, read it from `base_url`).
    latency: seconds from a job's creation to its completion; it is `queued`
      for the first tenth of that, then `in_progress`, and `completed` once the
      time is up and its animatic is rendered.
    fail_rate: the share of jobs that end `failed` (code `animatic_failed`),
      chosen by a hash of `seed`, the request and how many times the same
      request was made before: the same requests fail on every run.
    fail_prompts: a job whose prompt contains one of these strings fails.
    state: the SQLite file that keeps jobs across restarts (their files go in
      the folder `<state>.media` beside it); None: a temporary folder, removed
      when the server stops.
    faults: misbehaviour for tests (see `Fault`).
    poll_after_ms: the `openai-poll-after-ms` header of a retrieve; None: a
      tenth of the latency, between 50 and 1000 ms.
    workers: how many animatics render at once; None: one per CPU.
    """

    host: str = "127.0.0.1"
    port: int = 0
    latency: float = 2.0
    fail_rate: float = 0.0
    seed: int = 0
    fail_prompts: tuple[str, ...] = ()
    state: Path | None = None
    faults: tuple[Fault, ...] = field(default_factory=tuple)
    poll_after_ms: int | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or not self.host.strip():
            raise OptionsError("the host must be a name or an address such as 127.0.0.1")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 0 <= self.port <= 65535:
            raise OptionsError(f"the port must be a number from 0 to 65535 (got {self.port!r})")
        if not _finite(self.latency) or not 0 <= self.latency <= 3600:
            raise OptionsError(f"the latency must be between 0 and 3600 seconds (got {self.latency!r})")
        if not _finite(self.fail_rate) or not 0 <= self.fail_rate <= 1:
            raise OptionsError(f"the fail rate must be between 0 and 1 (got {self.fail_rate!r})")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise OptionsError(f"the seed must be a whole number (got {self.seed!r})")
        object.__setattr__(self, "fail_prompts", tuple(self.fail_prompts))
        if any(not isinstance(p, str) or not p for p in self.fail_prompts):
            raise OptionsError("a fail prompt must be a non-empty string")
        object.__setattr__(self, "faults", tuple(self.faults))
        if any(not isinstance(f, Fault) for f in self.faults):
            raise OptionsError("faults must be Fault objects (or --fault specs on the command line)")
        if self.state is not None:
            object.__setattr__(self, "state", Path(self.state))
        if self.poll_after_ms is not None and (isinstance(self.poll_after_ms, bool) or not isinstance(self.poll_after_ms, int)
                                               or not 1 <= self.poll_after_ms <= 60000):
            raise OptionsError(f"poll_after_ms must be between 1 and 60000 (got {self.poll_after_ms!r})")
        if self.workers is not None and (isinstance(self.workers, bool) or not isinstance(self.workers, int)
                                         or not 1 <= self.workers <= 64):
            raise OptionsError(f"workers must be between 1 and 64 (got {self.workers!r})")

    @property
    def poll_after(self) -> int:
        if self.poll_after_ms is not None:
            return self.poll_after_ms
        return int(min(1000, max(50, self.latency * 1000 / 10)))
