"""ClamAV through clamd's ``INSTREAM`` command, over its Unix or TCP socket.

One connection per scan (clamd closes it after the answer): ``zINSTREAM``, the data in
chunks each prefixed with its 4-byte big-endian length, a zero-length chunk, then one
answer ``stream: OK`` / ``stream: <Signature> FOUND`` / ``... ERROR``. Anything else — no
connection, a timeout, an ``ERROR``, an answer we do not understand — is an
:class:`EngineError` and the caller applies the failure policy: it is never read as clean.
Data over clamd's StreamMaxLength is the error kind ``too large`` (retrying cannot help).
"""

from __future__ import annotations

import asyncio
import socket
import struct

from gateway.engines.base import EngineError

CHUNK = 64 * 1024
MAX_ANSWER = 4096


def parse_address(address: str) -> tuple[str, str | tuple[str, int]]:
    """``unix:/run/clamav/clamd.ctl``, ``/path/to/socket`` or ``host:port``."""
    address = address.strip()
    if address.startswith("unix:"):
        return "unix", address[5:]
    if address.startswith("/"):
        return "unix", address
    from gateway.settings import parse_hostport  # settings imports this package's config

    return "tcp", parse_hostport(address, default_port=3310)


class Clamd:
    """A clamd at ``address``; each call within ``timeout`` seconds."""

    name = "clamav"

    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address = address
        self.kind, self.target = parse_address(address)
        self.timeout = timeout

    async def _connect(self) -> socket.socket:
        loop = asyncio.get_running_loop()
        if self.kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: object = str(self.target)
        else:
            host, port = self.target  # type: ignore[misc]
            info = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            family, _, _, _, address = info[0]
            sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, address)
        except BaseException:
            sock.close()
            raise
        return sock

    async def _command(self, command: bytes, chunks: list[bytes] | None = None) -> str:
        try:
            return await asyncio.wait_for(self._talk(command, chunks), self.timeout)
        except TimeoutError:
            raise EngineError("timeout", f"clamd did not answer within {self.timeout:g}s") from None
        except OSError as exc:
            raise EngineError("down", f"cannot reach clamd at {self.address}: {exc.strerror or exc}") from None

    async def _talk(self, command: bytes, chunks: list[bytes] | None) -> str:
        """Send the command and its chunks, then read the answer up to its NUL.

        clamd answers *while* we are still sending when the stream passes its StreamMaxLength:
        it writes ``INSTREAM size limit exceeded. ERROR`` and closes with our data unread, so our
        next write fails with a reset. The answer is already in the kernel's receive queue (it was
        sent before the reset) and the kernel hands queued data out before the error, so a failed
        write is followed by a read, not taken for "clamd is down". Plain sockets, not asyncio
        streams: a stream transport drops its socket, and that answer, on the first write error.
        """
        loop = asyncio.get_running_loop()
        sock = await self._connect()
        try:
            try:
                await loop.sock_sendall(sock, b"z" + command + b"\0")
                for chunk in chunks or ():
                    await loop.sock_sendall(sock, struct.pack(">I", len(chunk)) + chunk)
                if chunks is not None:
                    await loop.sock_sendall(sock, struct.pack(">I", 0))
            except (BrokenPipeError, ConnectionResetError) as exc:
                answer = await self._read_answer(loop, sock)
                if not answer:
                    raise exc
                return answer
            answer = await self._read_answer(loop, sock)
            if not answer:
                raise EngineError("garbage", "clamd closed the connection without an answer")
            return answer
        finally:
            sock.close()

    @staticmethod
    async def _read_answer(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> str:
        """What clamd said, up to its NUL or its hang-up; "" when it said nothing."""
        answer = b""
        while b"\0" not in answer:
            try:
                data = await loop.sock_recv(sock, MAX_ANSWER)
            except (ConnectionResetError, BrokenPipeError):
                break
            if not data:
                break
            answer += data
            if len(answer) > MAX_ANSWER:
                raise EngineError("garbage", "clamd's answer is too long")
        return answer.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    async def scan(self, data: bytes) -> str | None:
        """The signature name found in ``data``, or None when clean."""
        chunks = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
        answer = await self._command(b"INSTREAM", chunks)
        return parse_answer(answer)

    async def ping(self) -> None:
        answer = await self._command(b"PING")
        if answer != "PONG":
            raise EngineError("garbage", f"clamd answered PING with {answer[:80]!r}")

    def ping_blocking(self, timeout: float = 2.0) -> None:
        """PING from a thread (``/healthz``), not from an event loop."""
        try:
            if self.kind == "unix":
                conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            else:
                conn = socket.create_connection(self.target, timeout=timeout)  # type: ignore[arg-type]
            with conn:
                if self.kind == "unix":
                    conn.settimeout(timeout)
                    conn.connect(str(self.target))
                conn.sendall(b"zPING\0")
                answer = conn.recv(64)
        except TimeoutError:
            raise EngineError("timeout", f"clamd did not answer PING within {timeout:g}s") from None
        except OSError as exc:
            raise EngineError("down", f"cannot reach clamd at {self.address}: {exc.strerror or exc}") from None
        if answer.rstrip(b"\0").strip() != b"PONG":
            raise EngineError("garbage", f"clamd answered PING with {answer[:80]!r}")


def parse_answer(answer: str) -> str | None:
    """``stream: OK`` -> None, ``stream: Name FOUND`` -> ``Name``; anything else raises."""
    _, _, result = answer.partition(": ")
    if "size limit exceeded" in answer:
        # over clamd's StreamMaxLength: asking again cannot help; the caller says what was not read
        raise EngineError("too large", "the data is over clamd's StreamMaxLength")
    if answer.endswith(" ERROR") or not result:
        raise EngineError("garbage", f"clamd could not scan: {answer[:200]!r}")
    if result == "OK":
        return None
    if result.endswith(" FOUND") and len(result) > len(" FOUND"):
        return result[: -len(" FOUND")].strip()
    raise EngineError("garbage", f"clamd answered {answer[:200]!r}")
