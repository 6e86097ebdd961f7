"""Derived keys shared by every node and rotatable (issue 13): link signing with an overlap
window, evidence sealed under versioned keys; each node a KeyRing of its own on one database."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import time

import pytest

from archive.keyring import KeyRing, KeyRingError
from archive.service import create_schema
from quarantine.errors import InvalidToken
from quarantine.sealing import EvidenceCipher
from quarantine.service import QuarantineService


def rings(engine, tmp_path):
    create_schema(engine)
    a = KeyRing.open(tmp_path / "keys-a").bind(engine)
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-b")
    b = KeyRing.open(tmp_path / "keys-b").bind(engine)
    return a, b


def service(engine, ring: KeyRing, overlap: float) -> QuarantineService:
    QuarantineService.create_tables(engine)
    return QuarantineService(engine, lambda *a: None, lambda *a: None,
                             signing_key=lambda: ring.link_keys(overlap=overlap))


def test_link_keys_rotate_with_an_overlap(engine, tmp_path):
    a, b = rings(engine, tmp_path)
    # version 1 is what links were signed with before keys were versioned: old links stay valid
    legacy = hmac.new(a.meta_key, b"mailwarden/quarantine-links", hashlib.sha256).digest()
    assert a.link_keys(overlap=60) == b.link_keys(overlap=60) == [legacy]
    svc_a, svc_b = service(engine, a, overlap=3600), service(engine, b, overlap=3600)
    expires = int(time.time()) + 3000
    old_token = svc_a.make_sender_token(7, expires)
    assert svc_b.verify_sender_token(old_token) == 7

    assert b.rotate_derived("links") == 2
    new_token = svc_a.make_sender_token(8, expires)      # A signs with the new key at once
    assert a.link_keys(overlap=3600)[0] != legacy and len(a.link_keys(overlap=3600)) == 2
    assert svc_b.verify_sender_token(new_token) == 8
    assert svc_a.verify_sender_token(old_token) == 7     # within the overlap
    closed = service(engine, a, overlap=0)               # past it: only the new key
    with pytest.raises(InvalidToken):
        closed.verify_sender_token(old_token)
    assert closed.verify_sender_token(new_token) == 8
    with pytest.raises(KeyRingError, match="cannot be rotated"):
        a.rotate_derived("blob")


def test_evidence_keys_rotate_and_old_evidence_opens(engine, tmp_path):
    a, b = rings(engine, tmp_path)
    cipher_a, cipher_b = EvidenceCipher(keys=a.evidence_keys), EvidenceCipher(keys=b.evidence_keys)
    legacy_key = hmac.new(a.meta_key, b"mailwarden/quarantine-evidence", hashlib.sha256).digest()
    before = EvidenceCipher(legacy_key).seal([{"rule": "r", "snippet": "机密 before"}])   # sealed by older versions
    assert "v" not in before and cipher_b.open(before) == [{"rule": "r", "snippet": "机密 before"}]
    a.evidence_keys()                                     # A has looked at the ring just now
    assert b.rotate_derived("evidence") == 2
    after = cipher_b.seal([{"rule": "r", "snippet": "after"}])
    assert after["v"] == 2
    assert cipher_a.open(after) == [{"rule": "r", "snippet": "after"}]    # A reloads for a version it lacks
    assert cipher_a.open(before) == [{"rule": "r", "snippet": "机密 before"}]
    assert cipher_a.seal("x")["v"] == 2
    reopened = KeyRing.open(tmp_path / "keys-a").bind(engine)
    assert EvidenceCipher(keys=reopened.evidence_keys).open(after) == [{"rule": "r", "snippet": "after"}]
