"""DKIM signing of outbound mail with per-domain keys kept under ``data_dir/dkim``."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SIGNED_HEADERS = [b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"reply-to",
                  b"mime-version", b"content-type", b"content-transfer-encoding", b"in-reply-to",
                  b"references"]


def key_path(dkim_dir: Path, domain: str, selector: str) -> Path:
    return dkim_dir / domain.lower() / f"{selector}.pem"


def generate_key(dkim_dir: Path, domain: str, selector: str, *, bits: int = 2048) -> str:
    """Create the key (mode 0600) and return the DNS TXT record to publish."""
    path = key_path(dkim_dir, domain, selector)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        raise FileExistsError(f"{path} exists; choose another selector to rotate")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return txt_record(key.public_key(), domain, selector)


def txt_record(public_key: rsa.RSAPublicKey, domain: str, selector: str) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    p = base64.b64encode(der).decode()
    chunks = " ".join(f'"{p[i:i + 250]}"' for i in range(0, len(p), 250))
    return f'{selector}._domainkey.{domain}. IN TXT ( "v=DKIM1; k=rsa; p=" {chunks} )'


class DkimSigner:
    """Signs with the key of the sender's domain when one exists; otherwise leaves mail as is."""

    def __init__(self, dkim_dir: Path, selector: str):
        self._dir = dkim_dir
        self._selector = selector
        self._keys: dict[str, bytes | None] = {}

    def _key(self, domain: str) -> bytes | None:
        if domain not in self._keys:
            path = key_path(self._dir, domain, self._selector)
            self._keys[domain] = path.read_bytes() if path.exists() else None
        return self._keys[domain]

    def signature(self, message: bytes, sender_domain: str) -> bytes:
        """The DKIM-Signature header line(s) to prepend, or b"" without a key."""
        key = self._key(sender_domain.lower())
        if key is None:
            return b""
        try:
            sig = dkim.sign(message, self._selector.encode(), sender_domain.lower().encode(), key,
                            include_headers=SIGNED_HEADERS, linesep=b"\r\n")
        except dkim.DKIMException:
            return b""
        return sig
