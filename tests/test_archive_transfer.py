"""Export (zip + manifest, mbox) round trips, and idempotent import of eml, maildir and mbox."""

from __future__ import annotations

import csv
import hashlib
import io
import mailbox
import zipfile

from archive import cli_ops
from archive.export import export_mbox, export_zip
from archive.importer import import_path, iter_mbox
from tests.test_archive_support import build, make_archive, put


def corpus():
    return [
        build("采购合同 v1", "合同正文 one", attachments=(("a.txt", "attached 合同".encode(), "text/plain"),)),
        build("Budget", "From the desk of the CFO\nFrom here on, >From quoted lines stay intact.\n"),
        build("mixed 合同 two", "second contract 合同\n"),
    ]


def test_export_zip_with_manifest_round_trip(engine, tmp_path):
    archive = make_archive(engine, tmp_path / "a")
    raws = corpus()
    ids = [put(archive, raw) for raw in raws]
    archive.index_pending()
    calls = []
    out = tmp_path / "export.zip"
    assert export_zip(archive, "合同", out, progress=lambda d, t: calls.append((d, t))) == 2
    assert calls[-1] == (2, 2)
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        assert names == sorted([f"{ids[0]}.eml", f"{ids[2]}.eml", "manifest.csv", "manifest.json", "manifest.sig"])
        rows = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode())))
        assert [r["id"] for r in rows] == [str(ids[2]), str(ids[0])]          # newest first
        assert list(rows[0]) == ["id", "sha256", "date", "from", "to", "subject", "direction", "verdict", "rules",
                                 "event"]
        for row in rows:
            data = zf.read(f"{row['id']}.eml")
            assert hashlib.sha256(data).hexdigest() == row["sha256"]
            assert data == raws[ids.index(int(row["id"]))]
        assert rows[1]["subject"] == "采购合同 v1" and rows[1]["from"] == "alice@corp.example"
    assert not (tmp_path / "export.zip.part").exists()


def test_export_mbox_and_reimport_round_trip(engine, tmp_path):
    archive = make_archive(engine, tmp_path / "a")
    raws = corpus()
    for raw in raws:
        put(archive, raw)
    out = tmp_path / "all.mbox"
    assert export_mbox(archive, "", out) == 3
    # a standard reader sees three messages
    assert len(mailbox.mbox(str(out))) == 3
    assert sorted(iter_mbox(out)) == sorted(raws)           # mboxrd quoting undone exactly
    other = archive
    report = import_path(other, out)
    assert report.imported == 3 and report.skipped == 0
    again = import_path(other, out)
    assert again.imported == 0 and again.skipped == 3
    assert other.search("").total == 6                       # accepted + imported events, one blob each
    assert len(list(other.blob_store.iter_addresses())) == 3
    assert other.verify().ok


def test_import_eml_and_maildir_idempotent(engine, tmp_path):
    archive = make_archive(engine, tmp_path / "a")
    raws = corpus()
    src = tmp_path / "src"
    (src / "maildir" / "cur").mkdir(parents=True)
    (src / "maildir" / "new").mkdir()
    (src / "maildir" / "tmp").mkdir()
    (src / "one.eml").write_bytes(raws[0])
    (src / "maildir" / "cur" / "1700000000.1.host:2,S").write_bytes(raws[1])
    (src / "maildir" / "new" / "1700000001.2.host").write_bytes(raws[2])
    (src / "maildir" / "new" / "dup").write_bytes(raws[0])           # same message twice
    (src / "box.mbox").write_bytes(b"From x@y Mon Jan  1 00:00:00 2024\n" + raws[2] + b"\n")
    report = import_path(archive, src)
    assert (report.imported, report.skipped, report.failed) == (3, 2, 0)
    assert import_path(archive, src).imported == 0
    assert import_path(archive, src / "one.eml").skipped == 1
    assert import_path(archive, src / "one.eml", event="legacy").imported == 1     # key is sha256 + event
    archive.index_pending()
    page = archive.search("合同")
    assert page.total == 3
    assert {i.event for i in page.items} == {"imported", "legacy"}
    item = next(i for i in archive.iter_search("subject:采购合同") if i.event == "imported")
    assert item.attachments == [{"name": "a.txt", "type": "text/plain"}]
    assert archive.verify().ok


def test_cli_helpers(engine, tmp_path, capsys):
    archive = make_archive(engine, tmp_path / "a")
    for raw in corpus():
        put(archive, raw)
    assert cli_ops.index(archive, progress=False) == 3
    page = cli_ops.search(archive, "合同", limit=1)
    assert page.total == 2 and page.next
    assert "2 match(es)" in capsys.readouterr().out
    assert cli_ops.verify(archive, progress=False).ok
    assert cli_ops.export(archive, "合同", str(tmp_path / "x.zip"), progress=False) == 2
    report = cli_ops.rotate_keys(archive, batch_size=2, progress=False)
    assert report.rewrapped == 3
    old = [k for k in archive.keyring.key_ids() if k != archive.keyring.active_kid][0]
    cli_ops.retire_key(archive, old)
    hold = cli_ops.place_hold(archive, "query", "合同", "audit", "ann")
    purged = cli_ops.purge(archive, [], default_days=1, now=4_000_000_000.0, progress=False)
    assert purged.purged == 1 and purged.held == 2
    cli_ops.release_hold(archive, hold, "ann")
    assert cli_ops.holds(archive)[0]["released_by"] == "ann"
    src = tmp_path / "one.eml"
    src.write_bytes(corpus()[0])
    assert cli_ops.import_path(archive, str(src), progress=False).imported == 1
    out = capsys.readouterr().out
    assert "imported 1" in out and "retired" in out


def test_csv_cells_never_start_a_formula():
    from archive.export import csv_cell

    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://e.example","x")'):
        assert csv_cell(bad) == "'" + bad
    assert csv_cell("plain 合同") == "plain 合同" and csv_cell(None) == "" and csv_cell(7) == "7"
