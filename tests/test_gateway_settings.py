"""Settings and directory files: defaults, environment overrides, errors naming file:line:key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.directory import INBOUND, INTERNAL, OUTBOUND, Directory
from gateway.settings import SettingsError, load_settings, parse_duration, parse_hostport
from gateway.yamlfile import ConfigFileError

REPO = Path(__file__).resolve().parent.parent


def test_shipped_config_loads_with_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("MAILWARDEN_"):
            monkeypatch.delenv(key)
    s = load_settings(REPO / "configs" / "gateway.yaml")
    assert s.smtp.listen == "127.0.0.1:2525"
    assert s.api.listen == "127.0.0.1:8025"
    assert s.data_dir == REPO / "data"
    assert s.database_url == f"sqlite:///{REPO / 'data' / 'mailwarden.db'}"
    assert s.next_hop == f"maildir:{REPO / 'data' / 'maildir'}"
    assert s.delivery.max_queue_lifetime == 5 * 86400
    assert s.rules_path == REPO / "configs" / "rules.yaml"
    assert (s.smtp.bare_newline, s.smtp.max_sessions_per_ip, s.smtp.pregreet_wait, s.smtp.data_timeout) == (
        "normalize", 20, 1.0, 600.0)


def test_environment_overrides_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "g.yaml"
    cfg.write_text("smtp:\n  listen: 127.0.0.1:2525\n")
    monkeypatch.setenv("MAILWARDEN_SMTP__LISTEN", "127.0.0.1:2600")
    monkeypatch.setenv("MAILWARDEN_DELIVERY__NEXT_HOP", "127.0.0.1:2700")
    monkeypatch.setenv("MAILWARDEN_RELAY__TRUSTED_NETWORKS", '["10.0.0.0/8"]')
    monkeypatch.setenv("MAILWARDEN_STORAGE__DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("MAILWARDEN_STORAGE__DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("MAILWARDEN_API__LISTEN", "127.0.0.1:9000")
    s = load_settings(cfg)
    assert s.smtp.listen == "127.0.0.1:2600"
    assert s.delivery.next_hop == "127.0.0.1:2700"
    assert s.relay.trusted_networks == ["10.0.0.0/8"]
    assert s.data_dir == tmp_path / "d"
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert s.api_base_url == "http://127.0.0.1:9000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("smtp:\n  listen: 127.0.0.1:2525\n  max_recipients: -3\n", ":3: smtp.max_recipients:"),
        ("relay:\n  trusted_networks: [\"10.0.0.0/8\", \"banana\"]\n", ":2: relay.trusted_networks"),
        ("delivery:\n  next_hop: \"host:notaport\"\n", ":2: delivery.next_hop: port is not a number"),
        ("smtp:\n  lisen: 1.2.3.4:25\n", ":2: smtp.lisen: unknown setting"),
        ("quarantine:\n  lifetime: forever\n", ":2: quarantine.lifetime: not a duration"),
        ("smtp: [\n", "not valid YAML"),
        ("smtp:\n  bare_newline: strip\n", ":2: smtp.bare_newline:"),
        ("smtp:\n  data_min_rate: -1\n", ":2: smtp.data_min_rate:"),
        ("smtp:\n  pregreet_wait: 1h\n", ":2: smtp.pregreet_wait:"),
        ("smtp:\n  data_timeout: soon\n", ":2: smtp.data_timeout: not a duration"),
    ],
)
def test_bad_setting_names_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text(text)
    with pytest.raises(SettingsError) as info:
        load_settings(cfg)
    message = str(info.value)
    assert str(cfg) in message
    assert expected in message
    assert "\n" not in message


def test_bad_environment_value_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MAILWARDEN_SMTP__MAX_RECIPIENTS", "many")
    with pytest.raises(SettingsError, match="environment MAILWARDEN_SMTP__MAX_RECIPIENTS: smtp.max_recipients"):
        load_settings(REPO / "configs" / "gateway.yaml")


def test_durations_and_hostports() -> None:
    assert parse_duration("5d") == 432000
    assert parse_duration("90s") == 90
    assert parse_duration(12) == 12
    with pytest.raises(ValueError):
        parse_duration("soon")
    assert parse_hostport("[::1]:2525", default_port=25) == ("::1", 2525)
    assert parse_hostport("mx.example.com", default_port=25) == ("mx.example.com", 25)
    with pytest.raises(ValueError):
        parse_hostport("h:99999", default_port=25)


def test_shipped_directory_classifies_directions() -> None:
    d = Directory.load(REPO / "configs" / "directory.yaml")
    assert d.classify("alice@example.com", ["bob@example.com", "x@other.org"], sender_vouched=True) == {
        "bob@example.com": INTERNAL, "x@other.org": OUTBOUND}
    assert d.classify("x@other.org", ["bob@example.com"]) == {"bob@example.com": INBOUND}
    assert d.classify("", ["bob@example.com"]) == {"bob@example.com": INBOUND}
    # Our domain on nobody's word but the sender's own is mail from outside (issue 11).
    assert d.classify("alice@example.com", ["bob@example.com"]) == {"bob@example.com": INBOUND}
    assert d.classify("alice@example.com", ["bob@example.com"], sender_vouched=False) == {
        "bob@example.com": INBOUND}
    assert d.is_internal("someone@finance.example.com")
    assert not d.is_internal("someone@notexample.com")
    assert d.department_of("ALICE@example.com") == "finance"
    assert d.department_of("x@eng.example.com") == "engineering"
    assert d.reviewers_for("alice@example.com") == ("cfo@example.com",)
    assert d.reviewers_for("erin@example.com", "compliance-team") == ("grace@example.com", "heidi@example.com")
    assert d.reviewers_for("stranger@outside.org") == ("grace@example.com", "heidi@example.com")
    assert d.may_send_externally("press@example.com")
    assert d.may_send_externally("dave@example.com")
    assert not d.may_send_externally("nobody@example.com")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("domains: []\n", ":1: domains: must be a non-empty list"),
        ("domains: [a.com]\ndepartments:\n  x:\n    members: [a@a.com]\n    supervisors: [b@a.com]\n"
         "    reviewers: []\n", ":6: departments.x.reviewers: unknown key"),
        ("domains: [a.com]\nexternal_senders: [\"group:nope\"]\n", ":2: external_senders.0: unknown group"),
        ("domain: [a.com]\n", ":1: domain: unknown key"),
        ("domains: [a.com]\ndefault_review_group: nobody\n", ":2: default_review_group: unknown group"),
    ],
)
def test_bad_directory_names_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "directory.yaml"
    path.write_text(text)
    with pytest.raises(ConfigFileError) as info:
        Directory.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)
