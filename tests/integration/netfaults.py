"""A TCP proxy a test puts between a process and a real service, to break the network
the way it breaks in production without touching the service itself:

- ``cut()``: every open connection is closed, and new ones are accepted and closed at
  once (the service is unreachable, as when PostgreSQL restarts or a link goes down);
- ``freeze()``: connections are accepted and whatever is sent is swallowed, no answer
  ever comes (a broker that hangs, a half-open link);
- ``restore()``: back to forwarding.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Literal

Mode = Literal["forward", "cut", "freeze"]


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._mode: Mode = "forward"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def url_for(self, url: str) -> str:
        """URL with host:port replaced by the proxy's (scheme, path and query kept)."""
        scheme, rest = url.split("://", 1)
        authority, _, tail = rest.partition("/")
        userinfo = authority.rpartition("@")[0]
        login = f"{userinfo}@" if userinfo else ""
        return f"{scheme}://{login}127.0.0.1:{self.port}/{tail}"

    def cut(self) -> None:
        self._set_mode("cut")
        self._close_all()

    def freeze(self) -> None:
        self._set_mode("freeze")

    def restore(self) -> None:
        self._set_mode("forward")

    def close(self) -> None:
        self._closed = True
        self._close_all()
        with contextlib.suppress(OSError):
            self._listener.close()

    def _set_mode(self, mode: Mode) -> None:
        with self._lock:
            self._mode = mode

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            mode = self._mode
            if mode == "cut":
                client.close()
                continue
            self._track(client)
            if mode == "freeze":
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._track(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _swallow(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while sock.recv(65536):
                pass

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if self._mode == "freeze":
                    continue  # frozen mid-connection: swallowed, nothing answers
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
