"""RFC 3161 timestamps of checkpoints from a real TSA: ``openssl ts -reply`` behind a small HTTP
server on loopback, with its own CA. Skipped without openssl unless MAILWARDEN_REQUIRE_OPENSSL
is set (CI sets it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from admin_api import tables as at
from archive import timestamp
from gateway.checkpoints import Checkpointer, check_archive
from tests.test_archive_support import build, make_archive, put

REQUIRE = os.environ.get("MAILWARDEN_REQUIRE_OPENSSL", "") not in ("", "0")

_TSA_CONF = """
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _make_pki(d: Path, name: str) -> None:
    """A CA and a TSA certificate it issues (extendedKeyUsage critical timeStamping)."""
    d.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
             "-keyout", "ca.key", "-out", "ca.crt", "-subj", f"/CN={name} test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=d)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key",
             "-out", "tsa.csr", "-subj", f"/CN={name} test TSA", cwd=d)
    (d / "tsa.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                               "extendedKeyUsage=critical,timeStamping\n")
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-extfile", "tsa.ext", "-out", "tsa.crt", cwd=d)
    (d / "serial").write_text("01\n")
    (d / "tsa.cnf").write_text(_TSA_CONF.format(dir=d))


class _TsaHandler(BaseHTTPRequestHandler):
    pki: Path

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        query = self.rfile.read(int(self.headers["Content-Length"]))
        work = self.pki / f"q{threading.get_ident()}"
        work.with_suffix(".tsq").write_bytes(query)
        subprocess.run(["openssl", "ts", "-reply", "-config", str(self.pki / "tsa.cnf"), "-queryfile",
                        str(work.with_suffix(".tsq")), "-out", str(work.with_suffix(".tsr"))],
                       check=True, capture_output=True, timeout=60)
        body = work.with_suffix(".tsr").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if shutil.which("openssl") is None:
        if REQUIRE:
            pytest.fail("openssl missing (MAILWARDEN_REQUIRE_OPENSSL is set)")
        pytest.skip("openssl missing")
    pki = tmp_path / "tsa"
    _make_pki(pki, "tsa")
    handler = type("Handler", (_TsaHandler,), {"pki": pki})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsr", pki / "ca.crt"
    finally:
        server.shutdown()
        server.server_close()


def test_checkpoints_carry_a_tsa_timestamp_that_verify_checks(engine: sa.Engine, tmp_path: Path,
                                                                tsa: tuple[str, Path]) -> None:
    url, ca = tsa
    archive = make_archive(engine, tmp_path)
    at.metadata.create_all(engine)
    with engine.begin() as conn:
        at.post_create(conn)
    path = tmp_path / "cp.log"
    writer = Checkpointer(engine, archive, path, tsa_url=url)
    put(archive, build("one", "body"))
    writer.write()
    put(archive, build("two", "body"))
    writer.write()
    lines = path.read_text().splitlines()
    assert all("tst" in json.loads(ln) for ln in lines)
    assert check_archive(archive, path, ca) == []
    # without the CA the token cannot be judged: said, not passed over
    assert check_archive(archive, path)[0][1].endswith("no TSA CA file is set (archive.tsa_ca_file): not checked")
    # another CA's TSA is not the configured one
    _make_pki(tmp_path / "other", "other")
    assert "timestamp does not verify" in check_archive(archive, path, tmp_path / "other" / "ca.crt")[0][1]
    # a token moved from another line does not stamp this one
    first, second = json.loads(lines[0]), json.loads(lines[1])
    second["tst"] = first["tst"]
    path.write_text(lines[0] + "\n" + json.dumps(second, sort_keys=True, separators=(",", ":")) + "\n")
    found = check_archive(archive, path, ca)
    assert [p for p in found if "timestamp does not verify" in p[1]], found


def test_an_unreachable_tsa_still_gets_a_checkpoint_written(engine: sa.Engine, tmp_path: Path,
                                                            free_port, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    archive = make_archive(engine, tmp_path)
    at.metadata.create_all(engine)
    with engine.begin() as conn:
        at.post_create(conn)
    path = tmp_path / "cp.log"
    Checkpointer(engine, archive, path, tsa_url=f"http://127.0.0.1:{free_port()}/tsr").write()
    assert "tst" not in json.loads(path.read_text())
    assert "without an RFC 3161 timestamp" in caplog.text
    with pytest.raises(timestamp.TimestampError):
        timestamp.request(f"http://127.0.0.1:{free_port()}/tsr", b"x", timeout=2)
