"""A raw SMTP client for edge tests: sends exactly the bytes it is given, as an attacker would.

smtplib normalises line endings and dot-stuffs, so it cannot send a smuggling payload or a
pipelined burst before the greeting; this client writes bytes as they are and reads replies
one at a time (a multi-line reply is returned whole).
"""

from __future__ import annotations

import socket
import time


class RawSMTP:
    """One TCP connection to an SMTP server, optionally from a chosen local address
    (``127.0.0.9`` is an outsider to ``relay.trusted_networks: [127.0.0.1/32]``)."""

    def __init__(self, port: int, *, source: str = "127.0.0.1", host: str = "127.0.0.1",
                 timeout: float = 30.0, greet: bool = True):
        self.sock = socket.create_connection((host, port), timeout=timeout, source_address=(source, 0))
        self._buf = b""
        self.greeting = self.reply() if greet else b""

    def __enter__(self) -> RawSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _line(self) -> bytes:
        while b"\n" not in self._buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                line, self._buf = self._buf, b""
                return line
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return line + b"\n"

    def reply(self) -> bytes:
        """The next whole reply (all lines of a multi-line one); b"" when the server closed."""
        out = b""
        while True:
            line = self._line()
            out += line
            if not line or line[3:4] != b"-":
                return out

    def cmd(self, line: bytes | str) -> bytes:
        if isinstance(line, str):
            line = line.encode()
        self.send(line + b"\r\n")
        return self.reply()

    def code(self, line: bytes | str) -> int:
        return int(self.cmd(line)[:3] or 0)

    def replies_until_closed(self) -> list[bytes]:
        """Every reply up to the server's hang-up (or the socket timeout)."""
        out = []
        while reply := self.reply():
            out.append(reply)
        return out

    def closed(self, wait: float = 5.0) -> bool:
        """Whether the server hung up within ``wait`` seconds (reading and dropping any reply)."""
        self.sock.settimeout(wait)
        deadline = time.monotonic() + wait
        try:
            while time.monotonic() < deadline:
                if not self.sock.recv(65536):
                    return True
        except TimeoutError:
            return False
        except OSError:
            return True
        return False
