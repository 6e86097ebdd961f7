"""Evidence at rest: redacted snippets still quote the message, so they are stored sealed.

The rules engine redacts sensitive values, but a snippet is still text from the message
(and its ``where`` names attachments). The quarantine keeps it AES-256-GCM-sealed under a
key the gateway hands in, and opens it only for display.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_AAD = b"mailwarden/quarantine-evidence/v1"


KeyVersions = Callable[[int | None], tuple[int, Mapping[int, bytes]]]   # arg: a version needed


class EvidenceCipher:
    """Seals under one key, or under versioned keys: ``keys(needed)`` gives (active version,
    {version: key}), looking again for a version it lacks; evidence names its version (none: 1),
    so rotating the key leaves what was sealed before readable."""

    def __init__(self, key: bytes | None = None, *, keys: KeyVersions | None = None):
        if keys is None:
            if key is None or len(key) != 32:
                raise ValueError("evidence key must be 32 bytes")
            fixed = {1: key}

            def keys(_needed: int | None = None) -> tuple[int, Mapping[int, bytes]]:
                return 1, fixed
        self._keys = keys

    def seal(self, evidence: Any) -> dict[str, Any]:
        version, table = self._keys(None)
        nonce = os.urandom(12)
        plain = json.dumps(evidence, ensure_ascii=False).encode("utf-8")
        sealed: dict[str, Any] = {
            "sealed": base64.b64encode(nonce + AESGCM(table[version]).encrypt(nonce, plain, _AAD)).decode("ascii")}
        if version != 1:
            sealed["v"] = version
        return sealed

    def open(self, stored: Any) -> Any:
        if not (isinstance(stored, dict) and "sealed" in stored):
            return stored  # written without a cipher (tests, or before sealing existed)
        blob = base64.b64decode(stored["sealed"])
        needed = int(stored.get("v", 1))
        _active, table = self._keys(needed)
        key = table.get(needed)
        if key is None:
            raise ValueError(f"evidence sealed under key version {stored.get('v')}, which this node does not hold")
        return json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], _AAD))
