"""Helpers shared by the archive tests (no tests here): a real archive on the fixture's database."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa

from archive.blobstore import FilesystemBlobStore
from archive.keyring import KeyRing
from archive.mime import meta_from_raw, simple_text_extractor
from archive.service import Archive, create_schema


def make_archive(engine: sa.Engine, root: Path, **kwargs) -> Archive:
    create_schema(engine)
    keyring = KeyRing.open(root / "keys")
    return Archive(engine, FilesystemBlobStore(root / "blobs"), keyring, simple_text_extractor, **kwargs)


def build(subject: str, body: str, *, sender: str = "alice@corp.example",
          to: tuple[str, ...] = ("bob@partner.example",), cc: tuple[str, ...] = (),
          attachments: tuple[tuple[str, bytes, str], ...] = (), msgid: str | None = None,
          cte: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Mar 2026 10:00:00 +0000"
    msg["Message-ID"] = msgid or f"<{abs(hash((subject, body, sender)))}@corp.example>"
    if cte:
        msg.set_content(body, cte=cte)
    else:
        msg.set_content(body)
    for name, content, ctype in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def put(archive: Archive, raw: bytes, **overrides) -> int:
    """Archive one message in its own transaction the way the gateway does."""
    meta = meta_from_raw(raw, event=overrides.pop("event", "accepted"), **overrides)
    sealed = archive.seal(raw)
    archive.write_blob(sealed)
    with archive.engine.begin() as conn:
        return archive.insert_record(conn, sealed, meta)
