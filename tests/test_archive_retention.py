"""Retention rules, legal holds and purge keep the chain verifiable and delete unreferenced blobs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from archive import tables as t
from archive.query import QueryError
from archive.retention import Retention, RetentionError
from tests.conftest import pg_schema_url
from tests.test_archive_support import build, make_archive, put

DAY = 86400.0
NOW = 1_800_000_000.0


@pytest.fixture
def aged(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    old = NOW - 400 * DAY
    ids = {
        "spam": put(archive, build("cheap pills", "buy now 便宜", sender="spam@junk.example"),
                    direction="inbound", verdict="rejected", received_at=old),
        "legal": put(archive, build("contract", "合同 legal", sender="amy@corp.example"),
                     direction="outbound", verdict="delivered", department="legal", received_at=old),
        "pci": put(archive, build("card", "card number", sender="bo@corp.example"),
                   direction="outbound", verdict="quarantined", rules=["pci-card"], received_at=old),
        "partner": put(archive, build("hello", "hi partner", to=("x@regulator.example",)),
                       direction="outbound", verdict="delivered", received_at=old),
        "recent": put(archive, build("recent spam", "buy", sender="spam@junk.example"),
                      direction="inbound", verdict="rejected", received_at=NOW - 10 * DAY),
        "ancient": put(archive, build("ancient", "seven years ago"), received_at=NOW - 2600 * DAY),
    }
    shared = build("shared", "same bytes kept by a later event")
    ids["shared_old"] = put(archive, shared, direction="inbound", verdict="rejected", received_at=old)
    ids["shared_new"] = put(archive, shared, event="released", verdict="released", received_at=NOW - DAY)
    archive.index_pending()
    rules = [
        {"direction": "inbound", "verdict": "rejected", "days": 90},
        {"department": "legal", "days": 3650},
        {"rule": "pci-card", "days": 3650},
        {"domain": "regulator.example", "days": 5000},
        {"direction": "outbound", "days": 365},
    ]
    return archive, ids, Retention(archive, rules, clock=lambda: NOW)


def test_rules_decide_retention_and_purge_keeps_chain(aged):
    archive, ids, retention = aged
    files_before = set(archive.blob_store.iter_addresses())
    report = retention.purge()
    assert set(report.purged_ids) == {ids["spam"], ids["ancient"], ids["shared_old"]}
    assert report.blobs_deleted == 2          # the shared blob is still used by the released record
    remaining = {i.id for i in archive.iter_search("")}
    assert remaining == {ids["legal"], ids["pci"], ids["partner"], ids["recent"], ids["shared_new"]}
    assert len(set(archive.blob_store.iter_addresses())) == len(files_before) - 2
    assert archive.open(ids["shared_new"])
    report = archive.verify()
    assert report.ok, report.broken           # tombstones keep the chain checkable
    assert {i.id for i in archive.iter_search("便宜")} == set()
    assert {i.id for i in archive.iter_search("合同")} == {ids["legal"]}
    # purge again: nothing more
    assert retention.purge().purged == 0
    with archive.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.tombstones)).scalar_one() == 3
    # a record deleted without a tombstone is still caught
    with archive.engine.begin() as conn:
        conn.execute(sa.delete(t.records).where(t.records.c.id == ids["pci"]))
    assert {rid for rid, _ in archive.verify().broken} == {ids["partner"]}


def test_legal_holds_block_purge_until_released(aged):
    archive, ids, retention = aged
    h_addr = retention.place_hold("address", "spam@junk.example", "litigation 42", "auditor-ann")
    h_query = retention.place_hold("query", "seven", "investigation", "auditor-ann")
    h_rec = retention.place_hold("record", str(ids["shared_old"]), "evidence", "auditor-bob")
    report = retention.purge()
    assert report.purged == 0 and report.held == 3
    retention.release_hold(h_addr, "auditor-ann", "case closed")
    report = retention.purge()
    assert report.purged_ids == [ids["spam"]] and report.held == 2
    retention.release_hold(h_query, "auditor-ann")
    retention.release_hold(h_rec, "auditor-bob")
    assert set(retention.purge().purged_ids) == {ids["ancient"], ids["shared_old"]}
    holds = retention.holds()
    assert [(h["kind"], h["created_by"], h["released_by"]) for h in holds] == [
        ("address", "auditor-ann", "auditor-ann"), ("query", "auditor-ann", "auditor-ann"),
        ("record", "auditor-bob", "auditor-bob")]
    assert holds[0]["reason"] == "litigation 42" and holds[0]["release_reason"] == "case closed"
    assert all(h["released_at"] == NOW for h in holds)
    assert retention.holds(active_only=True) == []
    with pytest.raises(RetentionError):
        retention.release_hold(h_addr, "auditor-ann")
    assert archive.verify().ok


def test_domain_hold_and_bad_input(aged):
    archive, ids, retention = aged
    retention.place_hold("address", "@junk.example", "all of junk", "ann")
    assert retention.purge().purged_ids == sorted([ids["ancient"], ids["shared_old"]])
    with pytest.raises(RetentionError):
        retention.place_hold("planet", "x", "why", "ann")
    with pytest.raises(RetentionError):
        retention.place_hold("record", "x", "why", "ann")
    with pytest.raises(RetentionError):
        retention.place_hold("address", "a@b", "", "ann")
    with pytest.raises(QueryError):
        retention.place_hold("query", "colour:red", "why", "ann")
    with pytest.raises(RetentionError, match="unknown key"):
        Retention(archive, [{"days": 5, "color": "red"}])
    with pytest.raises(RetentionError, match="days"):
        Retention(archive, [{"direction": "inbound", "days": "5"}])
    with pytest.raises(RetentionError, match="needs one of"):
        Retention(archive, [{"days": 5}])


def test_default_is_seven_years(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    keep = put(archive, build("a", "b"), received_at=NOW - 2554 * DAY)
    drop = put(archive, build("c", "d"), received_at=NOW - 2556 * DAY)
    report = Retention(archive).purge(now=NOW)
    assert report.purged_ids == [drop]
    assert [i.id for i in archive.iter_search("")] == [keep]
    assert archive.verify().ok


def test_orphan_blobs_collected_only_when_old_and_unreferenced(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    kept = put(archive, build("kept", "referenced"))
    orphan = archive.seal(build("orphan", "its acceptance rolled back"))
    archive.write_blob(orphan)
    retention = Retention(archive)
    assert retention.collect_orphans(min_age=3600) == 0          # too young: may be in flight
    assert retention.collect_orphans(min_age=0) == 1
    assert not archive.blob_store.exists(orphan.address)
    assert archive.open(kept)
    assert archive.verify().ok


def test_failed_indexing_keeps_the_pending_entry(engine, tmp_path):
    archive = make_archive(engine, tmp_path)

    def broken_extractor(raw):
        raise RuntimeError("extractor crashed")

    archive.text_extractor = broken_extractor
    rid = put(archive, build("x", "y"))
    assert archive.index_pending() == 0
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.index_pending)).one()
    assert row.record_id == rid and row.attempts == 1
    assert row.last_error == "RuntimeError in text extraction"     # no extractor text (could quote mail)
    from archive.mime import simple_text_extractor

    archive.text_extractor = simple_text_extractor
    assert archive.index_pending() == 1
    assert [i.id for i in archive.iter_search("y")] == [rid]


def test_query_hold_keeps_records_not_yet_indexed(engine, tmp_path):
    """Failed on the old code: a word hold matched only indexed records, so an expired record
    whose indexing had not run (or kept failing) was purged despite the hold."""
    archive = make_archive(engine, tmp_path)
    old = NOW - 400 * DAY
    pending = put(archive, build("board minutes", "merger codename falcon"), received_at=old)
    other = put(archive, build("lunch", "nothing", sender="bo@corp.example"), received_at=old)
    retention = Retention(archive, [], default_days=30, clock=lambda: NOW)
    retention.place_hold("query", "falcon from:alice@corp.example", "investigation", "ann")
    plan = retention.plan()
    report = retention.purge()
    assert report.purged_ids == plan.purged_ids == [other]        # bo's mail cannot match the hold
    assert report.held == plan.held == 1
    assert archive.open(pending)
    archive.index_pending()                                      # once indexed, the words decide
    assert retention.purge().purged == 0
    assert archive.verify().ok


@pytest.fixture
def pg_engine() -> Iterator[sa.Engine]:
    """PostgreSQL only: the deadlock below is between row locks, which SQLite does not take."""
    for url in pg_schema_url():
        eng = sa.create_engine(url)
        yield eng
        eng.dispose()


def test_purge_skips_a_record_the_indexer_has_claimed_instead_of_deadlocking(pg_engine, tmp_path):
    """The indexer claims pending rows FOR UPDATE SKIP LOCKED, then reads the chain head FOR
    SHARE; the purge locks the head, then deleted the same pending rows: each waited for the
    other (PostgreSQL's deadlock detector killed one: the scheduled purge failed at random).
    Now a record the indexer holds is tried again a moment later, or left for the next run."""
    archive = make_archive(pg_engine, tmp_path)
    old = NOW - 400 * DAY
    busy = put(archive, build("being indexed", "claimed by the indexer"), direction="inbound",
               verdict="rejected", received_at=old)
    free = put(archive, build("not claimed", "nobody holds it"), direction="inbound", verdict="rejected",
               received_at=old)
    retention = Retention(archive, [{"direction": "inbound", "days": 90}], clock=lambda: NOW)
    indexer = pg_engine.connect()
    tx = indexer.begin()
    indexer.execute(sa.select(t.index_pending.c.record_id).where(t.index_pending.c.record_id == busy)
                    .with_for_update(skip_locked=True)).scalar_one()
    result: dict[str, object] = {}

    def purge() -> None:
        try:
            result["report"] = retention.purge()
        except Exception as exc:  # noqa: BLE001 - the test reports it
            result["error"] = exc

    worker = threading.Thread(target=purge)
    worker.start()
    time.sleep(1.0)                                   # the purge now holds the head (old code: and waits)
    try:
        indexer.execute(sa.select(t.head.c.id).where(t.head.c.id == 1).with_for_update(read=True)).all()
    finally:
        tx.rollback()
        indexer.close()
    worker.join(30)
    assert "error" not in result, result.get("error")
    report = result["report"]
    assert report.purged_ids == [free, busy]          # the claimed one once the indexer let go
    assert report.busy == 0
    assert archive.verify().ok
