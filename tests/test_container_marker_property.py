"""Property (issue 12, containers): a confidentiality marker in a file wrapped in any nesting of
the containers and documents a sender can use — zip, tar (plain, gzip, bzip2, xz), single
gzip/bzip2/xz streams, RAR, docx and odt text, a workbook embedded in a docx, a file packaged
in an OLE object — is found, or the message is held as unreadable: the outbound verdict with
the shipped rules is never ``deliver``. Runs both ways the gateway reads documents: in place,
and by the extraction workers within the screening budget."""

from __future__ import annotations

import asyncio
import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.extraction_pool import ExtractionPool
from rules.budget import Limits
from rules.content import ParsedMessage, parse
from rules.engine import Engine, EvaluationContext
from rules.loader import load_ruleset
from rules.model import Action, Envelope
from tests import bypass_mail as bm
from tests.archivers import rar4
from tests.ole_writer import compound_file, ole10_native
from tests.test_embedded_objects import docx, odt, xlsx
from tests.test_rules_content import mime
from tests.test_rules_engine import DIRECTORY, classify

SHIPPED = Engine(load_ruleset(Path(__file__).parent.parent / "configs" / "rules.yaml"))
CHARSETS = ["utf-8", "gbk", "gb18030"]
WRAPPERS = ["zip", "tar", "tar.gz", "tar.bz2", "tar.xz", "gz", "bz2", "xz", "rar", "docx-embedding", "ole-package"]
DOCUMENTS = ["txt", "docx", "odt", "xlsx"]


def _tar(name: str, data: bytes, mode: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:
        info = tarfile.TarInfo(f"papers/{name}")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def wrap(kind: str, name: str, data: bytes) -> tuple[str, bytes]:
    """``data`` (named ``name``) inside one more container of ``kind``: the new name and bytes."""
    if kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"docs/{name}", data)
        return "bundle.zip", buf.getvalue()
    if kind.startswith("tar"):
        mode = {"tar": "w", "tar.gz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz"}[kind]
        return f"bundle.{kind}", _tar(name, data, mode)
    if kind == "gz":
        return f"{name}.gz", gzip.compress(data)
    if kind == "bz2":
        return f"{name}.bz2", bz2.compress(data)
    if kind == "xz":
        return f"{name}.xz", lzma.compress(data)
    if kind == "rar":
        return "bundle.rar", rar4({name: data})
    if kind == "docx-embedding":
        return "cover.docx", docx("see the attached file", {name: data})
    return "object.doc", compound_file({"\x01Ole10Native": ole10_native(name, data)})


def document(kind: str, text: str, charset: str) -> tuple[str, bytes]:
    if kind == "docx":
        return "memo.docx", docx(text, {})
    if kind == "odt":
        return "memo.odt", odt(text, {})
    if kind == "xlsx":
        return "figures.xlsx", xlsx(text)
    return "memo.txt", text.encode(charset)


@st.composite
def wrapped_marker(draw: st.DrawFn) -> tuple[str, bytes]:
    filler = draw(st.sampled_from(["季度销售数据汇总如下。", "Quarterly figures.", "会议纪要见附件。"]))
    text = f"{filler}\n{bm.MARKER}\n{filler}"
    name, data = document(draw(st.sampled_from(DOCUMENTS)), text, draw(st.sampled_from(CHARSETS)))
    for kind in draw(st.lists(st.sampled_from(WRAPPERS), min_size=1, max_size=4)):
        name, data = wrap(kind, name, data)
    return name, data


def _outbound(message: ParsedMessage) -> Action:
    rcpts = ["partner@other.org"]
    ctx = EvaluationContext(directions=classify("alice@example.com", rcpts), directory=DIRECTORY)
    return SHIPPED.evaluate(message, Envelope(mail_from="alice@example.com", rcpt_tos=tuple(rcpts)), ctx).action


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wrapped_marker())
def test_marker_in_any_container_nesting_never_leaves(sample: tuple[str, bytes]) -> None:
    name, data = sample
    assert _outbound(parse(mime([("application/octet-stream", data, name)]))) != Action.DELIVER


_POOL = ExtractionPool(workers=1, seconds=20.0, memory_mb=512)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wrapped_marker())
def test_marker_in_any_container_nesting_never_leaves_through_the_workers(sample: tuple[str, bytes]) -> None:
    name, data = sample
    message = parse(mime([("application/octet-stream", data, name)]), Limits(open_documents=False))
    if message.deferred:
        asyncio.run(_POOL.complete(message))
    assert _outbound(message) != Action.DELIVER
