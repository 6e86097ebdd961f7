"""What every engine client shares: its error and its health as the node reports it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


class EngineError(Exception):
    """An engine gave no usable answer. ``kind``: ``down`` (no connection), ``timeout``
    or ``garbage`` (an answer we do not understand, or the engine's own error)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Health:
    """The last thing an engine did, for ``/healthz`` and metrics (per process)."""

    ok: bool = True
    checked: float = 0.0
    error: str = ""
    failures: int = 0

    def snapshot(self) -> dict[str, object]:
        return {"ok": self.ok, "checked": self.checked, "error": self.error, "failures": self.failures}


class HealthBook:
    """Health of each engine, updated by every call and read by ``/healthz``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engines: dict[str, Health] = {}
        self._listeners: list[Callable[[str, bool], None]] = []

    def listen(self, listener: Callable[[str, bool], None]) -> None:
        """``listener(engine, up)`` after every change (the ``mailwarden_engine_up`` gauge)."""
        self._listeners.append(listener)

    def register(self, name: str) -> None:
        with self._lock:
            h = self._engines.setdefault(name, Health())
        self._tell(name, h.ok)   # up, as /healthz says, until the first call or check

    def ok(self, name: str) -> None:
        with self._lock:
            h = self._engines.setdefault(name, Health())
            h.ok, h.checked, h.error = True, time.time(), ""
        self._tell(name, True)

    def failed(self, name: str, error: EngineError) -> None:
        with self._lock:
            h = self._engines.setdefault(name, Health())
            h.ok, h.checked, h.error = False, time.time(), f"{error.kind}: {error}"
            h.failures += 1
        self._tell(name, False)

    def _tell(self, name: str, up: bool) -> None:
        for listener in self._listeners:
            listener(name, up)

    def snapshot(self) -> dict[str, dict[str, object]]:
        with self._lock:
            return {name: h.snapshot() for name, h in self._engines.items()}
