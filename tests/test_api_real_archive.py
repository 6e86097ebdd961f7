"""The admin API over the real archive (encrypted blob store, key ring, blind index) instead
of the stand-in: a message archived and held in one transaction, the way the gateway's
acceptance does it, is listed, viewed, downloaded, searched and released."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from admin_api.app import ApiServices, create_app
from admin_api.users import add_user
from archive.blobstore import FilesystemBlobStore
from archive.keyring import KeyRing
from archive.service import Archive, RecordMeta, create_schema
from quarantine.service import HoldRequest
from tests.test_api_support import MESSAGE, Env


def test_hold_view_search_release_with_real_archive(engine: sa.Engine, data_dir: Path) -> None:
    env = Env(engine)
    create_schema(engine)  # archive tables incl. the full-text index
    archive = Archive(
        engine,
        FilesystemBlobStore(data_dir / "blobs"),
        KeyRing.open(data_dir / "keys", master_key_env=None),
        text_extractor=lambda raw: [raw.decode("utf-8", "replace")],
    )
    sealed = archive.seal(MESSAGE)
    archive.write_blob(sealed)
    with engine.begin() as conn:
        archive_id = archive.insert_record(
            conn,
            sealed,
            RecordMeta(
                message_id="<m1@corp.example>",
                mail_from="alice@corp.example",
                rcpt_tos=["x@ext.example", "y@ext.example"],
                subject="Q3 numbers",
                direction="outbound",
                verdict="quarantined",
                rules=["confidential-outbound"],
                department="finance",
                size=len(MESSAGE),
            ),
        )
        ids = env.quarantine.hold(
            conn,
            HoldRequest(
                archive_id=archive_id,
                digest=sealed.digest,
                mail_from="alice@corp.example",
                recipients=["x@ext.example", "y@ext.example"],
                direction="outbound",
                department="finance",
                rules=["confidential-outbound"],
                reviewers=["supervisor@corp.example"],
            ),
        )
    archive.index_pending()
    app = create_app(
        ApiServices(
            engine=engine,
            quarantine=env.quarantine,
            archive=archive,
            rules_test=env.rules.test,
            rules_reload=env.rules.reload,
        )
    )
    client = TestClient(app)
    sup = {"Authorization": f"Bearer {env.tokens['supervisor']}"}
    listed = client.get("/api/v1/quarantine", headers=sup).json()
    assert listed["total"] == 2 and {i["subject"] for i in listed["items"]} == {"Q3 numbers"}
    view = client.get(f"/api/v1/quarantine/{ids[0]}/view", headers=sup).json()
    assert "Confidential figures attached" in view["text"] and view["attachments"][0]["name"] == "q3.pdf"
    assert client.get(f"/api/v1/quarantine/{ids[0]}/raw", headers=sup).content == MESSAGE
    # supervisors get no archive search; auditors do
    assert client.get("/api/v1/archive/search?q=figures", headers=sup).status_code == 403
    auditor = {"Authorization": f"Bearer {add_user(engine, 'aud2', 'auditor')}"}
    page = client.get("/api/v1/archive/search", params={"q": "figures"}, headers=auditor).json()
    assert page["total"] == 1 and page["total_exact"] is True and page["items"][0]["id"] == archive_id
    archive.COUNT_CAP = 0    # every total is now past the cap unless an exact count is asked for
    capped = client.get("/api/v1/archive/search", params={"q": "figures"}, headers=auditor).json()
    # a lower bound: at least what the page shows
    assert (capped["total"], capped["total_exact"], len(capped["items"])) == (1, False, 1)
    exact = client.get("/api/v1/archive/search", params={"q": "figures", "exact_total": "true"},
                       headers=auditor).json()
    assert (exact["total"], exact["total_exact"]) == (1, True)
    assert client.get("/api/v1/archive/search?exact_total=perhaps", headers=auditor).status_code == 422
    assert client.get(f"/api/v1/archive/{archive_id}", headers=auditor).json()["subject"] == "Q3 numbers"
    assert client.get("/api/v1/archive/987654", headers=auditor).status_code == 404
    assert client.get("/api/v1/archive/search?cursor=%%%", headers=auditor).status_code == 422
    released = client.post(f"/api/v1/quarantine/{ids[1]}/release", json={"comment": "ok"}, headers=sup)
    assert released.status_code == 200 and [r.recipients for r in env.released()] == [["y@ext.example"]]
