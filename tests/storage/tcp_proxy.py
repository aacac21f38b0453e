"""A tiny loopback TCP proxy for failure injection: can be stopped, restarted on the same port, or slowed."""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    """Forward 127.0.0.1:<port> to an upstream address.

    Faults: ``delay`` holds back every client->upstream chunk (the server never sees the request in
    time); on the way back, ``answer_delay`` holds back every answer chunk (the request is applied,
    the answer comes late), ``drip`` sends the answer one byte per ``drip`` seconds, and
    ``drop_answers`` discards the answer and closes the connection (applied, answer lost).
    """

    def __init__(
        self,
        upstream: tuple[str, int],
        delay: float = 0.0,
        *,
        answer_delay: float = 0.0,
        drip: float = 0.0,
        drop_answers: bool = False,
        late_every: int = 1,
    ) -> None:
        self.upstream = upstream
        self.delay = delay
        self.answer_delay = answer_delay
        self.drip = drip
        self.drop_answers = drop_answers
        self.late_every = max(1, late_every)  # ``answer_delay`` applies to every n-th answer only
        self._answers = 0
        self.port = 0
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the listener and every open connection (clients then see refused/reset)."""
        self._stopping.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            self.accepted += 1
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update({client, upstream})
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, slow: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if slow:
                    if self.delay and self._stopping.wait(self.delay):
                        break
                    target.sendall(data)
                    continue
                if self.drop_answers:
                    break  # the upstream's answer is lost; both sides are closed below
                with self._lock:
                    self._answers += 1
                    late = self._answers % self.late_every == 0
                if self.answer_delay and late and self._stopping.wait(self.answer_delay):
                    break
                if self.drip:
                    for index in range(len(data)):
                        target.sendall(data[index : index + 1])
                        if self._stopping.wait(self.drip):
                            return
                    continue
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
                with self._lock:
                    self._sockets.discard(sock)
