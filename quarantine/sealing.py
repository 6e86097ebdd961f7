"""Evidence at rest: redacted snippets still quote the message, so they are stored sealed.

The rules engine redacts sensitive values, but a snippet is still text from the message
(and its ``where`` names attachments). The quarantine keeps it AES-256-GCM-sealed under a
key the gateway hands in, and opens it only for display.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_AAD = b"mailwarden/quarantine-evidence/v1"


class EvidenceCipher:
    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("evidence key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, evidence: Any) -> dict[str, str]:
        nonce = os.urandom(12)
        plain = json.dumps(evidence, ensure_ascii=False).encode("utf-8")
        return {"sealed": base64.b64encode(nonce + self._aead.encrypt(nonce, plain, _AAD)).decode("ascii")}

    def open(self, stored: Any) -> Any:
        if not (isinstance(stored, dict) and "sealed" in stored):
            return stored  # written without a cipher (tests, or before sealing existed)
        blob = base64.b64decode(stored["sealed"])
        return json.loads(self._aead.decrypt(blob[:12], blob[12:], _AAD))
