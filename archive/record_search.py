"""Searching records: the query language turned into SQL over the blind index and the plain
columns, cursors, capped counts, and the search items. Mixed into :class:`archive.service.Archive`.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, NamedTuple

import sqlalchemy as sa

from archive import tables as t
from archive.model import (
    RecordNotFound,
    SearchItem,
    SearchPage,
    iso_time,
)
from archive.query import Query, QueryError, parse_query


class _Cursor(NamedTuple):
    received_at: float
    id: int
    total: int | None = None      # what the first page counted (None: an old cursor)
    exact: bool = True
    shown: int = 0                # items on the pages before


def _id_ranges(ids: list[int], gap: int) -> list[tuple[int, int]]:
    """Sorted ids grouped into (low, high) runs whose neighbours are at most ``gap`` apart."""
    out: list[tuple[int, int]] = []
    for i in sorted(ids):
        if out and i - out[-1][1] <= gap:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _cover(ids: list[int], count: int) -> list[tuple[int, int]]:
    """At most ``count`` (low, high) ranges covering ``ids``, split at the widest gaps: the
    least id space to probe (a few old imported ids among recent ones cost one more range,
    not the whole span between them)."""
    ordered = sorted(set(ids))
    gaps = sorted(range(len(ordered) - 1), key=lambda k: ordered[k + 1] - ordered[k], reverse=True)
    cuts = sorted(gaps[: max(0, count - 1)])
    out, start = [], 0
    for k in cuts:
        out.append((ordered[start], ordered[k]))
        start = k + 1
    out.append((ordered[start], ordered[-1]))
    return out


class SearchMixin:
    """The archive's record search (see the module docstring)."""

    def get_record(self, archive_id: int) -> SearchItem:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.records).where(t.records.c.id == int(archive_id))).first()
        if row is None:
            raise RecordNotFound(archive_id)
        return self._item(row)

    def _item(self, row: Any) -> SearchItem:
        subject, attachments = self.decrypt_meta(row)
        m = row._mapping
        atts = [{"name": n, "type": ty} for n, ty in attachments]
        return SearchItem(
            id=m["id"], date=iso_time(m["received_at"]), received_at=m["received_at"], sender=m["mail_from"],
            recipients=list(m["rcpt_tos"]), subject=subject, direction=m["direction"], verdict=m["verdict"],
            size=m["size"], attachments=atts,
            message_id=m["message_id"], header_from=m["header_from"], header_date=m["date_at"],
            sha256=m["sha256"], event=m["event"], rules=list(m["rules"]), department=m["department"],
        )

    # ---- search -------------------------------------------------------------------
    def _query_terms(self, q: Query) -> list[list[list[str]]]:
        """Per text term, its hashed tokens under each index key a search must ask (one; two
        while the index is re-keyed: a record matches under the key it is indexed with)."""
        self.keyring.check()
        hashers = self._sync_index().query
        terms = []
        for term in q.terms:
            alternatives = [h for h in (hasher.query_term(term.text, term.field) for hasher in hashers) if h]
            if alternatives:
                terms.append(alternatives)
        return terms

    @staticmethod
    def _fts_expression(terms: list[list[list[str]]]) -> str:
        def one(alternatives: list[list[str]]) -> str:
            phrases = ['"' + " ".join(h) + '"' for h in alternatives]
            return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"
        return " AND ".join(one(a) for a in terms)

    def _fts_match(self, q: Query) -> str | None:
        """The SQLite FTS5 MATCH expression (hashed tokens) of the query's text terms, if any."""
        terms = self._query_terms(q)
        return self._fts_expression(terms) if terms else None

    def _fulltext_condition(self, q: Query) -> Any:
        terms = self._query_terms(q)
        if not terms:
            return None
        if self.dialect == "sqlite":
            sub = sa.select(sa.column("rowid")).select_from(sa.table("archive_fts")).where(
                sa.text("archive_fts MATCH :fts").bindparams(fts=self._fts_expression(terms)))
        else:
            def one(alternatives: list[list[str]]) -> str:
                phrases = ["(" + " <-> ".join(h) + ")" if len(h) > 1 else h[0] for h in alternatives]
                return phrases[0] if len(phrases) == 1 else "(" + " | ".join(phrases) + ")"
            tsq = " & ".join(one(a) for a in terms)
            sub = sa.select(t.fulltext.c.record_id).where(
                sa.text("archive_fulltext.tsv @@ CAST(:tsq AS tsquery)").bindparams(tsq=tsq))
        return t.records.c.id.in_(sub)

    SMALL_SET = 5000          # a side-table filter this selective is fetched whole, else probed per record

    def _side_filter(self, conn: sa.Connection | None, table: sa.Table, where: list[Any]) -> Any:
        """Records with a matching row in ``table`` (addresses, rules). A few thousand such
        records are fetched by the side table's index and ordered; more (a whole domain, a
        busy rule) are checked one by one while walking records newest first, which stops
        after a page instead of first collecting every match."""
        ids = sa.select(table.c.record_id).where(*where)
        if conn is not None:
            n = conn.execute(sa.select(sa.func.count()).select_from(ids.limit(self.SMALL_SET + 1).subquery()))
            if n.scalar_one() <= self.SMALL_SET:
                return t.records.c.id.in_(ids)
        return sa.exists(sa.select(sa.literal(1)).select_from(table).where(
            table.c.record_id == t.records.c.id, *where))

    def _conditions(self, q: Query, departments: Iterable[str] | None, *, fulltext: bool = True,
                    conn: sa.Connection | None = None) -> list[Any]:
        r = t.records.c
        conds: list[Any] = []
        for kind, values in (("f", q.senders), ("t", q.recipients)):
            if values:
                ors = []
                for v in values:
                    col = t.addresses.c.address if "@" in v else t.addresses.c.domain
                    ors.append(col == v)
                conds.append(self._side_filter(conn, t.addresses, [t.addresses.c.kind == kind, sa.or_(*ors)]))
        for v in q.parties:      # each domain: filter its own side-agnostic match
            col = t.addresses.c.address if "@" in v else t.addresses.c.domain
            conds.append(self._side_filter(conn, t.addresses, [col == v]))
        if q.directions:
            conds.append(r.direction.in_(q.directions))
        if q.verdicts:
            conds.append(r.verdict.in_(q.verdicts))
        if q.rules:
            conds.append(self._side_filter(conn, t.record_rules, [t.record_rules.c.rule.in_(q.rules)]))
        if q.has_attachment:
            conds.append(r.has_attachment.is_(True))
        if q.after is not None:
            conds.append(r.received_at >= q.after)
        if q.before is not None:
            conds.append(r.received_at < q.before)
        if q.ids:
            conds.append(r.id.in_(q.ids))
        if departments is not None:
            conds.append(r.department.in_(list(departments)))
        fts = self._fulltext_condition(q) if fulltext else None
        if fts is not None:
            conds.append(fts)
        return conds

    @staticmethod
    def _encode_cursor(received_at: float, record_id: int, total: int | None = None, exact: bool = True,
                       shown: int = 0) -> str:
        """Where the next page starts, and the total the first page found (later pages show
        the same total instead of counting again, or a smaller lower bound)."""
        doc = [received_at, record_id] + ([total, int(exact), shown] if total is not None else [])
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")

    @staticmethod
    def _decode_cursor(cursor: str) -> _Cursor:
        try:
            pad = "=" * (-len(cursor) % 4)
            doc = json.loads(base64.urlsafe_b64decode(cursor + pad))
            if not isinstance(doc, list) or len(doc) not in (2, 5):
                raise ValueError("shape")
            # Only what _encode_cursor writes: a finite time and ids/counts a BIGINT holds
            # (json reads Infinity, NaN and 1e30, which the databases refuse with an error).
            if not (isinstance(doc[0], int | float) and math.isfinite(doc[0]) and abs(doc[0]) < 1e12):
                raise ValueError("time")
            if not all(isinstance(v, int | float) and math.isfinite(v) and 0 <= v < 2**63 for v in doc[1:]):
                raise ValueError("number")
            if len(doc) == 2:
                return _Cursor(float(doc[0]), int(doc[1]))
            return _Cursor(float(doc[0]), int(doc[1]), max(0, int(doc[2])), bool(doc[3]), max(0, int(doc[4])))
        except (ValueError, TypeError, OverflowError) as exc:
            raise QueryError("invalid cursor") from exc

    SCAN_THRESHOLD = 500      # above this many text matches, page by walking the time index

    SCAN_CHUNK = 1000

    SCAN_MAX_CHUNKS = 30

    SPAN_PER_CANDIDATE = 1000  # ids spanned per filtered record up to which range probes pay

    RANGE_GAP = 64            # ids this close are probed as one rowid range

    MAX_RANGES = 16

    COUNT_CAP = 10_000        # totals are counted exactly up to here unless asked for an exact count

    COUNT_BUDGET = 0.05       # seconds a count may take before it settles for a lower bound

    COUNT_CHECK_EVERY = 20_000    # SQLite VM steps between looks at the clock

    def _capped_count(self, conn: sa.Connection, ids: Any, exact: bool) -> tuple[int, bool]:
        """(count, exact?) of the rows ``ids`` (a SELECT) returns, stopping past COUNT_CAP or
        past COUNT_BUDGET (a filter intersected with a common word can cost more to
        count than to page); then the count is a lower bound (0 here; the caller raises it to
        what the page shows)."""
        if exact:
            return int(conn.execute(sa.select(sa.func.count()).select_from(ids.subquery())).scalar_one()), True
        stmt = sa.select(sa.func.count()).select_from(ids.limit(self.COUNT_CAP + 1).subquery())
        n = (self._count_within_budget(conn, stmt) if self.dialect == "sqlite"
             else self._count_within_budget_pg(conn, stmt))
        if n is None:
            return 0, False
        if n <= self.COUNT_CAP:
            return n, True
        return self.COUNT_CAP, False

    @staticmethod
    def _fts_ids(match: str) -> Any:
        return sa.select(sa.column("rowid")).select_from(sa.table("archive_fts")).where(
            sa.text("archive_fts MATCH :fts").bindparams(fts=match))

    def _fts_count_exceeds(self, conn: sa.Connection, match: str, n: int) -> bool:
        """Whether the text alone matches more than ``n`` records (stops counting at n + 1)."""
        capped = sa.select(sa.func.count()).select_from(self._fts_ids(match).limit(n + 1).subquery())
        return int(conn.execute(capped).scalar_one()) > n

    def _count_within_budget(self, conn: sa.Connection, stmt: Any) -> int | None:
        """Run a count on SQLite, interrupting it (None) once COUNT_BUDGET has passed."""
        conn.exec_driver_sql("SELECT 1")   # the read transaction begins before the clock can interrupt
        raw = conn.connection.driver_connection
        deadline = time.monotonic() + self.COUNT_BUDGET
        raw.set_progress_handler(lambda: time.monotonic() > deadline, self.COUNT_CHECK_EVERY)
        try:
            return int(conn.execute(stmt).scalar_one())
        except sa.exc.OperationalError:
            # "interrupted", or whatever SQLite made of an interrupt inside the statement
            # (connecting the FTS5 table, say): past the deadline, it was ours.
            if time.monotonic() <= deadline:
                raise
            return None
        finally:
            raw.set_progress_handler(None, 0)

    def _count_within_budget_pg(self, conn: sa.Connection, stmt: Any) -> int | None:
        """The same on PostgreSQL: the count runs under ``statement_timeout`` in a savepoint,
        which is rolled back either way (the count keeps nothing, and the rollback undoes the
        timeout); a count the server cancelled is None."""
        savepoint = conn.begin_nested()
        try:
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {max(1, round(self.COUNT_BUDGET * 1000))}")
            return int(conn.execute(stmt).scalar_one())
        except sa.exc.OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "57014":     # query_canceled: the budget ran out
                return None
            raise
        finally:
            savepoint.rollback()

    def search(self, query: str | Query = "", cursor: str | None = None, limit: int = 50,
               departments: Iterable[str] | None = None, *, exact_total: bool = False) -> SearchPage:
        """Newest first; ``next`` is an opaque cursor for the following page (None at the end).

        The total is exact up to COUNT_CAP matches and a lower bound beyond (``total_exact``
        False) unless ``exact_total``: the page itself costs the same at any archive size, an
        exact count of a common word grows with the archive.
        """
        q = parse_query(query) if isinstance(query, str) else query
        limit = max(1, min(int(limit), 1000))
        r = t.records.c
        after_cursor = []
        at = self._decode_cursor(cursor) if cursor else None
        if at is not None:
            after_cursor = [sa.or_(r.received_at < at.received_at,
                                   sa.and_(r.received_at == at.received_at, r.id < at.id))]
        carried = at is not None and at.total is not None and not exact_total
        order = (r.received_at.desc(), r.id.desc())
        match = self._fts_match(q) if self.dialect == "sqlite" else None
        exact = True
        count = partial(self._capped_count, exact=exact_total)
        if carried:   # the first page counted already
            def count(_conn: sa.Connection, _ids: Any) -> tuple[int, bool]:
                return at.total, at.exact
        with self.engine.connect() as conn:
            others = self._conditions(q, departments, fulltext=False, conn=conn)
            fts = self._fulltext_condition(q)
            conds = [*others, fts] if fts is not None else others
            rows = None
            if match is not None:
                # Only a time range keeps ids in few runs (mail is archived in time order).
                time_only = bool(others) and departments is None and not (
                    q.senders or q.recipients or q.parties or q.directions or q.verdicts or q.rules
                    or q.has_attachment or q.ids)
                narrowed = self._filtered_text_page(conn, match, others, cursor, limit + 1) if time_only else None
                if narrowed is not None:
                    total, rows = narrowed
                    if carried:
                        total, exact = at.total, at.exact
                elif not others:   # text only: count in the FTS index itself (no join)
                    total, exact = count(conn, self._fts_ids(match))
                elif not carried and not exact_total and self._fts_count_exceeds(conn, match, self.COUNT_CAP):
                    # Counting filters against a word in more than COUNT_CAP messages means
                    # collecting all of its matches first: a lower bound instead.
                    total, exact = 0, False
                else:
                    total, exact = count(conn, sa.select(t.records.c.id).where(*conds))
                if narrowed is None and (total > self.SCAN_THRESHOLD or not exact):
                    rows = self._scan_page(conn, match, others + after_cursor, order, limit + 1)
            else:
                total, exact = count(conn, sa.select(t.records.c.id).where(*conds))
            if rows is None:
                rows = conn.execute(sa.select(t.records).where(*conds, *after_cursor).order_by(*order)
                                    .limit(limit + 1)).fetchall()
        items = [self._item(row) for row in rows[:limit]]
        shown = (at.shown if carried else 0) + len(items)
        more = len(rows) > limit
        if not exact:   # a lower bound: at least what the pages so far showed, one more if it goes on
            total = max(total, shown + (1 if more else 0))
        nxt = None
        if more:
            last = rows[limit - 1]
            nxt = self._encode_cursor(last.received_at, last.id, int(total), exact, shown)
        return SearchPage(items, int(total), nxt, exact)

    FILTER_MAX = 50_000

    def _filtered_text_page(self, conn: sa.Connection, match: str, others: list[Any], cursor: str | None,
                            want: int) -> tuple[int, list[Any]] | None:
        """Filters plus text (SQLite): when the filters leave a moderate set of records whose ids
        fall in few runs (time-ordered mail), probe the FTS index by those rowid ranges and
        intersect, which gives the exact total and the page without materialising every text
        match. None when that does not apply (the caller uses the join)."""
        r = t.records.c
        many = conn.execute(sa.select(sa.func.count()).select_from(   # an index count, not a fetch
            sa.select(r.id).where(*others).limit(self.FILTER_MAX + 1).subquery())).scalar_one()
        if many > self.FILTER_MAX:
            return None
        cand = conn.execute(sa.select(r.id, r.received_at).where(*others)).fetchall()
        if not cand:
            return 0, []
        ranges = _id_ranges([c.id for c in cand], gap=64)
        if len(ranges) > 16:
            return None
        hits: set[int] = set()
        for lo, hi in ranges:
            hits.update(conn.exec_driver_sql(
                "SELECT rowid FROM archive_fts WHERE archive_fts MATCH ? AND rowid BETWEEN ? AND ?",
                (match, lo, hi)).scalars())
        matched = sorted(((c.received_at, c.id) for c in cand if c.id in hits), reverse=True)
        total = len(matched)
        if cursor:
            at = self._decode_cursor(cursor)
            matched = [m for m in matched if m < (at.received_at, at.id)]
        page_ids = [i for _ra, i in matched[:want]]
        if not page_ids:
            return total, []
        by_id = {row.id: row for row in conn.execute(sa.select(t.records).where(r.id.in_(page_ids)))}
        return total, [by_id[i] for i in page_ids if i in by_id]

    def _scan_page(self, conn: sa.Connection, match: str, conds: list[Any], order: tuple[Any, ...],
                   want: int) -> list[Any] | None:
        """Many text matches (SQLite): walk records newest first in chunks and keep those the FTS
        index confirms (a rowid-range probe), instead of materialising every match. None when the
        matches are too sparse among the newest records (the caller then uses the plain join)."""
        r = t.records.c
        found: list[int] = []
        bound: list[Any] = []
        size = min(self.SCAN_CHUNK, max(4 * want, 200))   # a page often needs few; grow if not
        for _ in range(self.SCAN_MAX_CHUNKS):
            chunk = conn.execute(sa.select(r.id, r.received_at).where(*conds, *bound).order_by(*order)
                                 .limit(size)).fetchall()
            if not chunk:
                break
            ids = [c.id for c in chunk]
            ranges = _id_ranges(ids, gap=self.RANGE_GAP)
            if len(ranges) > self.MAX_RANGES:
                # Scattered ids (a sender's mail among everyone's): probe the few ranges that
                # cover them, as long as these are not mostly other records' matches; when
                # they would be (a very rare filter), the join.
                ranges = _cover(ids, self.MAX_RANGES)
                if sum(hi - lo + 1 for lo, hi in ranges) > self.SPAN_PER_CANDIDATE * len(ids):
                    return None
            hits: set[int] = set()
            for lo, hi in ranges:     # FTS5 seeks rowid ranges; IN (...) would re-run the match per id
                hits.update(conn.exec_driver_sql(
                    "SELECT rowid FROM archive_fts WHERE archive_fts MATCH ? AND rowid BETWEEN ? AND ?",
                    (match, lo, hi)).scalars())
            found += [i for i in ids if i in hits]
            if len(found) >= want or len(chunk) < size:
                break
            size = min(self.SCAN_CHUNK, size * 2)
            last = chunk[-1]
            bound = [sa.or_(r.received_at < last.received_at, sa.and_(r.received_at == last.received_at,
                                                                      r.id < last.id))]
        else:
            return None
        found = found[:want]
        if not found:
            return []
        rows = conn.execute(sa.select(t.records).where(r.id.in_(found))).fetchall()
        by_id = {row.id: row for row in rows}
        return [by_id[i] for i in found if i in by_id]

    def iter_search(self, query: str | Query = "", departments: Iterable[str] | None = None,
                    page_size: int = 500) -> Iterator[SearchItem]:
        cursor = None
        while True:
            page = self.search(query, cursor=cursor, limit=page_size, departments=departments)
            yield from page.items
            if page.next is None:
                return
            cursor = page.next

    def matching_ids(self, query: str | Query) -> set[int]:
        q = parse_query(query) if isinstance(query, str) else query
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(sa.select(t.records.c.id).where(*self._conditions(q, None)))}
