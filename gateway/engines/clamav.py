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

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.kind == "unix":
            return await asyncio.open_unix_connection(str(self.target))
        host, port = self.target  # type: ignore[misc]
        return await asyncio.open_connection(host, port)

    async def _command(self, command: bytes, chunks: list[bytes] | None = None) -> str:
        try:
            return await asyncio.wait_for(self._talk(command, chunks), self.timeout)
        except TimeoutError:
            raise EngineError("timeout", f"clamd did not answer within {self.timeout:g}s") from None
        except OSError as exc:
            raise EngineError("down", f"cannot reach clamd at {self.address}: {exc.strerror or exc}") from None

    async def _talk(self, command: bytes, chunks: list[bytes] | None) -> str:
        reader, writer = await self._connect()
        try:
            writer.write(b"z" + command + b"\0")
            for chunk in chunks or ():
                writer.write(struct.pack(">I", len(chunk)))
                writer.write(chunk)
                await writer.drain()
            if chunks is not None:
                writer.write(struct.pack(">I", 0))
            await writer.drain()
            answer = await reader.readuntil(b"\0")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                raise EngineError("garbage", "clamd closed the connection without an answer") from None
            answer = exc.partial
        except asyncio.LimitOverrunError:
            raise EngineError("garbage", "clamd's answer is too long") from None
        finally:
            writer.close()
        return answer.rstrip(b"\0").decode("utf-8", "replace").strip()

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
