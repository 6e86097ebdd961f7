"""Blind full-text search and filters on SQLite and PostgreSQL: Chinese, English and mixed mail."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from archive import tables as t
from archive.mime import meta_from_raw, simple_text_extractor
from archive.query import QueryError, parse_query
from archive.service import RecordMeta
from tests.test_archive_support import build, make_archive, put

DAY = 86400.0
T0 = 1_772_000_000.0  # 2026-02-25


@pytest.fixture
def corpus(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    ids = {}
    ids["cn"] = put(archive, build(
        "采购合同审批", "请审批附件中的采购合同。金额五万元。",
        attachments=(("contract-scan.pdf", b"%PDF-1.4 binary", "application/pdf"),)),
        direction="outbound", verdict="quarantined", rules=["dlp-contract"], department="purchasing",
        received_at=T0)
    ids["en"] = put(archive, build(
        "Quarterly budget review", "The quick brown fox jumps over the lazy dog. Budget meeting on Friday.",
        sender="carol@external.example", to=("alice@corp.example",)),
        direction="inbound", verdict="delivered", received_at=T0 + DAY)
    ids["mixed"] = put(archive, build(
        "Re: 合同 draft v2", "Please see the 合同草案 attached. The contract value is confidential.",
        sender="dave@corp.example", to=("erin@corp.example",), cc=("frank@partner.example",)),
        direction="internal", verdict="delivered", rules=["dlp-contract", "confidential-word"],
        received_at=T0 + 2 * DAY)
    ids["meeting"] = put(archive, build("会议通知", "明天下午三点开会，地点在同一会议室。"),
                         direction="outbound", verdict="rejected", received_at=T0 + 3 * DAY)
    ids["jk"] = put(archive, build("見積書の送付", "お見積もりを送付します。안녕하세요 회의 자료입니다."),
                    direction="inbound", verdict="released", received_at=T0 + 4 * DAY)
    assert archive.index_pending() == 5
    return archive, ids


def found(archive, q, **kw):
    return {item.id for item in archive.iter_search(q, **kw)}


def test_chinese_two_character_word_and_substrings(corpus):
    archive, ids = corpus
    assert found(archive, "合同") == {ids["cn"], ids["mixed"]}
    assert found(archive, "采购合同") == {ids["cn"]}
    assert found(archive, "合同草案") == {ids["mixed"]}
    assert found(archive, "购合") == {ids["cn"]}          # a substring across words still matches
    assert found(archive, "同合") == set()
    assert found(archive, "草案合同") == set()            # bigrams present but not adjacent in order
    assert found(archive, "会议") == {ids["meeting"]}
    assert found(archive, "회의") == {ids["jk"]}
    assert found(archive, "見積") == {ids["jk"]}


def test_chinese_single_characters(corpus):
    archive, ids = corpus
    assert found(archive, "合") == {ids["cn"], ids["mixed"]}
    assert found(archive, "同") == {ids["cn"], ids["mixed"], ids["meeting"]}
    assert found(archive, "审") == {ids["cn"]}
    assert found(archive, "鑫") == set()


def test_english_words_phrases_and_case(corpus):
    archive, ids = corpus
    assert found(archive, "budget") == {ids["en"]}
    assert found(archive, "BUDGET Fox") == {ids["en"]}
    assert found(archive, "budget contract") == set()
    assert found(archive, '"quick brown fox"') == {ids["en"]}
    assert found(archive, '"brown quick"') == set()
    assert found(archive, '"the contract value"') == {ids["mixed"]}
    assert found(archive, "Ｂｕｄｇｅｔ") == {ids["en"]}          # NFKC: full-width letters


def test_mixed_phrase_and_attachment_names(corpus):
    archive, ids = corpus
    assert found(archive, '"the 合同草案"') == {ids["mixed"]}
    assert found(archive, "合同 confidential") == {ids["mixed"]}
    assert found(archive, "contract-scan.pdf") == {ids["cn"]}


def test_subject_filter_uses_subject_tokens_only(corpus):
    archive, ids = corpus
    assert found(archive, "subject:合同") == {ids["cn"], ids["mixed"]}
    assert found(archive, "subject:budget") == {ids["en"]}
    assert found(archive, "subject:fox") == set()              # in the body, not the subject
    assert found(archive, 'subject:"budget review"') == {ids["en"]}
    assert found(archive, "subject:审") == {ids["cn"]}
    assert found(archive, "subject:草案") == set()


def test_filters(corpus):
    archive, ids = corpus
    assert found(archive, "from:carol@external.example") == {ids["en"]}
    assert found(archive, "from:corp.example") == {ids["cn"], ids["mixed"], ids["meeting"], ids["jk"]}
    assert found(archive, "to:@partner.example") == {ids["cn"], ids["mixed"], ids["meeting"], ids["jk"]}
    assert found(archive, "to:frank@partner.example") == {ids["mixed"]}
    assert found(archive, "direction:internal") == {ids["mixed"]}
    assert found(archive, "verdict:quarantined") == {ids["cn"]}
    assert found(archive, "rule:dlp-contract") == {ids["cn"], ids["mixed"]}
    assert found(archive, "rule:dlp-contract 草案") == {ids["mixed"]}
    assert found(archive, "has:attachment") == {ids["cn"]}
    assert found(archive, "after:2026-02-26") == {ids["en"], ids["mixed"], ids["meeting"], ids["jk"]}
    assert found(archive, "after:2026-02-26 before:2026-02-28") == {ids["en"], ids["mixed"]}
    assert found(archive, f"id:{ids['meeting']}") == {ids["meeting"]}
    assert found(archive, "合同", departments=["purchasing"]) == {ids["cn"]}


def test_items_are_decrypted_and_newest_first(corpus):
    archive, ids = corpus
    page = archive.search("")
    assert page.total == 5 and page.next is None
    assert [i.id for i in page.items] == [ids["jk"], ids["meeting"], ids["mixed"], ids["en"], ids["cn"]]
    cn = next(i for i in page.items if i.id == ids["cn"])
    assert cn.subject == "采购合同审批"
    assert cn.attachments == [{"name": "contract-scan.pdf", "type": "application/pdf"}]
    assert cn.sender == "alice@corp.example" and cn.recipients == ["bob@partner.example"]
    assert cn.direction == "outbound" and cn.verdict == "quarantined" and cn.size > 0
    assert cn.date.startswith("2026-02-25")
    assert page.to_dict()["total"] == 5


def test_bad_queries_have_clear_errors(corpus):
    archive, _ = corpus
    for q, fragment in [
        ("colour:red", "unknown filter"),
        ('subject:"unterminated', "unterminated"),
        ('"open phrase', "unterminated"),
        ("after:2026-13-01", "not a valid date"),
        ("before:yesterday", "YYYY-MM-DD"),
        ("direction:sideways", "direction"),
        ("verdict:maybe", "verdict"),
        ("has:pictures", "has:"),
        ("id:abc", "id:"),
        ("from:", "needs a value"),
    ]:
        with pytest.raises(QueryError, match=fragment):
            archive.search(q)
    with pytest.raises(QueryError, match="cursor"):
        archive.search("", cursor="not-a-cursor")


def test_pagination_cursor_stable_with_ties_and_new_mail(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    expected = []
    with engine.begin() as conn:          # group commit: many records in one transaction
        for i in range(23):
            raw = build(f"report {i}", f"weekly report number {i} 报告")
            sealed = archive.seal(raw)
            archive.write_blob(sealed)
            rid = archive.insert_record(conn, sealed, RecordMeta(
                mail_from="a@corp.example", rcpt_tos=["b@corp.example"], subject=f"report {i}",
                received_at=T0 + (i // 3) * 60))   # ties: three records share each timestamp
            expected.append((T0 + (i // 3) * 60, rid))
    archive.index_pending()
    expected.sort(reverse=True)
    seen, cursor, pages = [], None, 0
    while True:
        page = archive.search("报告", cursor=cursor, limit=5)
        assert page.total == 23        # the result set the first page counted, on every page
        seen += [i.id for i in page.items]
        pages += 1
        if pages == 2:   # new mail arrives between pages: it is newer, so it never shows up later
            newer = build("report new", "weekly report 报告 new")
            put(archive, newer, received_at=T0 + 10 * DAY)
            archive.index_pending()
        if page.next is None:
            break
        cursor = page.next
    assert seen == [e[1] for e in expected]
    assert pages == 5
    assert archive.search("报告", limit=5).total == 24   # a new search sees the new mail


def test_index_is_off_the_hot_path_and_atomic(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    raw = build("pending subject", "needle in the body")
    rid = put(archive, raw, direction="inbound")
    assert found(archive, "needle") == set()             # not indexed yet
    assert found(archive, "direction:inbound") == {rid}  # filters work immediately
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.index_pending.c.record_id)).scalars().all() == [rid]
    # a rolled-back acceptance leaves neither a record nor a pending row
    sealed = archive.seal(build("rolled back", "never committed"))
    archive.write_blob(sealed)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        archive.insert_record(conn, sealed, RecordMeta(subject="rolled back"))
        raise RuntimeError("acceptance failed")
    assert archive.index_pending() == 1
    assert archive.index_pending() == 0
    assert found(archive, "needle") == {rid}
    assert found(archive, "never") == set()
    assert archive.search("").total == 1


def test_concurrent_writers_keep_one_chain(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    errors = []

    def worker(n):
        try:
            for i in range(10):
                put(archive, build(f"w{n} {i}", f"concurrent body {n} {i}"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    report = archive.verify()
    assert report.ok, report.broken
    assert report.checked == 30


def test_parse_query_shapes():
    q = parse_query('合同 "quick brown" from:A@B.com subject:"x y" has:attachment after:2026-01-01')
    assert [(x.text, x.field, x.phrase) for x in q.terms] == [
        ("合同", "b", False), ("quick brown", "b", True), ("x y", "s", True)]
    assert q.senders == ["a@b.com"] and q.has_attachment and q.after is not None


def test_large_result_scan_strategy_matches_the_join(engine, tmp_path):
    """SQLite pages big text matches by walking the time index; results must equal the plain join."""
    archive = make_archive(engine, tmp_path)
    rng = __import__("random").Random(5)
    words = ["alpha", "beta", "合同", "采购", "gamma"]
    with engine.begin() as conn:
        for i in range(60):
            body = " ".join(rng.choice(words) for _ in range(6))
            sealed = archive.seal(build(f"s{i}", body))
            archive.write_blob(sealed)
            archive.insert_record(conn, sealed, RecordMeta(
                subject=f"s{i}", mail_from=f"a@{rng.choice(['corp', 'x1', 'x2'])}.example", rcpt_tos=["b@corp.example"],
                direction=rng.choice(["inbound", "outbound"]),
                received_at=T0 + rng.randint(0, 20) * 60))    # not in id order, with ties
    archive.index_pending()
    queries = ["alpha", "合同", "alpha beta", '"采购 合同"', "direction:inbound gamma", "采",
               "direction:outbound 合同 alpha", "from:corp.example beta", "from:nobody.example beta",
               "after:2026-02-25 alpha", "before:2026-02-25 beta", "after:2030-01-01 alpha",
               "from:x1.example alpha", "from:x2.example 合同 direction:inbound", "from:x1.example",
               "to:b@corp.example direction:outbound"]

    def collect(page_size):
        out = {}
        for q in queries:
            pages, cursor, totals = [], None, set()
            while True:
                page = archive.search(q, cursor=cursor, limit=page_size)
                totals.add(page.total)
                pages += [i.id for i in page.items]
                if not page.next:
                    break
                cursor = page.next
            out[q] = (pages, totals)
        return out

    archive.FILTER_MAX = -1          # the join everywhere
    plain = collect(7)
    archive.FILTER_MAX = 50_000      # filters + text through rowid-range probes
    assert collect(7) == plain
    archive.SCAN_THRESHOLD, archive.SCAN_CHUNK = 0, 4
    scanned = collect(7)
    assert scanned == plain
    archive.SCAN_MAX_CHUNKS = 1      # matches too sparse among the newest records: falls back to the join
    assert collect(7) == plain
    archive.SCAN_MAX_CHUNKS, archive.SCAN_CHUNK = 30, 20
    archive.RANGE_GAP = 0            # every id its own range: a filter's scattered records
    archive.SPAN_PER_CANDIDATE = 10**6
    assert collect(7) == plain       # ... probed as one span per chunk
    archive.SPAN_PER_CANDIDATE = 0
    assert collect(7) == plain       # ... or, when the span is mostly other records, the join
    archive.SMALL_SET = 0            # sender and rule filters checked per record, walking newest first
    assert collect(7) == plain
    archive.SMALL_SET = 5000
    assert all(len(v[1]) == 1 and len(v[0]) == v[1].pop() for v in plain.values())
    assert any(len(v[0]) > 20 for v in plain.values())
    if engine.dialect.name == "sqlite":
        # Counting over budget, on the gateway's own engine setup: every count gives up at once;
        # the pages stay the same, and the totals become flagged lower bounds that never fall
        # below what the pages so far showed and reach the real count by the last page.
        from gateway.db import open_engine

        archive.engine = open_engine(str(engine.url))
        archive.COUNT_BUDGET, archive.COUNT_CHECK_EVERY = -1.0, 1
        for q, (ids, _totals) in plain.items():
            got, cursor, totals = [], None, []
            while True:
                page = archive.search(q, cursor=cursor, limit=7)
                got += [i.id for i in page.items]
                totals.append(page.total)
                assert page.total_exact or len(got) + (1 if page.next else 0) <= page.total <= len(ids), q
                if not page.next:
                    break
                cursor = page.next
            assert got == ids and totals == sorted(totals) and totals[-1] == len(ids), (q, totals)
        assert not archive.search("alpha", limit=7).total_exact
        archive.engine.dispose()


def test_id_ranges():
    from archive.service import _id_ranges

    assert _id_ranges([9, 1, 2, 100, 3, 300], gap=64) == [(1, 9), (100, 100), (300, 300)]


def test_tokens_given_at_insert_are_searchable_at_once_and_match_the_indexer(engine, tmp_path):
    """The gateway hashes the text it already parsed: same index as the background indexer,
    written in the acceptance transaction, no pending row."""
    archive = make_archive(engine, tmp_path)
    raw_a = build("采购合同 draft", "The supplier needle is 供应商名单.",
                  attachments=(("报价单.txt", "附件里的价格".encode(), "text/plain"),))
    raw_b = build("采购合同 draft", "The supplier needle is 供应商名单.",
                  attachments=(("报价单.txt", "附件里的价格".encode(), "text/plain"),), msgid="<other@x>")
    background = put(archive, raw_a)
    assert archive.index_pending() == 1
    meta = meta_from_raw(raw_b, event="accepted")
    tokens = archive.index_tokens(meta.subject, [n for n, _ in meta.attachments], simple_text_extractor(raw_b))
    sealed = archive.seal(raw_b)
    archive.write_blob(sealed)
    with engine.begin() as conn:
        direct = archive.insert_record(conn, sealed, meta, tokens)
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.index_pending.c.record_id)).scalars().all() == []
    for q in ("needle", "供应商", "subject:合同", '"supplier needle"', "报价单", "价格", "采"):
        assert found(archive, q) == {background, direct}, q
    # identical text gives identical hashed tokens whichever path wrote them
    assert tokens == archive.document_tokens(raw_a, meta.subject, [n for n, _ in meta.attachments])
    assert all(word not in " ".join(tokens) for word in ("needle", "supplier", "供应商"))


def test_total_is_exact_up_to_the_cap_and_a_lower_bound_beyond(corpus):
    archive, ids = corpus
    archive.COUNT_CAP = 2
    cases = {
        "": 5,                                   # no text: count over the records
        "同": 3,                                 # text only: count in the full-text index
        "direction:outbound 合同": 1,            # filters + text
        "after:2026-02-24 同": 3,               # time range + text (the narrowed path)
        "verdict:delivered": 2,
        "direction:outbound 同": 2,             # filters + a word in more than the cap: not counted
    }
    for q, real in cases.items():
        capped = archive.search(q, limit=1)
        exact = archive.search(q, limit=1, exact_total=True)
        assert exact.total == real and exact.total_exact, q
        if capped.total_exact:      # exact whenever it is cheap (a time range bounds the work)
            assert capped.total == real, q
        else:                       # a lower bound: at least the page (and one more if it goes on)
            assert len(capped.items) + (1 if capped.next else 0) <= capped.total <= real, q
        if "after:" not in q and "direction:outbound" not in q:
            assert capped.total_exact == (real <= archive.COUNT_CAP), q
        assert [i.id for i in capped.items] == [i.id for i in exact.items], q
        assert capped.to_dict()["total_exact"] is capped.total_exact
    if archive.engine.dialect.name == "sqlite":   # PostgreSQL counts up to the cap (GIN does the join)
        assert not archive.search("direction:outbound 同", limit=1).total_exact
    # paging is unaffected by the cap
    assert len(found(archive, "")) == 5


def test_gateway_tokens_equal_the_background_indexers_on_real_mail(engine, tmp_path):
    """The pipeline tokenises ``ParsedMessage.texts``; the background indexer (and purge's
    FTS5 'delete', which must repeat the tokens exactly) uses the gateway's extractor on the
    stored bytes. Over the whole mail corpus they must agree."""
    from pathlib import Path

    from gateway.services import extract_text
    from rules.content import parse

    archive = make_archive(engine, tmp_path)
    archive.text_extractor = extract_text    # what the gateway's background indexer uses
    corpus = sorted(p for p in (Path(__file__).parent / "corpus_mail_gem").rglob("*")
                    if p.is_file() and p.name != "LICENSE")
    assert len(corpus) > 50
    for path in corpus:
        raw = path.read_bytes()
        message = parse(raw)
        names = [a.name for a in message.attachments]
        assert archive.index_tokens(message.subject, names, message.texts) == archive.document_tokens(
            raw, message.subject, names), path


def test_cover_splits_at_the_widest_gaps():
    from archive.service import _cover

    assert _cover([5, 1, 2, 1000, 1001, 3], 2) == [(1, 5), (1000, 1001)]
    assert _cover([7], 3) == [(7, 7)]
    assert _cover([1, 10, 20, 30], 1) == [(1, 30)]
    ids = [1, 2, 3, 500_000, 500_010, 900_000, 900_003]
    ranges = _cover(ids, 3)
    assert ranges == [(1, 3), (500_000, 500_010), (900_000, 900_003)]
    assert all(any(lo <= i <= hi for lo, hi in ranges) for i in ids)


def test_a_count_over_its_budget_settles_for_a_lower_bound_on_postgresql(engine, tmp_path):
    """PostgreSQL counts run under a statement timeout (COUNT_BUDGET): a count the server
    cancels gives a flagged lower bound, and the page itself still comes back in full."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's budget is the progress handler, tested with the paging tests")
    archive = make_archive(engine, tmp_path)
    ids = [put(archive, build(f"budget {i}", "quarterly budget figures")) for i in range(12)]
    archive.index_pending()
    assert archive.search("budget", limit=5).total == 12          # within budget: exact
    # Another session holds a lock the count must wait for, longer than the budget; the
    # count is cancelled, then the page query waits until the lock goes (a second later).
    with engine.connect() as blocker:
        blocker.exec_driver_sql("LOCK TABLE archive_fulltext IN ACCESS EXCLUSIVE MODE")
        threading.Timer(1.0, blocker.rollback).start()
        page = archive.search("budget", limit=5)
    assert [i.id for i in page.items] == sorted(ids, reverse=True)[:5]
    assert not page.total_exact and 5 <= page.total <= 12
    with engine.connect() as conn:              # the timeout did not outlive the count
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() == "0"
