"""The console's archive search over a real gateway fed over SMTP (SQLite and PostgreSQL):
a Chinese word with structured filters finds exactly the matching messages, with the word
highlighted in a snippet and the shown records in the audit log; cursor paging; saved
searches per person; a legal hold from a search; a search exported as a signed bundle by a
background job, sealed on disk and decrypted on download."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from archive import bundle
from tests.console_seed import Console, running_console


@pytest.fixture
def console(tmp_path: Path, database_url: str):  # noqa: ANN201
    with running_console(tmp_path / "gw", database_url) as c:
        yield c


def _ids(answer: dict) -> list[int]:
    return sorted(i["id"] for i in answer["items"])


def test_chinese_word_with_two_filters_finds_exactly_the_matches(console: Console) -> None:
    auditor = console.client("auditor")
    answer = auditor.get("/api/v1/archive/query", params={"q": "合同", "direction": "outbound",
                                                          "verdict": "delivered"}).json()
    assert _ids(answer) == sorted(console.ids[n] for n in (6, 13)), answer
    assert answer["query"] == '合同 direction:"outbound" verdict:"delivered"'
    for hit in answer["items"]:
        hits = [part["text"] for part in hit["snippet"]["parts"] if part["hit"]]
        assert hits and set(hits) == {"合同"}
    # the records whose text was shown are in the audit row of that search
    rows = auditor.get("/api/v1/audit", params={"actor": "otto", "action": "archive.search"}).json()["items"]
    assert sorted(rows[0]["detail"]["shown"]) == _ids(answer)
    # one character, a long phrase, the domain and sender filters
    one = auditor.get("/api/v1/archive/query", params={"q": "合", "domain": "other.org"}).json()
    assert _ids(one) == sorted(console.ids[n] for n in (5, 6, 11, 13))
    # (the hold notices quote the evidence too: they are internal mail)
    long = auditor.get("/api/v1/archive/query", params={"q": '"本合同绝密，严禁外传"', "direction": "outbound"}).json()
    assert _ids(long) == sorted(console.ids[n] for n in (5, 11))
    sender = auditor.get("/api/v1/archive/query", params={"q": "合同", "sender": "li.wei@example.com",
                                                          "verdict": "quarantined"}).json()
    assert _ids(sender) == sorted(console.ids[n] for n in (5, 11))
    # paging by cursor: two pages of one, the same total
    first = auditor.get("/api/v1/archive/query", params={"q": "合同", "domain": "other.org", "limit": 3}).json()
    second = auditor.get("/api/v1/archive/query", params={"q": "合同", "domain": "other.org", "limit": 3,
                                                          "cursor": first["next"]}).json()
    assert first["total"] == second["total"] == 4 and second["next"] is None
    assert sorted(_ids(first) + _ids(second)) == sorted(console.ids[n] for n in (5, 6, 11, 13))
    # bad input names the field
    for params, loc in (({"direction": "sideways"}, ["query", "direction"]),
                        ({"sender": "a b@x"}, ["query", "sender"]),
                        ({"after": "2026-12-02", "before": "2026-12-01"}, ["query", "after"]),
                        ({"q": "verdict:maybe"}, ["query", "q"]),
                        ({"cursor": "zzz"}, ["query", "cursor"])):
        bad = auditor.get("/api/v1/archive/query", params=params)
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == loc, (params, bad.text)
    assert console.client("supervisor").get("/api/v1/archive/query", params={"q": "合同"}).status_code == 403


def test_saved_searches_are_per_person_and_a_hold_comes_from_a_search(console: Console) -> None:
    auditor, compliance = console.client("auditor"), console.client("compliance")
    saved = auditor.post("/api/v1/archive/searches", json={"name": "合同 out", "q": "合同",
                                                           "filters": {"direction": "outbound"}})
    assert saved.status_code == 201 and saved.json()["query"] == '合同 direction:"outbound"'
    assert [s["name"] for s in auditor.get("/api/v1/archive/searches").json()["items"]] == ["合同 out"]
    assert compliance.get("/api/v1/archive/searches").json()["items"] == []
    assert compliance.delete(f"/api/v1/archive/searches/{saved.json()['id']}").status_code == 404
    bad = auditor.post("/api/v1/archive/searches", json={"name": "x", "filters": {"before": "not a date"}})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][:2] == ["body", "filters"]
    assert auditor.delete(f"/api/v1/archive/searches/{saved.json()['id']}").status_code == 200
    # a legal hold from a search: compliance may, the auditor may not; the whole archive is refused
    hold = compliance.post("/api/v1/archive/holds/from-search", json={
        "q": "合同", "filters": {"sender": "li.wei@example.com"}, "reason": "dispute 7"})
    assert hold.status_code == 201 and hold.json()["kind"] == "query"
    assert hold.json()["value"] == '合同 from:"li.wei@example.com"'
    held = console.gateway.services.archive.matching_ids(hold.json()["value"])
    assert held == {console.ids[5], console.ids[11]}
    assert auditor.post("/api/v1/archive/holds/from-search", json={"q": "合同", "reason": "r"}).status_code == 403
    empty = compliance.post("/api/v1/archive/holds/from-search", json={"reason": "everything"})
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "q"]


def _finished(client, job_id: int) -> dict:  # noqa: ANN001 - the console's test client
    """The export job once it is no longer queued or running (a minute at most)."""
    deadline = time.monotonic() + 60
    while (job := client.get(f"/api/v1/archive/exports/{job_id}").json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return job


def test_export_of_a_search_is_a_sealed_background_job(console: Console) -> None:
    auditor = console.client("auditor")
    exports = Path(console.gateway.services.settings.data_dir) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    stale = exports / "old.mwx"            # a bundle from last month: removed by the next export
    stale.write_bytes(b"MWX1")
    os.utime(stale, (time.time() - 30 * 86400, time.time() - 30 * 86400))
    started = auditor.post("/api/v1/archive/exports", json={"q": "合同", "filters": {"domain": "other.org"}})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    job = _finished(auditor, job_id)
    assert job["state"] == "done" and job["result"]["count"] == 4 and job["percent"] == 100, job
    assert not stale.exists()
    # on disk: sealed, no plaintext of the messages
    sealed = Path(console.gateway.services.settings.data_dir) / "exports" / f"{job['result']['file']}.mwx"
    assert "合同".encode() not in sealed.read_bytes() and b"manifest" not in sealed.read_bytes()
    download = auditor.get(f"/api/v1/archive/exports/{job_id}/download")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as zf:
        verified = bundle.verify(zf)
        names = sorted(n for n in zf.namelist() if n.endswith(".eml"))
    assert names == sorted(f"{console.ids[n]}.eml" for n in (5, 6, 11, 13))
    assert verified is not None
    # only its owner sees it; the download is audited
    assert console.client("compliance").get(f"/api/v1/archive/exports/{job_id}/download").status_code == 404
    rows = auditor.get("/api/v1/audit", params={"actor": "otto", "record": f"job:{job_id}"}).json()["items"]
    assert {r["action"] for r in rows} == {"archive.export"} and len(rows) >= 3
    assert console.client("supervisor").post("/api/v1/archive/exports", json={"q": "x"}).status_code == 403


def test_an_export_opens_after_its_master_key_is_rotated_and_retired(console: Console) -> None:
    """Review: a bundle was sealed under a key derived from the master key active then, and
    `keys retire` of that key (which looks at data keys and MACs, not bundles) left it
    undownloadable for the rest of its week. Sealed under the evidence key, kept through
    rotations, it opens (the console page's download asks the same ``opening_key``)."""
    from admin_api.audit import remac_audit
    from archive.chain import ChainKey

    auditor = console.client("auditor")
    started = auditor.post("/api/v1/archive/exports", json={"q": "合同"})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    job = _finished(auditor, job_id)
    assert job["state"] == "done", job
    services = console.gateway.services
    old = services.keyring.active_kid
    services.archive.rotate_keys()
    remac_audit(services.engine, ChainKey(services.keyring, "audit-chain"), old)
    services.archive.retire_key(old)
    assert old not in services.keyring.key_ids()
    download = auditor.get(f"/api/v1/archive/exports/{job_id}/download")
    assert download.status_code == 200, download.text
    with zipfile.ZipFile(io.BytesIO(download.content)) as zf:
        assert bundle.verify(zf) is not None
        assert sum(n.endswith(".eml") for n in zf.namelist()) == job["result"]["count"] > 0
