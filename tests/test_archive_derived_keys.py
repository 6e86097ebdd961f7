"""The blob-address and metadata keys rotate (issue 13): new blobs and records use the new
version, everything made before keeps opening, verifying and matching searches on every node.

Before, `keys rotate-derived` refused both ("cannot be rotated"): a leaked address or metadata
key could never be replaced."""

from __future__ import annotations

import hashlib
import hmac
import shutil

import pytest
import sqlalchemy as sa

from archive import tables as t
from archive.blobstore import FilesystemBlobStore
from archive.keyring import KeyRing
from archive.mime import simple_text_extractor
from archive.service import Archive, ArchiveIntegrityError, ArchiveKeyMissing, create_schema
from tests.test_archive_support import build, put


def node(engine, tmp_path, keys: str) -> Archive:
    """One process or node: its own key directory (same master key), the shared blob store."""
    return Archive(engine, FilesystemBlobStore(tmp_path / "blobs"), KeyRing.open(tmp_path / keys),
                   simple_text_extractor)


def record_row(engine, record_id: int):
    with engine.connect() as conn:
        return conn.execute(sa.select(t.records).where(t.records.c.id == record_id)).one()


def test_address_and_metadata_keys_rotate_forward(engine, tmp_path):
    create_schema(engine)
    a = node(engine, tmp_path, "keys-a")
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-b")
    b = node(engine, tmp_path, "keys-b")
    first = build("季度预算 before", "body before the rotation")
    old_address_key = a.keyring.active_derived("address")[1]
    id1 = put(a, first)
    row1 = record_row(engine, id1)
    assert row1.blob_address == hmac.new(old_address_key, first, hashlib.sha256).hexdigest()   # version 1 as before

    assert b.keyring.rotate_derived("address") == 2
    assert b.keyring.rotate_derived("meta") == 2
    # A notices under the chain-head lock: this record's metadata is sealed under meta v2
    second = build("季度预算 during", "body during")
    id2 = put(a, second)
    assert bytes(record_row(engine, id2).meta_enc)[:6] == b"MWm2\x00\x02"
    # and from then on it addresses new blobs under address v2 (64 hex digits, ending in the version)
    third, again = build("季度预算 after", "body after"), first          # the same content as record 1
    id3, id4 = put(a, third), put(a, again)
    row3, row4 = record_row(engine, id3), record_row(engine, id4)
    new_key = a.keyring.derived_version("address", 2)
    assert row3.blob_address == hmac.new(new_key, third, hashlib.sha256).hexdigest()[:60] + "0002"
    assert len(row4.blob_address) == 64 and row4.blob_address != row1.blob_address   # stored anew
    assert new_key != old_address_key

    ids, raws = [id1, id2, id3, id4], [first, second, third, again]
    assert b.index_pending() == 4       # the indexer reads each record's metadata (v1 and v2)
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-c")
    for archive in (a, b, node(engine, tmp_path, "keys-c")):   # every node, and a restart
        assert [archive.open(i) for i in ids] == raws
        assert sorted(item.subject for item in archive.iter_search("季度预算")) == [
            "季度预算 after", "季度预算 before", "季度预算 before", "季度预算 during"]
        report = archive.verify()
        assert report.ok, report


def test_a_record_naming_an_unknown_metadata_key_is_reported_missing(engine, tmp_path):
    create_schema(engine)
    a = node(engine, tmp_path, "keys")
    a.keyring.rotate_derived("meta")
    rid = put(a, build("subject", "body"))
    row = dict(record_row(engine, rid)._mapping)
    enc = bytes(row["meta_enc"])
    assert a.decrypt_meta(row)[0] == "subject"
    with pytest.raises(ArchiveKeyMissing, match="meta version 9 is not in the key ring"):
        a.decrypt_meta({**row, "meta_enc": enc[:4] + b"\x00\x09" + enc[6:]})
    with pytest.raises(ArchiveIntegrityError, match="does not authenticate"):
        a.decrypt_meta({**row, "id": rid + 1})       # bound to its record


def test_a_blob_moved_under_another_address_does_not_verify(engine, tmp_path):
    create_schema(engine)
    a = node(engine, tmp_path, "keys")
    a.keyring.rotate_derived("address")
    raw = build("subject", "body")
    sealed = a.seal(raw)
    assert sealed.address.endswith("0002")
    forged = sealed.address[:60] + "0001"          # the same digits claimed under version 1
    assert a.address_matches(raw, sealed.address) and not a.address_matches(raw, forged)
    assert not a.address_matches(b"other content", sealed.address)
