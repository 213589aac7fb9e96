"""`AnimaticServer`: the built-in Videos API server, run by uvicorn on a background thread.

    with AnimaticServer(ServerOptions(latency=2.0)) as server:
        client = OpenAI(base_url=server.base_url, api_key="unused")
        ...
        server.stats().received["create"]

`restart()` stops it and starts it again on the same port and state, as a
server process that was killed and started again would.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sorascript.serve.options import OptionsError, ServerOptions

START_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class ServerStats:
    """What a server has seen since this object was made (restarts included).

    received: requests per route (the SDK's method names: create, retrieve, list,
      delete, download_content, remix, extend, create_character, get_character;
      `unknown` for anything else), answered or faulted;
    faults: faults served, per kind;
    made: videos made, per kind (create, remix, extend);
    duplicates: videos whose request (fields and files) repeats an earlier
      video's exactly: a retried submission, or a deliberate take.
    """

    received: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    made: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0


class ServerError(RuntimeError):
    """The server could not start (the port is taken, the state file is unusable…)."""


class AnimaticServer:
    def __init__(self, options: ServerOptions | None = None):
        self.options = options or ServerOptions()
        self._port = self.options.port
        self._temporary: Path | None = None
        self._uvicorn = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._engine = None
        self._store = None
        self._injector = None
        self._stats = {"received": {}, "faults": {}, "made": {}, "duplicates": 0}

    # -- where -------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        host = self.options.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self._port}"

    @property
    def base_url(self) -> str:
        """The base URL for an OpenAI client: `http://HOST:PORT/v1`."""
        return self.url + "/v1"

    @property
    def state_file(self) -> Path:
        if self.options.state is not None:
            return self.options.state
        if self._temporary is None:
            self._temporary = Path(tempfile.mkdtemp(prefix="sorac-serve-"))
        return self._temporary / "state.sqlite"

    @property
    def media_folder(self) -> Path:
        state = self.state_file
        return state.with_name(state.name + ".media")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- life --------------------------------------------------------------------------------

    def start(self) -> "AnimaticServer":
        """Listen and serve from a background thread; returns once connections are accepted."""
        if self.running:
            return self
        fresh_temporary = self.options.state is None and self._temporary is None
        try:
            return self._start()
        except BaseException:
            if fresh_temporary:  # made for this start only: nothing to keep
                self.stop()
            raise

    def _start(self) -> "AnimaticServer":
        import uvicorn

        from sorascript.serve.app import build_app
        from sorascript.serve.faults import FaultInjector
        from sorascript.serve.jobs import Engine
        from sorascript.serve.store import StateError, Store

        state = self.state_file
        try:
            state.parent.mkdir(parents=True, exist_ok=True)
            store = Store(state)
        except (OSError, StateError) as error:
            raise ServerError(f"cannot use the state file {state}: {error}") from None
        try:
            engine = Engine(self.media_folder, store, self.options)
        except OSError as error:
            store.close()
            raise ServerError(f"cannot use the media folder {self.media_folder}: {error}") from None
        try:
            sock = self._listen()
        except BaseException:
            engine.stop()
            store.close()
            raise
        engine.resume()
        injector = FaultInjector(build_app(engine, self.options.poll_after), self.options.faults)
        config = uvicorn.Config(
            injector, log_config=None, log_level="warning", access_log=False, lifespan="off", http="h11",
            proxy_headers=False, server_header=False, date_header=True, timeout_keep_alive=5,
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"sorac-serve:{self._port}",
                                  daemon=True)
        self._uvicorn, self._thread, self._socket = server, thread, sock
        self._engine, self._store, self._injector = engine, store, injector
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._shutdown()
                raise ServerError(f"the server did not start on {self.url}")
            time.sleep(0.005)
        return self

    def _listen(self) -> socket.socket:
        host = self.options.host
        try:
            family, kind, proto, _, address = socket.getaddrinfo(host, self._port, type=socket.SOCK_STREAM)[0]
            sock = socket.socket(family, kind, proto)
        except OSError as error:
            raise ServerError(f"cannot listen on {host}: {error.strerror or error}") from None
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(256)
        except OSError as error:
            sock.close()
            raise ServerError(f"cannot listen on {host}:{self._port}: {error.strerror or error}") from None
        self._port = sock.getsockname()[1]
        return sock

    def _shutdown(self) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._injector is not None:
            received, faults = self._stats["received"], self._stats["faults"]
            for name, count in self._injector.received.items():
                received[name] = received.get(name, 0) + count
            for name, count in self._injector.served.items():
                faults[name] = faults.get(name, 0) + count
        if self._engine is not None:
            made = self._stats["made"]
            for name, count in self._engine.made.items():
                made[name] = made.get(name, 0) + count
            self._stats["duplicates"] += self._engine.duplicates
            self._engine.stop()
        if self._store is not None:
            self._store.close()
        if self._socket is not None:
            self._socket.close()
        self._uvicorn = self._thread = self._socket = None
        self._engine = self._store = self._injector = None

    def stop(self) -> None:
        """Stop serving; a temporary state is removed, a state file is kept."""
        self._shutdown()
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def restart(self) -> "AnimaticServer":
        """Stop and start again on the same port with the same state (temporary or not)."""
        self._shutdown()
        return self.start()

    def __enter__(self) -> "AnimaticServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection --------------------------------------------------------------------------

    def stats(self) -> ServerStats:
        received, faults = dict(self._stats["received"]), dict(self._stats["faults"])
        made, duplicates = dict(self._stats["made"]), self._stats["duplicates"]
        if self._injector is not None:
            for name, count in self._injector.received.items():
                received[name] = received.get(name, 0) + count
            for name, count in self._injector.served.items():
                faults[name] = faults.get(name, 0) + count
        if self._engine is not None:
            for name, count in self._engine.made.items():
                made[name] = made.get(name, 0) + count
            duplicates += self._engine.duplicates
        return ServerStats(received, faults, made, duplicates)

    def job(self, video_id: str) -> dict:
        """Everything stored about a video: its request fields as received (files by hash), the clip
        it renders, its state. Raises KeyError for an unknown id."""
        from sorascript.serve.errors import ApiError

        if self._engine is None:
            raise RuntimeError("the server is not running")
        try:
            return self._engine.record(video_id)
        except ApiError:
            raise KeyError(video_id) from None


__all__ = ["AnimaticServer", "OptionsError", "ServerError", "ServerOptions", "ServerStats"]
