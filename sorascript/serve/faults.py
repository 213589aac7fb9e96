"""Fault injection and request counts: an ASGI layer in front of the Starlette app.

It names each request's route (the SDK method names of `app.py`), counts it,
and applies the first fault whose turn it is (see `options.Fault`): an error
answer, a delay, or a connection closed without an answer. A "lost" fault lets
the request run to the end (a create is recorded and rendered) and then drops
the answer, as when a response is lost on the way back.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
from collections import Counter

from starlette.routing import Match

from sorascript.serve.errors import ApiError
from sorascript.serve.options import Fault


class FaultInjector:
    def __init__(self, app, faults: tuple[Fault, ...]):
        self.app = app
        self.faults = faults
        self._lock = threading.Lock()
        self._seen = [0] * len(faults)  # matching requests that reached each fault
        self.received: Counter[str] = Counter()
        self.served: Counter[str] = Counter()

    def route_of(self, scope) -> str:
        for route in self.app.router.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return route.name
        return "unknown"

    def _take(self, route: str) -> tuple[float, Fault | None]:
        """The delay and the fault this request gets, counting it."""
        delay, chosen = 0.0, None
        with self._lock:
            self.received[route] += 1
            for i, fault in enumerate(self.faults):
                if not fault.applies_to(route) or (chosen is not None and fault.kind != "slow"):
                    continue
                turn = self._seen[i]
                self._seen[i] += 1
                if turn < fault.after or (fault.count is not None and turn >= fault.after + fault.count):
                    continue
                self.served[fault.kind] += 1
                if fault.kind == "slow":
                    delay += fault.seconds
                else:
                    chosen = fault
        return delay, chosen

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        delay, fault = self._take(self.route_of(scope))
        if delay:
            await asyncio.sleep(delay)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "429":
            retry = {"retry-after": str(math.ceil(fault.seconds)), "retry-after-ms": str(round(fault.seconds * 1000))}
            await _answer(send, ApiError(429, "Rate limit reached for video generation requests (an injected fault); "
                                              "retry after the time in the retry-after header.",
                                         code="rate_limit_exceeded", type="requests", headers=retry))
        elif fault.kind == "500":
            await _answer(send, ApiError(500, "The server had an error while processing your request "
                                              "(an injected fault)."))
        elif fault.kind == "drop":
            await _hang_up(send)
        else:  # lost: carry the request out, then drop its answer
            async def nowhere(message) -> None:
                return None

            await self.app(scope, receive, nowhere)
            await _hang_up(send)


async def _answer(send, error: ApiError) -> None:
    body = json.dumps(error.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _hang_up(send) -> None:
    """Close the connection without a byte of answer.

    ASGI has no message for that, so this reaches the transport of uvicorn's
    request cycle, whose bound `send` this is (the server runs uvicorn's h11
    protocol; tests cover it). Returning after the close is noticed keeps
    uvicorn from answering 500 in its place.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop a connection: the ASGI server does not expose its transport")
    transport.close()
    for _ in range(3):
        await asyncio.sleep(0)
