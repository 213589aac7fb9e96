"""The built-in Videos API server that renders animatics (`sorac serve`).

    from sorascript.serve import AnimaticServer, ServerOptions, Fault
    with AnimaticServer(ServerOptions(latency=2.0, faults=(Fault("429", count=2),))) as server:
        server.base_url   # "http://127.0.0.1:PORT/v1"

`ServerOptions` and `Fault` are plain data; the server's own dependencies
(Starlette, uvicorn, Pillow) load only when `AnimaticServer` is first used,
so importing this package costs nothing at start-up.
"""

from __future__ import annotations

from sorascript.serve.options import DEFAULT_PORT, FAULT_KINDS, ROUTES, Fault, OptionsError, ServerOptions, parse_fault

__all__ = ["AnimaticServer", "DEFAULT_PORT", "FAULT_KINDS", "Fault", "OptionsError", "ROUTES", "ServerError",
           "ServerOptions", "ServerStats", "parse_fault"]


def __getattr__(name: str):
    if name in ("AnimaticServer", "ServerError", "ServerStats"):
        from sorascript.serve import server

        return getattr(server, name)
    raise AttributeError(f"module 'sorascript.serve' has no attribute {name!r}")
