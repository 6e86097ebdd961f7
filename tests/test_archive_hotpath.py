"""The archive's per-message hot path stores exactly what the plain implementations did.

``insert_record`` runs pre-compiled SQL (one statement for everything after the blob row on
PostgreSQL), formats the PostgreSQL tsvector, canonical JSON and addresses its own way: each
is compared here with the straightforward version it replaced.
"""

from __future__ import annotations

import hashlib
import json
import threading
from email.utils import getaddresses

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import tables as t
from archive.indexing import tsvector_literal as _tsvector_literal
from archive.model import bare_addresses as _addrs
from archive.model import canonical_json as _canonical_json
from archive.model import meta_json as _meta_json
from archive.service import (
    CHAIN_FIELDS,
    TSV_MAX_POS,
    TSV_MAX_POS_PER_LEXEME,
    RecordMeta,
    chain_hash,
)
from tests.test_archive_support import build, make_archive, put


# ---- pure helpers against the code they replaced --------------------------------------------
def old_addrs(values):
    out: list[str] = []
    for _name, addr in getaddresses([v for v in values if v]):
        addr = addr.strip().lower()
        if addr and addr not in out:
            out.append(addr)
    return out


def old_tsvector_literal(tokens: list[str]) -> str:
    positions: dict[str, list[int]] = {}
    for i, tok in enumerate(tokens, start=1):
        pos = positions.setdefault(tok, [])
        if len(pos) < TSV_MAX_POS_PER_LEXEME:
            pos.append(min(i, TSV_MAX_POS))
    return " ".join(f"'{tok}':{','.join(map(str, sorted(set(p))))}" for tok, p in positions.items())


ATOM = st.text(alphabet="aZ09_+-.%!#'\"()<>,;:@[] \t\\é", min_size=0, max_size=8)
BARE = st.from_regex(r"[A-Za-z0-9_+-]{1,6}(\.[A-Za-z0-9_+-]{1,4}){0,2}@[A-Za-z0-9-]{1,6}(\.[A-Za-z0-9-]{1,4}){0,2}",
                     fullmatch=True)
ADDRESS = st.one_of(BARE, BARE.map(str.upper), st.builds(lambda a, b: a + b, BARE, ATOM),
                    st.builds(lambda a, b: b + a, BARE, ATOM), st.builds(lambda n, a: f"{n} <{a}>", ATOM, BARE),
                    ATOM, st.none(), st.just(""))


@settings(max_examples=1000, deadline=None)
@given(st.lists(ADDRESS, max_size=5))
def test_addresses_equal_getaddresses(values) -> None:
    assert _addrs(values) == old_addrs(values)


@pytest.mark.parametrize("values", [
    ["alice@example.com", "Alice@Example.COM"], ["a.b+c@x-y.example"], ["a..b@x.com"], [".a@x.com"], ["a@x..com"],
    ["a@x.com."], ["Bob <bob@x.com>", "bob@x.com"], ['"unclosed@x.com', "b@y.com"], ["a@b@c"], [" a@b.com "],
    ["a@b.com, c@d.com"], ["(comment) a@b.com"], ["é@x.com"], ["a@[1.2.3.4]"], ["undisclosed-recipients:;"],
])
def test_address_examples_equal_getaddresses(values) -> None:
    assert _addrs(values) == old_addrs(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["aaaa", "bbbb", "cccc", "dddd", "eeee", "ffff"]), max_size=600))
def test_tsvector_literal_equals_the_plain_version(tokens) -> None:
    assert _tsvector_literal(tokens) == old_tsvector_literal(tokens)


@pytest.mark.parametrize("count", [TSV_MAX_POS - 1, TSV_MAX_POS, TSV_MAX_POS + 1, TSV_MAX_POS + 700])
@pytest.mark.parametrize("distinct", [1, 2, 70, 400])
def test_tsvector_literal_past_the_position_limits(count, distinct) -> None:
    tokens = [f"t{(i * 7919) % distinct}" for i in range(count)]
    tokens[-1] = "only-at-the-end"
    assert _tsvector_literal(tokens) == old_tsvector_literal(tokens)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), JSON_VALUE, max_size=8))
def test_json_encoders_equal_json_dumps(doc) -> None:
    assert _canonical_json(doc) == json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert _meta_json(doc) == json.dumps(doc, ensure_ascii=False)


# ---- what insert_record stores -----------------------------------------------------------
def _raw_rows(conn: sa.Connection, table: sa.Table, where: str, order: str) -> list[tuple]:
    """Rows as the database holds them (JSON and tsvector as their text)."""
    if conn.dialect.name == "postgresql":
        cols = ", ".join(f"CAST({c.name} AS TEXT)" if isinstance(c.type, sa.JSON) or c.name == "tsv"
                         else c.name for c in table.columns)
    else:
        cols = ", ".join(c.name for c in table.columns)
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in conn.exec_driver_sql(f"SELECT {cols} FROM {table.name} WHERE {where} ORDER BY {order}")]


@pytest.mark.parametrize("with_tokens", [True, False])
def test_insert_record_stores_what_sqlalchemy_core_stored(engine, tmp_path, with_tokens) -> None:
    """The same values through the plain Core statements give byte-identical rows (JSON text,
    floats, booleans, blobs, addresses, rules, the index entry or pending row)."""
    archive = make_archive(engine, tmp_path)
    raw = build("Quarterly 报告", "body 正文 text", to=("Bob <bob@partner.example>", "carol@x.example"),
                cc=("Dave@Partner.Example",), attachments=(("a.pdf", b"%PDF-1.4", "application/pdf"),))
    meta = RecordMeta(message_id="<m@x>", mail_from="Alice@Corp.Example", rcpt_tos=["bob@partner.example"],
                      header_from="Alice <alice@corp.example>", header_to=["bob@partner.example", "carol@x.example"],
                      header_cc=["dave@partner.example"], date="Mon, 02 Mar 2026 10:00:00 +0000", size=len(raw),
                      direction="outbound", verdict="quarantined", rules=["r2", "r1", "r2"], department="sales",
                      attachments=[("a.pdf", "application/pdf"), ("b", "")], subject="Quarterly 报告",
                      received_at=1_700_000_000.25)
    sealed = archive.seal(raw)
    archive.write_blob(sealed)
    tokens = archive.index_tokens(meta.subject, ["a.pdf"], ["body 正文 text"]) if with_tokens else None
    with engine.begin() as conn:
        rid = archive.insert_record(conn, sealed, meta, tokens)
    assert archive.verify().ok

    # The reference: the same values through the Core statements, as record rid + 1000.
    ref = rid + 1000
    with engine.connect() as conn, conn.begin() as transaction:   # rolled back at the end
        row = dict(conn.execute(sa.select(t.records).where(t.records.c.id == rid)).one()._mapping)
        head = conn.execute(sa.select(t.head)).one()
        assert (head.last_id, head.last_hash) == (rid, row["record_hash"])
        conn.execute(t.records.insert(), {**row, "id": ref})
        addr = [dict(r._mapping) for r in conn.execute(sa.select(t.addresses).where(t.addresses.c.record_id == rid))]
        assert sorted((a["kind"], a["address"], a["domain"]) for a in addr) == [
            ("f", "alice@corp.example", "corp.example"), ("t", "bob@partner.example", "partner.example"),
            ("t", "carol@x.example", "x.example"), ("t", "dave@partner.example", "partner.example")]
        conn.execute(t.addresses.insert(), [{**a, "record_id": ref} for a in addr])
        conn.execute(t.record_rules.insert(), [{"record_id": ref, "rule": r} for r in ["r1", "r2"]])
        if with_tokens:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.insert(t.fulltext).values(
                    record_id=ref, tsv=sa.cast(old_tsvector_literal(tokens), t.fulltext.c.tsv.type)))
        else:
            conn.execute(t.index_pending.insert(), {"record_id": ref, "attempts": 0})
        for table, order in [(t.records, "id"), (t.addresses, "kind, address"), (t.record_rules, "rule"),
                             (t.fulltext, "record_id"), (t.index_pending, "record_id")]:
            key = "id" if table is t.records else "record_id"
            got = _raw_rows(conn, table, f"{key} = {rid}", order)
            want = _raw_rows(conn, table, f"{key} = {ref}", order)
            assert [r[1:] for r in got] == [r[1:] for r in want], table.name     # all but the id
        rows_with_rules = _raw_rows(conn, t.record_rules, f"record_id = {rid}", "rule")
        assert [r[1] for r in rows_with_rules] == ["r1", "r2"]
        pending = _raw_rows(conn, t.index_pending, f"record_id = {rid}", "record_id")
        assert len(pending) == (0 if with_tokens else 1)
        if engine.dialect.name == "postgresql":
            assert len(_raw_rows(conn, t.fulltext, f"record_id = {rid}", "record_id")) == (1 if with_tokens else 0)
        transaction.rollback()
    if with_tokens:   # the index finds it
        assert [i.id for i in archive.search("正文").items] == [rid]
        assert [i.id for i in archive.search("subject:quarterly").items] == [rid]


def test_chain_fields_are_hashed_from_the_row() -> None:
    """chain_hash canonical form: unchanged (a fixed record gives a fixed hash)."""
    row = {name: None for name in CHAIN_FIELDS}
    row.update(id=7, blob_address="a" * 64, sha256="b" * 64, dek_id="c" * 32, event="accepted", received_at=1,
               rcpt_tos=["x@y"], header_to=["é@x"], header_cc=[], rules=["r"], attachment_types=[],
               has_attachment=0, size=5, mail_from="a@b", date_at=3, meta_enc=b"\x00\x01")
    doc = {name: row[name] for name in CHAIN_FIELDS}
    doc.update(has_attachment=False, received_at=1.0, date_at=3.0, meta_enc="0001")
    canon = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert chain_hash("0" * 64, row) == hashlib.sha256(("0" * 64).encode() + b"\n" + canon.encode()).hexdigest()


def test_insert_record_creates_a_missing_chain_head(engine, tmp_path) -> None:
    archive = make_archive(engine, tmp_path)
    with engine.begin() as conn:
        conn.execute(sa.delete(t.head))
    first = put(archive, build("first", "body one"))
    second = put(archive, build("second", "body two"))
    assert (first, second) == (1, 2)
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.head.c.last_id)).scalar_one() == 2
    assert archive.verify().ok


def test_concurrent_writers_of_the_same_message_share_one_blob(engine, tmp_path) -> None:
    """The head lock and the blob row (one statement on PostgreSQL): racing acceptances of one
    message each get a record, all naming the one blob row and its data key."""
    archive = make_archive(engine, tmp_path)
    raw = build("same", "the same message accepted by several sessions")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                put(archive, raw)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    report = archive.verify()
    assert report.ok and report.checked == 15, report.broken
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.blobs)).scalar_one() == 1
        deks = set(conn.execute(sa.select(t.records.c.dek_id)).scalars())
        assert deks == {conn.execute(sa.select(t.blobs.c.dek_id)).scalar_one()}
    for rid in range(1, 16):
        assert archive.open(rid) == raw
