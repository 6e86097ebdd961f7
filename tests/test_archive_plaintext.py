"""No plaintext at rest: a marker in subject, body and attachment (name and content) is found
nowhere on disk (blobs, keys, SQLite database and WAL) nor in any PostgreSQL archive row, in plain,
base64 or quoted-printable form."""

from __future__ import annotations

import base64
import binascii
import quopri
import secrets

import sqlalchemy as sa

from archive import tables as t
from tests.test_archive_support import build, make_archive, put


def encodings(marker: str) -> list[bytes]:
    """Byte patterns any copy of ``marker`` would contain, whatever its alignment or encoding."""
    data = marker.encode("utf-8")
    forms = {data, data.lower(), marker.lower().encode("utf-8"), marker.encode("utf-16-le")}
    for k in range(3):   # base64 at each of the three alignments: keep only the fully-determined core
        enc = base64.b64encode(b"\0" * k + data)
        start = 4 if k else 0
        forms.add(enc[start: len(enc) - 4])
        forms.add(base64.urlsafe_b64encode(b"\0" * k + data)[start: len(enc) - 4])
    forms.add(quopri.encodestring(data).replace(b"=\n", b""))
    forms.add(binascii.hexlify(data))
    return [f for f in forms if len(f) >= 8]


def assert_absent(blob: bytes, markers: list[str], where: str) -> None:
    low = blob.lower()
    for marker in markers:
        for form in encodings(marker):
            assert form.lower() not in low, f"{marker!r} found in {where} as {form!r}"


def archive_markers(archive, ascii_marker, cn_marker):
    raw = build(
        f"Subject {ascii_marker} {cn_marker}",
        f"Body line with {ascii_marker} and {cn_marker} 的内容.\n" * 20,
        attachments=((f"{ascii_marker}-{cn_marker}.txt",
                      f"attachment text {ascii_marker} {cn_marker}".encode(), "text/plain"),),
        cte="base64",
    )
    raw_qp = build(f"qp {ascii_marker}", f"quoted printable {ascii_marker} {cn_marker} café\n",
                   cte="quoted-printable")
    ids = [put(archive, raw, direction="outbound"), put(archive, raw_qp), put(archive, raw, event="released")]
    assert archive.index_pending() == 3
    # the archive itself still finds it (through the blind index) and shows the subject
    assert {i.id for i in archive.iter_search(ascii_marker)} == set(ids)
    assert {i.id for i in archive.iter_search(cn_marker)} == {ids[0], ids[1], ids[2]}
    assert archive.get_record(ids[0]).subject == f"Subject {ascii_marker} {cn_marker}"
    assert archive.open(ids[1]) == raw_qp
    # the encodings are really present in the raw message (the test would catch them)
    found = [f for f in encodings(ascii_marker) if f in raw] + [f for f in encodings(ascii_marker) if f in raw_qp]
    assert found
    return ids


def test_no_plaintext_on_disk_or_in_database(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    ascii_marker = "ZqxMarker" + secrets.token_hex(6)
    cn_marker = "机密暗号测试"
    archive_markers(archive, ascii_marker, cn_marker)
    markers = [ascii_marker, cn_marker]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".db") for p in files) or engine.dialect.name == "postgresql"
    if engine.dialect.name == "sqlite":
        assert any(p.name.endswith("-wal") for p in files)
    assert len([p for p in files if "blobs" in p.parts and not p.name.startswith(".")]) == 2     # deduplicated
    for path in files:
        assert_absent(path.read_bytes(), markers, str(path))
    # every row of every archive table, as the database returns it
    with engine.connect() as conn:
        names = list(t.metadata.tables)
        if engine.dialect.name == "sqlite":
            names += ["archive_fts_data", "archive_fts_idx", "archive_fts_config", "archive_fts_docsize"]
        dump = []
        for name in names:
            try:
                rows = conn.exec_driver_sql(f"SELECT * FROM {name}").fetchall()
            except sa.exc.DBAPIError:
                conn.rollback()
                continue
            for row in rows:
                for value in row:
                    dump.append(bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode())
        assert len(dump) > 50
        assert_absent(b"\n".join(dump), markers, "database rows")
