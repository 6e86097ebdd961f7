"""Key ring files, environment master key, rotation (resumable) and retirement."""

from __future__ import annotations

import base64
import os
import secrets
import stat

import pytest
import sqlalchemy as sa

from archive import tables as t
from archive.blobstore import FilesystemBlobStore
from archive.keyring import KeyMissing, KeyRing, KeyRingError, KeyRingRefused
from archive.service import Archive, KeyInUse, create_schema
from tests.test_archive_support import build, make_archive, put


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _ring(engine, keys_dir, env=None):
    return KeyRing.open(keys_dir, master_key_env=env).bind(engine)


def _db_dump(engine):
    """Every key ring row and the generation: what 'nothing written' compares."""
    with engine.connect() as conn:
        return ([tuple(r) for r in conn.execute(sa.select(t.keyring))],
                sorted(tuple(r) for r in conn.execute(sa.select(t.master_keys))),
                sorted(tuple(r) for r in conn.execute(sa.select(t.master_wraps))),
                sorted(tuple(r) for r in conn.execute(sa.select(t.derived_keys))),
                conn.execute(sa.select(t.head.c.key_generation)).scalar())


def test_keyring_created_private_and_reloaded(engine, tmp_path):
    create_schema(engine)
    ring = _ring(engine, tmp_path / "keys")
    assert mode(tmp_path / "keys") == 0o700
    files = list((tmp_path / "keys").iterdir())
    assert {f.name for f in files} == {f"master-{ring.active_kid}.key"}
    assert all(mode(f) == 0o600 for f in files)
    again = _ring(engine, tmp_path / "keys")
    assert again.active_kid == ring.active_kid
    assert again.index_key == ring.index_key and again.address_key == ring.address_key
    assert len({ring.index_key, ring.address_key, ring.meta_key}) == 3
    # the derived keys live in the database, wrapped, never in the clear
    dump = repr(_db_dump(engine)).encode()
    for key in (ring.index_key, ring.address_key, ring.meta_key):
        assert base64.b64encode(key) not in dump and key.hex().encode() not in dump


def test_master_key_from_environment(engine, tmp_path, monkeypatch):
    create_schema(engine)
    key = secrets.token_bytes(32)
    monkeypatch.setenv("MW_TEST_MASTER", base64.b64encode(key).decode())
    ring = _ring(engine, tmp_path / "keys", "MW_TEST_MASTER")
    assert not list((tmp_path / "keys").glob("master-*.key"))     # nothing written for the env key
    again = _ring(engine, tmp_path / "other-node-keys", "MW_TEST_MASTER")
    assert again.active_kid == ring.active_kid and again.meta_key == ring.meta_key
    monkeypatch.setenv("MW_TEST_MASTER", "not base64!")
    with pytest.raises(KeyRingError, match="base64"):
        KeyRing.open(tmp_path / "keys", master_key_env="MW_TEST_MASTER")
    monkeypatch.setenv("MW_TEST_MASTER", base64.b64encode(b"short").decode())
    with pytest.raises(KeyRingError, match="32 bytes"):
        KeyRing.open(tmp_path / "keys", master_key_env="MW_TEST_MASTER")
    monkeypatch.delenv("MW_TEST_MASTER")
    with pytest.raises(KeyMissing, match=f"master key {ring.active_kid} missing"):
        _ring(engine, tmp_path / "keys")   # no key here opens the ring; none is made up either
    assert not list((tmp_path / "keys").glob("master-*.key"))


def test_wrong_environment_key_is_refused_and_writes_nothing(engine, tmp_path, monkeypatch):
    """Issue 13: a command run once with a wrong MAILWARDEN_MASTER_KEY re-wrapped the derived
    keys under it, locking everyone else out. Now it is refused before any write."""
    create_schema(engine)
    archive = Archive(engine, FilesystemBlobStore(tmp_path / "blobs"), KeyRing.open(tmp_path / "keys"))
    rid = put(archive, build("before", "a body"))
    before, files = _db_dump(engine), sorted(p.read_bytes() for p in (tmp_path / "keys").iterdir())
    wrong = secrets.token_bytes(32)
    monkeypatch.setenv("MW_TEST_MASTER", base64.b64encode(wrong).decode())
    with pytest.raises(KeyRingRefused, match="not in this archive's key ring.*nothing written"):
        _ring(engine, tmp_path / "keys", "MW_TEST_MASTER")
    assert _db_dump(engine) == before
    assert sorted(p.read_bytes() for p in (tmp_path / "keys").iterdir()) == files
    monkeypatch.delenv("MW_TEST_MASTER")
    assert make_archive(engine, tmp_path).open(rid) == build("before", "a body")


def test_wrong_environment_key_refused_by_cli_exit_2(tmp_path, monkeypatch, capsys):
    from gateway.cli import main
    from gateway.settings import load_settings
    from tests.harness import free_port, write_config

    cfg = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                       smtp_port=free_port(), api_port=free_port())
    monkeypatch.delenv("MAILWARDEN_MASTER_KEY", raising=False)
    assert main(["keys", "list", "--config", str(cfg)]) == 0
    keys_dir = load_settings(cfg).keys_dir
    files = {p.name: p.read_bytes() for p in keys_dir.iterdir()}
    capsys.readouterr()
    monkeypatch.setenv("MAILWARDEN_MASTER_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    assert main(["archive", "search", "anything", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "MAILWARDEN_MASTER_KEY holds master key mk-" in err[0] and "nothing written" in err[0]
    assert {p.name: p.read_bytes() for p in keys_dir.iterdir()} == files
    monkeypatch.delenv("MAILWARDEN_MASTER_KEY")
    assert main(["keys", "list", "--config", str(cfg)]) == 0


def test_older_keys_dir_is_imported_with_its_derived_keys(engine, tmp_path, monkeypatch):
    """A keys_dir of the file-only layout (active + derived.json) keeps its derived keys' values
    (blob addresses, the blind index stay valid); a wrong env key cannot take it over."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from archive.keywrap import key_id_of

    create_schema(engine)
    kdir = tmp_path / "keys"
    kdir.mkdir(mode=0o700)
    master = secrets.token_bytes(32)
    kid = key_id_of(master)
    (kdir / f"master-{kid}.key").write_bytes(base64.b64encode(master) + b"\n")
    (kdir / "active").write_text(kid + "\n")
    values = {name: secrets.token_bytes(32) for name in ("index", "address", "meta")}
    doc = {"version": 1, "kid": kid, "keys": {}}
    for name, value in values.items():
        nonce = secrets.token_bytes(12)
        aad = b"mailwarden/derived\x00" + name.encode() + kid.encode()
        doc["keys"][name] = base64.b64encode(nonce + AESGCM(master).encrypt(nonce, value, aad)).decode()
    import json

    (kdir / "derived.json").write_text(json.dumps(doc))
    monkeypatch.setenv("MW_TEST_MASTER", base64.b64encode(secrets.token_bytes(32)).decode())
    with pytest.raises(KeyRingRefused, match="derived.json is wrapped by master key"):
        _ring(engine, kdir, "MW_TEST_MASTER")
    assert _db_dump(engine)[0] == [] and json.loads((kdir / "derived.json").read_text()) == doc
    monkeypatch.delenv("MW_TEST_MASTER")
    ring = _ring(engine, kdir)
    assert ring.active_kid == kid
    assert (ring.index_key, ring.address_key, ring.meta_key) == (values["index"], values["address"], values["meta"])


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


def test_cli_keys_list_rotate_retire(tmp_path, monkeypatch, capsys):
    from gateway.cli import main
    from tests.harness import free_port, write_config

    monkeypatch.delenv("MAILWARDEN_MASTER_KEY", raising=False)
    cfg = str(write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                           smtp_port=free_port(), api_port=free_port()))
    assert main(["keys", "list", "--config", cfg]) == 0
    [old] = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.endswith("(active)")]
    assert main(["keys", "rotate", "--config", cfg]) == 0
    assert main(["keys", "rotate-derived", "links", "--config", cfg]) == 0
    assert "links version 2 is active" in capsys.readouterr().out
    assert main(["keys", "rotate-derived", "meta", "--config", cfg]) == 0
    assert "meta version 2 is active" in capsys.readouterr().out
    assert main(["keys", "retire", old, "--config", cfg]) == 0
    assert main(["keys", "list", "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert f"{old}  (retired)" in out and "links: v2 active, v1 old" in out
    assert "meta: v2 active, v1 old" in out and "address: v1 active" in out
    assert main(["keys", "retire", old, "--config", cfg]) == 1
    assert "already retired" in capsys.readouterr().err
