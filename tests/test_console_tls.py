"""HTTPS on the API/console port: the real gateway with ``api.tls`` and the generated
self-signed certificate; the session cookie is Secure and the browser told to stay on HTTPS."""

from __future__ import annotations

import re
import ssl
from pathlib import Path

import httpx
import pytest

from admin_api.passwords import set_password
from admin_api.users import add_user
from tests.harness import InProcessGateway, free_port, write_config


def test_console_over_https_with_a_generated_certificate(tmp_path: Path) -> None:
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port(), overrides={"api": {"tls": True}})
    gateway = InProcessGateway(config, with_api=True).start()
    try:
        engine = gateway.services.engine
        add_user(engine, "audrey", "auditor", [], "audrey@example.com")
        set_password(engine, "audrey", "a long enough password")
        cert = tmp_path / "gw" / "data" / "tls" / "cert.pem"
        assert cert.exists()
        base = f"https://127.0.0.1:{gateway.api_port}"
        with httpx.Client(base_url=base, verify=ssl.create_default_context(cafile=str(cert)), timeout=30) as http:
            page = http.get("/signin")
            assert page.status_code == 200 and page.headers["strict-transport-security"].startswith("max-age=")
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            assert "Secure" in page.headers["set-cookie"]            # even the pre-sign-in CSRF cookie
            res = http.post("/signin", data={"csrf": csrf, "name": "audrey", "password": "a long enough password",
                                             "next": "/"})
            assert res.status_code == 303
            cookie = res.headers["set-cookie"]
            assert "mw_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
            assert gateway.services.settings.api_base_url == f"https://127.0.0.1:{gateway.api_port}"
        with pytest.raises(httpx.HTTPError):   # no plain HTTP on the TLS port
            httpx.get(f"http://127.0.0.1:{gateway.api_port}/signin", timeout=5)
    finally:
        gateway.stop()
