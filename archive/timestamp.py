"""RFC 3161 timestamps of checkpoint lines from a configured Time-Stamp Authority.

A checkpoint is signed with a key derived from the master key: whoever holds the master key
could sign a checkpoint for any time. A timestamp from an outside TSA (``archive.tsa_url``)
proves that the signed line existed at the TSA's time, which the master key cannot forge. The
token is requested over the signed line's bytes (SHA-256) and stored beside it in the line
(``"tst"``, base64 DER, outside the Ed25519 signature); ``verify --checkpoints`` checks it
against the TSA's CA certificates (``archive.tsa_ca_file``) and that the TSA's time and the
checkpoint's agree within :data:`MAX_SKEW` seconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import urllib.request
from pathlib import Path

from cryptography import x509
from rfc3161_client import TimestampRequestBuilder, VerificationError, VerifierBuilder, decode_timestamp_response
from rfc3161_client.base import HashAlgorithm

MAX_SKEW = 300.0


class TimestampError(Exception):
    """The TSA did not answer with a usable token."""


def request(url: str, data: bytes, *, timeout: float = 10.0) -> str:
    """A timestamp token (base64 DER TimeStampResp) for ``data`` from the TSA at ``url``."""
    query = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    req = urllib.request.Request(url, data=query.as_bytes(), method="POST",
                                 headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:   # noqa: S310 - the configured TSA
            body = resp.read(1 << 20)
    except OSError as exc:
        raise TimestampError(f"TSA {url}: {exc}") from exc
    try:
        decoded = decode_timestamp_response(body)
    except ValueError as exc:
        raise TimestampError(f"TSA {url}: not a timestamp response ({exc})") from exc
    if decoded.status not in (0, 1):          # granted, grantedWithMods
        raise TimestampError(f"TSA {url}: refused (status {decoded.status})")
    return base64.b64encode(body).decode("ascii")


def load_roots(ca_file: str | Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(Path(ca_file).read_bytes())


def check(token: str, data: bytes, roots: list[x509.Certificate], at: float) -> str | None:
    """None when ``token`` is a valid timestamp of ``data`` by a TSA chaining to ``roots``, at a
    time within MAX_SKEW of ``at``; else why not."""
    try:
        resp = decode_timestamp_response(base64.b64decode(token, validate=True))
    except ValueError as exc:
        return f"timestamp token unreadable ({exc})"
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(resp, data)
    except VerificationError as exc:
        return f"timestamp does not verify ({exc})"
    gen = resp.tst_info.gen_time
    if gen.tzinfo is None:
        gen = gen.replace(tzinfo=dt.UTC)
    skew = abs(gen.timestamp() - at)
    if skew > MAX_SKEW:
        return f"the TSA's time ({gen:%Y-%m-%dT%H:%M:%SZ}) is {skew:.0f} s from the checkpoint's"
    return None
