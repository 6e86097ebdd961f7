"""DKIM signing of outbound mail with per-domain keys kept under ``data_dir/dkim``.

The key files are the one source of truth: ``data_dir/dkim/<domain>/<selector>.pem``. Every
active key of a domain signs (selector = the file's name), so a key made with
``mailwarden dkim generate --selector mw2026`` signs whatever ``delivery.dkim_selector`` says
(that setting is only the selector ``generate`` picks when none is given), and during a key
rotation the old and the new key both sign until ``mailwarden dkim retire`` ends the overlap.
The files are looked at again whenever the domain's folder changes (a key made or retired while
the gateway runs) and on SIGHUP (:meth:`DkimSigner.reload`).
"""

from __future__ import annotations

import base64
import logging
import os
import re
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

log = logging.getLogger("mailwarden.dkim")

SIGNED_HEADERS = [b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"reply-to",
                  b"mime-version", b"content-type", b"content-transfer-encoding", b"in-reply-to",
                  b"references"]


def key_path(dkim_dir: Path, domain: str, selector: str) -> Path:
    return dkim_dir / domain.lower() / f"{selector}.pem"


def generate_key(dkim_dir: Path, domain: str, selector: str, *, bits: int = 2048) -> str:
    """Create the key (mode 0600) and return the DNS TXT record to publish."""
    path = key_path(dkim_dir, domain, selector)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists() or path.with_name(path.name + RETIRED_SUFFIX).exists():
        raise FileExistsError(f"{path} exists (or was retired); choose another selector to rotate")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    # Written aside and linked into place: a running gateway signs with every key file it
    # finds, so it must never see half a key. link() refuses an existing name, as O_EXCL would.
    tmp = path.with_name(f".{selector}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return txt_record(key.public_key(), domain, selector)


def txt_record(public_key: rsa.RSAPublicKey, domain: str, selector: str) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    p = base64.b64encode(der).decode()
    chunks = " ".join(f'"{p[i:i + 250]}"' for i in range(0, len(p), 250))
    return f'{selector}._domainkey.{domain}. IN TXT ( "v=DKIM1; k=rsa; p=" {chunks} )'


RETIRED_SUFFIX = ".retired"
_FROM = re.compile(rb"^from:(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_DOMAIN = re.compile(rb"@([A-Za-z0-9.-]+)")


def retire_key(dkim_dir: Path, domain: str, selector: str) -> Path:
    """Stop signing with ``selector`` (its file is renamed ``*.pem.retired``, kept for the record)."""
    path = key_path(dkim_dir, domain, selector)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such DKIM key")
    retired = path.with_name(path.name + RETIRED_SUFFIX)
    path.rename(retired)
    return retired


def header_from_domain(message: bytes) -> str | None:
    """The domain of the message's From header (what DMARC aligns with), or None."""
    end = message.find(b"\r\n\r\n")
    match = _FROM.search(message if end < 0 else message[:end + 2])
    if match is None:
        return None
    found = _DOMAIN.findall(match.group(1))
    return found[-1].decode("ascii").lower().rstrip(".") if found else None


def _candidates(domain: str) -> list[str]:
    """``domain`` and its parents down to two labels: a key of example.com signs mail from
    postmaster@gw.example.com (relaxed DMARC alignment)."""
    labels = domain.lower().rstrip(".").split(".")
    return [".".join(labels[i:]) for i in range(max(1, len(labels) - 1))]


class DkimSigner:
    """Signs with every active key of the signing domain; leaves mail as is without one."""

    def __init__(self, dkim_dir: Path):
        self._dir = dkim_dir
        # domain -> (state of its folder, [(selector, PEM)])
        self._keys: dict[str, tuple[tuple, list[tuple[str, bytes]]]] = {}
        self._broken: set[tuple[str, str, int]] = set()

    def reload(self) -> None:
        """Forget every cached key (SIGHUP): the next signature reads the files again."""
        self._keys.clear()
        self._broken.clear()

    def _state(self, domain: str) -> tuple:
        """What says the domain's keys changed: its key files' names, times and sizes."""
        try:
            with os.scandir(self._dir / domain) as entries:
                return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size)
                                    for e in entries if e.name.endswith(".pem")))
        except (FileNotFoundError, NotADirectoryError):
            return ()

    def keys(self, domain: str) -> list[tuple[str, bytes]]:
        """The active ``(selector, PEM)`` pairs of ``domain``, read again when its files changed."""
        domain = domain.lower()
        state = self._state(domain)
        cached = self._keys.get(domain)
        if cached is not None and cached[0] == state:
            return cached[1]
        keys = []
        for name, _mtime, _size in state:
            try:
                keys.append((name[:-len(".pem")], (self._dir / domain / name).read_bytes()))
            except OSError as exc:
                log.error("cannot read DKIM key %s/%s: %s", domain, name, exc.strerror)
        if cached is not None or keys:
            log.info("DKIM keys loaded", extra={"domain": domain, "selectors": [k[0] for k in keys]})
        self._keys[domain] = (state, keys)
        return keys

    def signing_domain(self, message: bytes, mail_from: str) -> str | None:
        """The domain to sign as: the From header's (or a parent's) when we hold its key, else
        the envelope sender's; None when neither has a key."""
        for origin in (header_from_domain(message), mail_from.rpartition("@")[2] if "@" in mail_from else None):
            if origin:
                for domain in _candidates(origin):
                    if self.keys(domain):
                        return domain
        return None

    def sign(self, message: bytes, mail_from: str) -> bytes:
        """``message`` with DKIM-Signature headers of every active key of its signing domain."""
        domain = self.signing_domain(message, mail_from)
        return message if domain is None else self.signature(message, domain) + message

    def signature(self, message: bytes, domain: str) -> bytes:
        """The DKIM-Signature header line(s) to prepend (one per active key), or b"" without a key."""
        out = b""
        for selector, key in self.keys(domain):
            try:
                out += dkim.sign(message, selector.encode(), domain.lower().encode(), key,
                                 include_headers=SIGNED_HEADERS, linesep=b"\r\n")
            except dkim.DKIMException as exc:
                marker = (domain, selector, hash(key))
                if marker not in self._broken:      # once per key, not per message
                    self._broken.add(marker)
                    log.error("DKIM key %s/%s.pem cannot sign: %s", domain, selector, exc)
        return out

    def unsigned_domains(self, domains: list[str]) -> list[str]:
        """Those of ``domains`` whose outbound mail would go unsigned (no key of theirs or a parent's)."""
        return [d for d in domains if not any(self.keys(c) for c in _candidates(d))]
