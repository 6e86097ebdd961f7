"""Signed export bundles: what makes an export verifiable on another instance.

A bundle is a zip of ``<id>.eml`` files, ``manifest.json`` (every record's envelope, received
date, direction, verdict, rules, decision history and the SHA-256 of its ``.eml``),
``manifest.csv`` for people, and ``manifest.sig``: an Ed25519 signature over the exact bytes
of ``manifest.json``. Since the manifest names each file's digest, the signature covers the
messages too.

The signing key is derived from the master key (``KeyRing.master_derived("export-signing")``)
and never stored: only someone holding the master key can sign as this instance. Its public
key (``mailwarden archive export-key``) is what a receiving instance pins with
``mailwarden archive import BUNDLE --public-key KEY``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "mailwarden-export"
VERSION = 2
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PURPOSE = "export-signing"


class BundleError(ValueError):
    """A bundle that is not one, is altered, or is not signed by the expected key."""


def signing_key(keyring: Any) -> tuple[str, Ed25519PrivateKey]:
    """(master key id, Ed25519 key) of this instance's export signatures."""
    kid, seed = keyring.master_derived(PURPOSE)
    return kid, Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as people copy it: ``ed25519:`` and the 32 raw bytes in base64."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return "ed25519:" + base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    raw = text.strip().removeprefix("ed25519:")
    try:
        data = base64.b64decode(raw, validate=True)
        return Ed25519PublicKey.from_public_bytes(data)
    except ValueError:
        raise BundleError(f"not an Ed25519 public key: {text!r} (expected ed25519:BASE64)") from None


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()


def signature_doc(kid: str, key: Ed25519PrivateKey, manifest: bytes) -> bytes:
    doc = {"alg": "Ed25519", "kid": kid, "public_key": public_key_text(key),
           "signature": base64.b64encode(key.sign(manifest)).decode()}
    return json.dumps(doc, indent=1).encode()


def is_bundle(path: Any) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return MANIFEST in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


@dataclass
class VerifiedBundle:
    manifest: dict[str, Any]
    signer: str           # the public key that signed it (ed25519:…)
    pinned: bool          # whether it was checked against a key the caller gave


def verify(zf: zipfile.ZipFile, public_key: str | None = None) -> VerifiedBundle:
    """Check the signature (against ``public_key`` when given) and every file's digest."""
    names = set(zf.namelist())
    if MANIFEST not in names or SIGNATURE not in names:
        raise BundleError("not a signed mailwarden export (manifest.json or manifest.sig missing)")
    data = zf.read(MANIFEST)
    try:
        sig = json.loads(zf.read(SIGNATURE))
        signer = parse_public_key(sig["public_key"])
        signature = base64.b64decode(sig["signature"], validate=True)
    except (ValueError, KeyError, TypeError):
        raise BundleError("manifest.sig is malformed") from None
    if public_key is not None:
        expected = parse_public_key(public_key)
        if public_key_text(expected) != public_key_text(signer):
            raise BundleError(f"signed by {public_key_text(signer)}, not by the expected {public_key_text(expected)}")
    try:
        signer.verify(signature, data)
    except InvalidSignature:
        raise BundleError("the manifest's signature does not verify: the bundle was altered") from None
    manifest = json.loads(data)
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BundleError(f"unsupported export format {manifest.get('format')!r} v{manifest.get('version')!r}")
    for rec in manifest.get("records", []):
        name = rec.get("file")
        if name not in names:
            raise BundleError(f"{name}: listed in the manifest but missing from the bundle")
        if hashlib.sha256(zf.read(name)).hexdigest() != rec.get("sha256"):
            raise BundleError(f"{name}: does not match its digest in the signed manifest")
    return VerifiedBundle(manifest, public_key_text(signer), public_key is not None)
