"""Key rotation while other processes run (issue 13): each Archive here is one process or node
with its own key ring object and its own keys_dir, on one database and one blob store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from archive import tables as t
from archive.blobstore import FilesystemBlobStore
from archive.keyring import KeyMissing, KeyRing
from archive.mime import simple_text_extractor
from archive.service import Archive, ArchiveKeyMissing, KeyInUse, create_schema
from tests.test_archive_support import build, put


def node(engine: sa.Engine, root: Path, keys: str) -> Archive:
    return Archive(engine, FilesystemBlobStore(root / "blobs"), KeyRing.open(root / keys), simple_text_extractor)


def kids_in_use(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {kid: n for kid, n in conn.execute(sa.select(t.blobs.c.kid, sa.func.count()).group_by(t.blobs.c.kid))}


def test_running_process_follows_rotate_and_retire(engine, tmp_path):
    """Before: process A kept its old key ring after `keys rotate` elsewhere, went on wrapping new
    mail under the old key, and after `keys retire` that mail was unreadable."""
    create_schema(engine)
    a = node(engine, tmp_path, "keys-a")
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-b")     # node B: the same master key
    b = node(engine, tmp_path, "keys-b")
    old = a.keyring.active_kid
    raws = [build(f"before {i}", f"body before {i}") for i in range(3)]
    ids = [put(a, raw) for raw in raws]
    stale = a.seal(build("sealed before the rotation", "in flight"))   # a session mid-DATA on A

    report = b.rotate_keys()
    new = report.new_kid
    assert new and new != old and kids_in_use(engine) == {new: 3}
    # A has not looked at the ring since; its next record is wrapped under the new key anyway
    raws.append(build("during", "after rotate, before retire"))
    ids.append(put(a, raws[-1]))
    assert kids_in_use(engine) == {new: 4}
    assert [a.open(i) for i in ids] == raws            # re-wrapped records open on A too
    assert (tmp_path / "keys-a" / f"master-{new}.key").exists()    # A keeps the key it learned

    b.retire_key(old)
    assert not (tmp_path / "keys-b" / f"master-{old}.key").exists()
    # the message A sealed under the old key before all this commits under the new one
    a.write_blob(stale)
    with engine.begin() as conn:
        ids.append(a.insert_record(conn, stale, _meta()))
    raws.append(a.open(ids[-1]))
    raws.append(build("after", "after retire"))
    ids.append(put(a, raws[-1]))
    assert kids_in_use(engine) == {new: 6}
    assert not (tmp_path / "keys-a" / f"master-{old}.key").exists()    # A shredded its copy
    for keys in ("keys-a", "keys-b"):     # restarts: both nodes open everything with the new key
        again = node(engine, tmp_path, keys)
        assert again.keyring.key_ids() == [new]
        assert [again.open(i) for i in ids] == raws
    assert node(engine, tmp_path, "keys-a").verify().ok


def _meta():
    from archive.service import RecordMeta

    return RecordMeta(mail_from="alice@corp.example", rcpt_tos=["bob@partner.example"], subject="in flight")


def test_retire_counts_a_data_key_written_a_moment_ago(engine, tmp_path):
    """A blob row under the old key committed after the rotation's re-wrap (an append that began
    before it) stops `retire`; once re-wrapped the key retires."""
    create_schema(engine)
    a = node(engine, tmp_path, "keys")
    old = a.keyring.active_kid
    put(a, build("one", "one"))
    a.rotate_keys()
    with engine.begin() as conn:     # what a writer that did not follow the ring would leave
        row = conn.execute(sa.select(t.blobs)).first()
        dek = a.keyring.unwrap(row.kid, bytes(row.wrapped_dek), b"mailwarden/dek\x00" + bytes.fromhex(row.dek_id))
        kid, wrapped = old, _wrap_under(a.keyring, old, dek, b"mailwarden/dek\x00" + bytes.fromhex(row.dek_id))
        conn.execute(sa.update(t.blobs).values(kid=kid, wrapped_dek=wrapped))
    with pytest.raises(KeyInUse, match="1 data keys are still wrapped by"):
        a.retire_key(old)
    assert a.rotate_keys().rewrapped == 1
    a.retire_key(old)
    with pytest.raises(KeyInUse, match="active"):
        a.retire_key(a.keyring.active_kid)


def _wrap_under(ring: KeyRing, kid: str, key: bytes, aad: bytes) -> bytes:
    from archive.keywrap import wrap

    return wrap(ring._masters[kid], key, aad + kid.encode())


def test_missing_key_is_named_and_answered_503(engine, tmp_path):
    """A node that slept through rotate + retire holds only the retired key: it says which key
    it misses (verify, open, API 503), never "integrity check failed"."""
    from admin_api.app import ApiServices, create_app
    from tests.test_api_support import Env

    env = Env(engine)
    create_schema(engine)
    a = node(engine, tmp_path, "keys-a")
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-c")
    rid = put(a, build("kept", "kept body"))
    sleeper = node(engine, tmp_path, "keys-c")
    old = a.keyring.active_kid
    new = a.rotate_keys().new_kid
    a.retire_key(old)
    with pytest.raises(ArchiveKeyMissing, match=f"master key {new} missing"):
        sleeper.open(rid)
    with pytest.raises(KeyMissing, match=f"master key {new} missing"):
        node(engine, tmp_path, "keys-c")     # a restart says the same, and writes nothing
    report = a.verify()
    assert report.ok
    app = create_app(ApiServices(engine=engine, quarantine=env.quarantine, archive=sleeper,
                                 rules_test=env.rules.test, rules_reload=env.rules.reload))
    client = TestClient(app)
    auditor = {"Authorization": f"Bearer {env.tokens['auditor']}"}
    resp = client.get(f"/api/v1/archive/{rid}", headers=auditor)
    assert resp.status_code == 503, resp.text
    assert f"master key {new} missing" in resp.json()["detail"]


def test_process_given_the_retired_key_keeps_running_until_restart(engine, tmp_path, monkeypatch):
    """A node started with MAILWARDEN_MASTER_KEY = the old key learns the new one (in memory
    only) and goes on through the old key's retirement; a restart with the old key is refused."""
    from archive.keyring import KeyRingRefused

    create_schema(engine)
    b = node(engine, tmp_path, "keys-b")
    old = b.keyring.active_kid
    key = (tmp_path / "keys-b" / f"master-{old}.key").read_text()
    monkeypatch.setenv("MW_TEST_MASTER", key.strip())
    a = Archive(engine, FilesystemBlobStore(tmp_path / "blobs"),
                KeyRing.open(tmp_path / "keys-a", master_key_env="MW_TEST_MASTER"), simple_text_extractor)
    ids = [put(a, build("one", "one"))]
    new = b.rotate_keys().new_kid
    ids.append(put(a, build("two", "two")))          # A learns the new key here
    b.retire_key(old)
    ids.append(put(a, build("three", "three")))      # A goes on
    assert kids_in_use(engine) == {new: 3}
    assert [a.open(i) for i in ids] == [build("one", "one"), build("two", "two"), build("three", "three")]
    assert not list((tmp_path / "keys-a").glob("master-*.key"))   # nothing written for an env node
    with pytest.raises(KeyRingRefused, match=f"MW_TEST_MASTER holds master key {old}, which was retired"):
        KeyRing.open(tmp_path / "keys-a", master_key_env="MW_TEST_MASTER").bind(engine)
    monkeypatch.setenv("MW_TEST_MASTER", (tmp_path / "keys-b" / f"master-{new}.key").read_text().strip())
    again = Archive(engine, FilesystemBlobStore(tmp_path / "blobs"),
                    KeyRing.open(tmp_path / "keys-a", master_key_env="MW_TEST_MASTER"), simple_text_extractor)
    assert again.open(ids[0]) == build("one", "one")


def test_messages_sealed_before_a_rotation_all_follow_it(engine, tmp_path):
    """CI found a data key left under the old master key after `keys rotate` (then `keys retire`
    refused): a group commit re-wrapped its first message sealed under the old key, and in doing so
    reloaded the ring, so the second was taken as current and written under the old key. The same
    happened when anything else in the process (an API read, an unwrap) had reloaded the ring
    between sealing and committing. What decides is the key a message was sealed under."""
    create_schema(engine)
    a = node(engine, tmp_path, "keys-a")
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-b")
    b = node(engine, tmp_path, "keys-b")
    old = a.keyring.active_kid
    stale = [a.seal(build(f"in flight {i}", f"sealed before the rotation {i}")) for i in range(3)]
    new = b.rotate_keys().new_kid
    with engine.begin() as conn:        # one group commit: two sealed under the old key
        ids = []
        for sealed in stale[:2]:
            a.write_blob(sealed)
            ids.append(a.insert_record(conn, sealed, _meta()))
    a.keyring.refresh()                 # another thread of the process reloads the ring
    a.write_blob(stale[2])
    with engine.begin() as conn:
        ids.append(a.insert_record(conn, stale[2], _meta()))
    assert kids_in_use(engine) == {new: 3}
    b.retire_key(old)
    assert [node(engine, tmp_path, "keys-b").open(i) for i in ids]


def test_the_same_message_again_after_a_retirement_is_archived(engine, tmp_path):
    """Review: rotation re-wraps the blob row, never the stored file, whose header still names the
    key the message was first sealed under. After rotate + retire the same message again (an MTA
    splitting recipients over two transactions, a resend after a lost 250) read the file under the
    header's retired key and failed every time (451 until the message expired)."""
    create_schema(engine)
    a = node(engine, tmp_path, "keys")
    old = a.keyring.active_kid
    raw = build("split delivery", "the same DATA in two SMTP transactions")
    first = put(a, raw)
    new = a.rotate_keys().new_kid
    a.retire_key(old)
    second = put(a, raw)
    assert a.open(second) == a.open(first) == raw
    assert kids_in_use(engine) == {new: 1}


def test_an_adopted_blob_commits_across_a_retirement(engine, tmp_path):
    """Review: a message whose content is stored already adopts the stored file's data key; the
    key itself is kept, so a retirement before its group commit (the ring reloaded by the message
    before it, the old key gone) re-wraps it instead of failing on the missing key."""
    create_schema(engine)
    a = node(engine, tmp_path, "keys-a")
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-b")
    b = node(engine, tmp_path, "keys-b")
    old = a.keyring.active_kid
    orphan = build("same DATA twice", "stored, its record lost with a failed batch")
    sealed_before = a.seal(orphan)
    a.write_blob(sealed_before)                          # the file under the old key, no row
    new = b.rotate_keys().new_kid
    put(a, build("after rotate", "A follows the new key"))
    sealed = [a.seal(build("fresh", "in the same group")), a.seal(orphan)]
    for s in sealed:
        a.write_blob(s)                                  # the second adopts the stored file
    assert sealed[1].kid == old
    b.retire_key(old)
    with engine.begin() as conn:                         # one group commit
        ids = [a.insert_record(conn, s, _meta()) for s in sealed]
    assert a.open(ids[1]) == orphan
    assert kids_in_use(engine) == {new: 3}


def test_an_audit_row_in_flight_through_rotate_and_retire_is_remaced(engine, tmp_path):
    """Review: an audit append that read the ring's generation before `keys rotate` committed
    signs its row under the old key and commits after `keys retire`'s walk over the rows looked;
    the walk's last step waits for the audit head and MACed only the head, so the retirement left
    a row that `audit verify` reports as rewritten. Under the head lock the stragglers are
    MACed again too. (PostgreSQL: SQLite's one writer serialises the two.)"""
    import threading
    import time

    from admin_api import tables as at
    from admin_api.audit import append_audit, audit_report, ensure_head, remac_audit
    from archive.chain import ChainKey

    if engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent writers (SQLite's writer lock serialises them)")
    create_schema(engine)
    at.metadata.create_all(engine)
    with engine.begin() as conn:
        at.post_create(conn)
    ensure_head(engine)
    api = node(engine, tmp_path, "keys-a")                          # the admin API process
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-b")
    cli = node(engine, tmp_path, "keys-b")                          # `mailwarden keys ...`
    old = api.keyring.active_kid
    api_chain = ChainKey(api.keyring, "audit-chain")
    append_audit(engine, chain=api_chain, action="archive.read", outcome="ok", status_code=200)
    inside, go = threading.Event(), threading.Event()

    def held_clock() -> float:      # the append holds the audit head and has read the generation
        inside.set()
        go.wait(10)
        return time.time()

    appender = threading.Thread(target=append_audit, args=(engine,), kwargs={
        "chain": api_chain, "action": "archive.read", "outcome": "ok", "status_code": 200, "clock": held_clock})
    appender.start()
    assert inside.wait(10)
    new = cli.rotate_keys().new_kid                                 # `keys rotate`
    remac = threading.Thread(target=remac_audit, args=(engine, ChainKey(cli.keyring, "audit-chain"), old))
    remac.start()                                                   # `keys retire`: the rows first ...
    time.sleep(1.0)                                                 # ... then it waits on the audit head
    go.set()
    appender.join(10)
    remac.join(10)
    cli.retire_key(old)
    assert audit_report(engine, ChainKey(cli.keyring, "audit-chain")) == []
    with engine.connect() as conn:
        assert set(conn.execute(sa.select(at.audit.c.mac_kid)).scalars()) == {new}
