"""Keys apart from the data (issue 13): where master keys live, file modes, the older layout
moved, a key given as a secret file."""

from __future__ import annotations

import base64
import os
import secrets
import stat
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.settings import load_settings
from tests.harness import free_port, write_config


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("MAILWARDEN_"):
            monkeypatch.delenv(name)
    return write_config(tmp_path / "gw", database_url="", next_hop="127.0.0.1:9",
                        smtp_port=free_port(), api_port=free_port())


def keys_list(config: Path) -> int:
    return main(["keys", "list", "--config", str(config)])


def test_first_run_keeps_keys_outside_data_dir_and_files_private(config: Path, capsys) -> None:
    """Before: the master key was made in data/keys beside the blobs; mailwarden.db was 0644."""
    assert keys_list(config) == 0
    settings = load_settings(config)
    data, keys = settings.data_dir, settings.keys_dir
    assert keys == config.parent / "keys" and not (data / "keys").exists()
    [key_file] = keys.glob("master-*.key")
    assert mode(keys) == 0o700 and mode(key_file) == 0o600
    assert mode(data) == 0o700
    db = data / "mailwarden.db"
    for path in (db, Path(f"{db}-wal")):
        if path.exists():
            assert mode(path) == 0o600, path
    out = capsys.readouterr()
    assert key_file.stem.removeprefix("master-") in out.out and "inside data_dir" not in out.err


def test_older_layout_is_moved_out_of_data_dir(config: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    settings = load_settings(config)
    inside = settings.data_dir / "keys"
    monkeypatch.setenv("MAILWARDEN_STORAGE__KEYS_DIR", str(inside))     # how older versions kept them
    assert keys_list(config) == 0
    assert "sit inside data_dir" in capsys.readouterr().err
    [old_file] = inside.glob("master-*.key")
    key = old_file.read_bytes()
    monkeypatch.delenv("MAILWARDEN_STORAGE__KEYS_DIR")
    assert keys_list(config) == 0
    out = capsys.readouterr()
    assert "copied from" in out.err and old_file.stem.removeprefix("master-") in out.out
    assert (settings.keys_dir / old_file.name).read_bytes() == key
    assert mode(settings.keys_dir / old_file.name) == 0o600
    # the originals stay (another node sharing the data dir may need them), with a warning each start
    assert old_file.exists() and "still also in" in out.err
    for path in inside.iterdir():
        path.unlink()
    assert keys_list(config) == 0
    assert "still also in" not in capsys.readouterr().err


def test_master_key_from_a_secret_file(config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys) -> None:
    secret = tmp_path / "secret"
    secret.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    monkeypatch.setenv("MAILWARDEN_STORAGE__MASTER_KEY_FILE", str(secret))
    assert keys_list(config) == 0
    assert not list(load_settings(config).keys_dir.glob("master-*.key"))    # nothing written for it
    capsys.readouterr()
    secret.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")   # a wrong key
    assert keys_list(config) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"master key file {secret} holds master key mk-" in err[0]
    secret.unlink()
    assert keys_list(config) == 2
    assert "cannot read" in capsys.readouterr().err
