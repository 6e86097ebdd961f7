"""Key ring files, environment master key, rotation (resumable) and retirement."""

from __future__ import annotations

import base64
import os
import secrets
import stat

import pytest
import sqlalchemy as sa

from archive import tables as t
from archive.keyring import KeyRing, KeyRingError
from archive.service import KeyInUse
from tests.test_archive_support import build, make_archive, put


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_keyring_created_private_and_reloaded(tmp_path):
    ring = KeyRing.open(tmp_path / "keys")
    assert mode(tmp_path / "keys") == 0o700
    files = list((tmp_path / "keys").iterdir())
    assert {f.name for f in files} == {f"master-{ring.active_kid}.key", "active", "derived.json"}
    assert all(mode(f) == 0o600 for f in files)
    again = KeyRing.open(tmp_path / "keys")
    assert again.active_kid == ring.active_kid
    assert again.index_key == ring.index_key and again.address_key == ring.address_key
    assert len({ring.index_key, ring.address_key, ring.meta_key}) == 3
    # the derived keys are stored wrapped, never in the clear
    derived = (tmp_path / "keys" / "derived.json").read_bytes()
    for key in (ring.index_key, ring.address_key, ring.meta_key):
        assert base64.b64encode(key) not in derived and key not in derived


def test_master_key_from_environment(tmp_path, monkeypatch):
    key = secrets.token_bytes(32)
    monkeypatch.setenv("MW_TEST_MASTER", base64.b64encode(key).decode())
    ring = KeyRing.open(tmp_path / "keys", master_key_env="MW_TEST_MASTER")
    assert not list((tmp_path / "keys").glob("master-*.key"))     # nothing written for the env key
    again = KeyRing.open(tmp_path / "keys", master_key_env="MW_TEST_MASTER")
    assert again.active_kid == ring.active_kid and again.meta_key == ring.meta_key
    with pytest.raises(KeyRingError):
        ring.new_master_key()
    monkeypatch.setenv("MW_TEST_MASTER", "not base64!")
    with pytest.raises(KeyRingError, match="base64"):
        KeyRing.open(tmp_path / "keys", master_key_env="MW_TEST_MASTER")
    monkeypatch.setenv("MW_TEST_MASTER", base64.b64encode(b"short").decode())
    with pytest.raises(KeyRingError, match="32 bytes"):
        KeyRing.open(tmp_path / "keys", master_key_env="MW_TEST_MASTER")
    monkeypatch.delenv("MW_TEST_MASTER")
    with pytest.raises(KeyRingError):   # without the env key the derived keys cannot be unwrapped
        KeyRing.open(tmp_path / "keys")


def test_rotation_rewraps_and_old_key_can_be_retired(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    raws = [build(f"rotate {i}", f"rotation body {i} 轮换密钥") for i in range(7)]
    ids = [put(archive, raw) for raw in raws]
    archive.index_pending()
    old = archive.keyring.active_kid
    blob_bytes = {a: archive.blob_store.get(a) for a in archive.blob_store.iter_addresses()}
    with pytest.raises(KeyInUse, match="active"):     # before rotation the old key is still in use
        archive.retire_key(old)

    # an interrupted rotation: the first batch commits, then the run dies
    def die(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        archive.rotate_keys(batch_size=3, progress=die)
    new = archive.keyring.active_kid
    assert new != old
    assert archive.keys_in_use() == {new: 3, old: 4}
    with pytest.raises(KeyInUse, match="4 data keys"):
        archive.retire_key(old)
    report = archive.rotate_keys(batch_size=3)     # the second run continues, no third key
    assert report.new_kid is None and report.rewrapped == 4
    assert archive.keyring.active_kid == new and archive.keys_in_use() == {new: 7}
    # bodies untouched, everything still opens and is searchable
    assert {a: archive.blob_store.get(a) for a in archive.blob_store.iter_addresses()} == blob_bytes
    assert [archive.open(i) for i in ids] == raws
    assert {i.id for i in archive.iter_search("轮换")} == set(ids)
    archive.retire_key(old)
    assert not (tmp_path / "keys" / f"master-{old}.key").exists()
    # a fresh process sees the same keys; new mail, search and verify all work
    reopened = make_archive(engine, tmp_path)
    assert reopened.keyring.key_ids() == [new]
    assert reopened.open(ids[0]) == raws[0]
    later = put(reopened, build("after rotation", "轮换 after"))
    reopened.index_pending()
    assert {i.id for i in reopened.iter_search("轮换")} == {*ids, later}
    assert reopened.verify().ok
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.blobs)
                            .where(t.blobs.c.kid == old)).scalar_one() == 0
