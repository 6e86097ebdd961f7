"""The extractor: one attachment in, it and every file nested in it out, each with its text.

It sniffs what each file really is (:mod:`rules.filetypes`), reads documents
(:mod:`rules.documents`), opens containers (:mod:`rules.containers`), all under the message's
one :class:`~rules.budget.Budget`. Whatever it could not read is a finding rules can act on
(fail closed), never an exception: a broken file is ``corrupt``, a bomb is ``archive bomb``.

With ``Limits.open_documents`` off it only sniffs: documents and containers come back
``deferred`` (named and typed, not read), which is how the gateway parses a message on its
event loop before the extraction workers read them (``gateway/extraction_pool.py``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rules import containers
from rules.budget import FINDING_BOMB, FINDING_TOO_DEEP, BombError, Budget
from rules.charsets import decode_guess
from rules.documents import MAX_TEXT_PER_FILE, pdf_extract
from rules.encrypted import payload_encrypted
from rules.escapes import unescape_json
from rules.filetypes import DOCUMENT_KINDS, has_macros, is_disk_image, is_executable, is_script, kind, sniff
from rules.findings import CORRUPT, ENCRYPTED, TRUNCATED, uninspectable
from rules.ole import open_ole
from rules.qr_codes import qr_payloads, qr_text
from rules.rtf import rtf_text

if TYPE_CHECKING:
    from rules.attached_pages import PageFacts

FINDING_UNDECODABLE = "undecodable part"
FINDING_ENCRYPTED = "encrypted attachment"
FINDING_CORRUPT = "corrupt attachment"


@dataclass
class Attachment:
    """One file found in a message, possibly nested inside archives or attached messages.

    ``path`` is the nesting path (``outer.zip/inner.zip/a.txt``); ``name`` is its last part.
    ``deferred``: a document or container not read yet (see the module docstring).
    """

    name: str
    path: str
    declared_type: str
    true_type: str
    size: int
    encrypted: bool = False
    is_executable: bool = False
    is_script: bool = False
    has_macros: bool = False
    is_disk_image: bool = False
    is_archive: bool = False
    text: str = ""
    depth: int = 0
    findings: list[str] = field(default_factory=list)
    deferred: bool = False
    page: PageFacts | None = None  # an HTML file's form, redirect or encoded script (rules.attached_pages)

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.name.lower())[1]


class Extractor:
    """Walks one attachment (recursively) and returns the flattened list of files."""

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget or Budget()

    # -- entry point -------------------------------------------------------------------
    def extract(
        self, data: bytes, name: str, declared_type: str = "application/octet-stream",
        prefix: str = "", depth: int = 0, charset: str | None = None,
    ) -> list[Attachment]:
        """Return the attachment itself followed by everything nested inside it."""
        path = f"{prefix}/{name}" if prefix else name
        att = Attachment(
            name=name, path=path, declared_type=(declared_type or "").lower(),
            true_type=sniff(data), size=len(data), depth=depth,
        )
        att.is_executable = is_executable(data, att.true_type, att.extension)
        att.is_script = is_script(data, att.true_type, att.extension, att.declared_type)
        att.has_macros = has_macros(data, att.extension)
        att.is_disk_image = is_disk_image(data, att.true_type, att.extension)
        out = [att]
        try:
            out.extend(self._content(att, data, depth, charset))
        except BombError:
            self._note(att, FINDING_BOMB)
        except MemoryError:
            raise   # the worker's memory limit: the whole message is over budget, not this file
        except Exception:  # noqa: BLE001 - a broken file is a finding, never a crash
            self.corrupt(att)
        if att.encrypted:
            self.budget.note(FINDING_ENCRYPTED)
            self._note(att, uninspectable(ENCRYPTED))
        if len(att.text) > MAX_TEXT_PER_FILE:
            att.text = att.text[:MAX_TEXT_PER_FILE]
            self.truncated(att)  # the rest was not read: fail closed
        return out

    def _content(self, att: Attachment, data: bytes, depth: int, charset: str | None) -> list[Attachment]:
        if payload_encrypted(data, att.declared_type, att.true_type, att.extension):
            self.encrypted(att)      # S/MIME or OpenPGP: nothing inside can be read
            return []
        what = kind(data, att.true_type, att.extension)
        if what in DOCUMENT_KINDS and not self.budget.limits.open_documents:
            att.deferred = True
            att.is_archive = what not in ("pdf", "ole", "rtf", "image")
            return []
        if what == "zip":
            return containers.open_zip(self, att, data, depth)
        if what == "ole":
            return open_ole(self, att, data, depth)
        if what == "pdf":
            found = pdf_extract(data)
            att.text, att.encrypted = found.text, found.encrypted
            if found.truncated:
                self.truncated(att)
            if found.corrupt:
                self.corrupt(att)
            return []
        if what in ("7z", "rar", "tar", "gzip", "bz2", "xz", "iso"):
            return containers.open_archive(self, att, data, depth, what)
        if what == "image":
            # (a bounded number per message, counted once a picture could hold a code: a flood of logos costs no more)
            att.text = qr_text(qr_payloads(data, self.budget.take_image))
            return []
        if what == "html":
            from rules.attached_pages import page_facts
            from rules.html_text import html_to_text

            page = decode_guess(data, charset)
            att.text = unescape_json(html_to_text(page))
            att.page = page_facts(page)  # a sign-in form, a redirect: a phishing page sent as a file
        elif what == "rtf":
            att.text = rtf_text(data)
        elif what == "text":
            att.text = unescape_json(decode_guess(data, charset))   # .json: \u673a\u5bc6 is 机密
        return []   # "message": content.py parses attached messages itself

    # -- what containers call back -------------------------------------------------------
    def enter(self, att: Attachment, depth: int) -> bool:
        """Whether an archive at ``depth`` may be opened (one level deeper is in budget)."""
        att.is_archive = True
        return self.descend(att, depth)

    def descend(self, att: Attachment, depth: int) -> bool:
        """Whether what ``att`` holds (archive members, a document's embedded objects) may be
        read: one level deeper than ``depth`` is within the depth limit."""
        if depth + 1 > self.budget.limits.max_depth:
            self._note(att, FINDING_TOO_DEEP)
            self.budget.note(FINDING_BOMB)
            return False
        return True

    def unreadable(self, name: str, prefix: str, depth: int, *, encrypted: bool = False) -> Attachment:
        """A member listed but not read (encrypted in its archive): named, flagged, no text."""
        member = Attachment(name=name, path=f"{prefix}/{name}", declared_type="",
                            true_type="application/octet-stream", size=0, encrypted=encrypted, depth=depth)
        member.is_executable = is_executable(b"", member.true_type, member.extension)
        member.is_script = is_script(b"", member.true_type, member.extension, "")
        member.has_macros = has_macros(b"", member.extension)
        member.is_disk_image = is_disk_image(b"", member.true_type, member.extension)
        return member

    def corrupt(self, att: Attachment) -> None:
        self._note(att, FINDING_CORRUPT)
        self._note(att, uninspectable(CORRUPT))

    def encrypted(self, att: Attachment) -> None:
        """Content behind a password: flagged, for rules (``attachment: {encrypted: true}``)."""
        att.encrypted = True

    def truncated(self, att: Attachment) -> None:
        self._note(att, uninspectable(TRUNCATED))

    def _note(self, att: Attachment, finding: str) -> None:
        if finding not in att.findings:
            att.findings.append(finding)
        self.budget.note(finding)
