"""Start-up and command failures are one line naming the file, the key or the port, never a
traceback; sizes take units; a listen address needs its port. Real processes, real sockets."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from gateway.settings import SettingsError, load_settings
from tests.harness import free_port, write_config
from tests.test_cli import mailwarden


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                        smtp_port=free_port(), api_port=free_port())


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_check_on_a_missing_file_is_one_line(tmp_path: Path, config: Path) -> None:
    out = mailwarden("check", str(tmp_path / "nope.eml"), "--from", "a@example.com", "--to", "b@example.com",
                     config=config)
    assert out.returncode == 1
    assert one_line(out.stderr) == f"mailwarden: {tmp_path / 'nope.eml'}: No such file or directory"


@pytest.mark.parametrize("which", ["smtp", "api"])
def test_a_port_in_use_is_named(config: Path, which: str) -> None:
    import yaml

    settings = yaml.safe_load(config.read_text())
    listen = settings[which]["listen"]
    host, port = listen.rsplit(":", 1)
    with socket.create_server((host, int(port))):
        out = mailwarden("serve", config=config)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert line.startswith(f"mailwarden: {which}.listen: cannot listen on {listen}: Address already in use"), line


def test_bad_json_in_a_list_variable_is_one_line(config: Path) -> None:
    out = mailwarden("rules", "lint", config=config, env={"MAILWARDEN_RELAY__TRUSTED_NETWORKS": "10.0.0.0/8"})
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert line.startswith("mailwarden: environment MAILWARDEN_RELAY__TRUSTED_NETWORKS: not valid JSON: '10.0.0.0/8'")
    assert '["10.0.0.0/8"' in line
    ok = mailwarden("rules", "lint", config=config, env={"MAILWARDEN_RELAY__TRUSTED_NETWORKS": '["10.0.0.0/8"]'})
    assert ok.returncode == 0, ok.stderr


def test_sizes_take_units(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in __import__("os").environ if k.startswith("MAILWARDEN_")]:
        monkeypatch.delenv(key)
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text("smtp:\n  listen: 127.0.0.1:2525\n  max_message_size: 50MB\n  spool_threshold: 512 KiB\n"
                   "  memory_budget: 1G\n")
    s = load_settings(cfg)
    assert (s.smtp.max_message_size, s.smtp.spool_threshold, s.smtp.memory_budget) == (50 << 20, 512 << 10, 1 << 30)
    cfg.write_text("smtp:\n  listen: 127.0.0.1:2525\n  max_message_size: 50 parsecs\n")
    with pytest.raises(SettingsError, match=r"gateway.yaml:3: smtp.max_message_size: not a size: '50 parsecs'"):
        load_settings(cfg)


@pytest.mark.parametrize("section", ["smtp", "api"])
def test_listen_needs_a_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, section: str) -> None:
    for key in [k for k in __import__("os").environ if k.startswith("MAILWARDEN_")]:
        monkeypatch.delenv(key)
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text(f"{section}:\n  listen: 127.0.0.1\n")
    with pytest.raises(SettingsError, match=rf"gateway.yaml:2: {section}.listen: '127.0.0.1' has no port"):
        load_settings(cfg)


def test_base_url_required_beyond_loopback(config: Path) -> None:
    env = {"MAILWARDEN_API__LISTEN": f"0.0.0.0:{free_port()}", "MAILWARDEN_API__TLS": "true"}
    out = mailwarden("serve", config=config, env=env)
    assert out.returncode == 2
    assert one_line(out.stderr).startswith("mailwarden: api.base_url: required when api.listen (0.0.0.0:")


def test_database_unreachable_is_one_line(config: Path) -> None:
    out = mailwarden("queue", "list", config=config,
                     env={"MAILWARDEN_STORAGE__DATABASE_URL": f"postgresql+psycopg://nobody:secret@127.0.0.1:{free_port()}/x"})
    assert out.returncode == 1
    line = one_line(out.stderr)
    assert line.startswith("mailwarden: database: ") and "secret" not in line
