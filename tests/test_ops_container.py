"""The production container and the compose file, checked without Docker (it cannot build
here): the Dockerfile is parsed for what production needs, the lock file against
pyproject.toml, the compose file by `docker compose config` where the CLI has compose, and by
its structure always. The image's start-up guards run for real."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.harness import REPO, free_port, write_config
from tests.test_cli import mailwarden

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

SECRETISH = re.compile(r"(KEY|SECRET|PASSWORD|TOKEN|PASSPHRASE)", re.IGNORECASE)


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        word, _, rest = pending.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        pending = ""
    return out


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_dockerfile_is_production_ready() -> None:
    steps = instructions(REPO / "Dockerfile")
    froms = [args for word, args in steps if word == "FROM"]
    assert froms and all(re.search(r"@sha256:[0-9a-f]{64}\b", f) for f in froms), froms

    healthchecks = [args for word, args in steps if word == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and "CMD" in healthchecks[0] and "/healthz" in healthchecks[0]

    users = [args for word, args in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    last_user = max(i for i, (word, _) in enumerate(steps) if word == "USER")
    assert not any(word == "RUN" for word, _ in steps[last_user:]), "nothing runs as root after USER"

    # dependencies only from the lock, every file's hash checked; nothing else fetched
    runs = [args for word, args in steps if word == "RUN"]
    pip = [r for r in runs if "pip install" in r]
    assert any("--require-hashes" in r and "-r requirements.lock" in r for r in pip), pip
    assert all("--require-hashes" in r or "--no-deps" in r for r in pip), pip
    assert all("--no-build-isolation" in r for r in pip if "--no-deps" in r), pip

    # no secret baked in: no key material copied, no secret-looking ENV/ARG with a value
    copies = [args for word, args in steps if word in ("COPY", "ADD")]
    assert not any(re.search(r"\b(keys|data|secrets)\b|\.key\b|\.pem\b", c) for c in copies), copies
    env: dict[str, str] = {}
    for word, args in steps:
        if word == "ENV":
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                env[key] = value
        if word == "ARG":
            assert not SECRETISH.search(args), args
    for key, value in env.items():
        if SECRETISH.search(key):
            # where a key is found (a Docker secret, a directory), never key material itself
            assert re.fullmatch(r"/[\w./-]+", value) and not re.fullmatch(r"[A-Za-z0-9+/]{43}=", value), (key, value)
    assert env["MAILWARDEN_STORAGE__MASTER_KEY_FILE"] == "/run/secrets/mailwarden_master_key"
    assert "MAILWARDEN_MASTER_KEY" not in env
    # configuration from the mounted volume, keys apart from the data, no maildir delivery default
    assert env["MAILWARDEN_CONFIG"].startswith("/etc/mailwarden/")
    assert not env["MAILWARDEN_STORAGE__KEYS_DIR"].startswith(env["MAILWARDEN_STORAGE__DATA_DIR"])
    assert "MAILWARDEN_DELIVERY__NEXT_HOP" not in env and env.get("MAILWARDEN_IN_CONTAINER") == "1"
    volumes = " ".join(args for word, args in steps if word == "VOLUME")
    assert "/etc/mailwarden" in volumes and "/var/lib/mailwarden" in volumes
    assert not any(re.search(r"\bconfigs?\b.*/etc/mailwarden", c) for c in copies), "configs must not be baked in"


def test_lock_file_covers_every_dependency_with_hashes() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lock = (REPO / "requirements.lock").read_text()
    pinned = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock):
        line = block.strip().splitlines()[0] if block.strip() else ""
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", line)
        if match:
            assert "--hash=sha256:" in block, f"{line}: no hash"
            pinned[_name(match.group(1))] = match.group(2)
    for requirement in project["dependencies"]:
        if "win32" in requirement.replace(" ", "") and "!=" not in requirement:
            continue
        assert _name(requirement) in pinned, f"{requirement} is not in requirements.lock (run `make lock`)"
    assert "setuptools" in pinned        # the image builds the project without fetching anything


def test_compose_file_has_postgres_and_two_gateway_nodes(tmp_path: Path) -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert re.search(r"^postgres:[\w.\-]+@sha256:[0-9a-f]{64}$", services["postgres"]["image"])
    assert "healthcheck" in services["postgres"]
    gateways = [name for name, svc in services.items() if svc.get("build") == "."]
    assert len(gateways) == 2, gateways
    urls = set()
    for name in gateways:
        svc = services[name]
        env = svc["environment"]
        assert "mailwarden_master_key" in svc["secrets"]
        assert env["MAILWARDEN_STORAGE__DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:" in \
            env["MAILWARDEN_STORAGE__DATABASE_URL"]
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert "MAILWARDEN_API__BASE_URL" in env and "MAILWARDEN_DELIVERY__NEXT_HOP" in env
        assert any(v.endswith(":/etc/mailwarden:ro") for v in svc["volumes"])
        assert any(v.startswith("blobs:") for v in svc["volumes"])          # one blob store for both
        urls.add(env["MAILWARDEN_DELIVERY__NODE_ID"])
        assert not any("172.16.0.0/12" in str(v) for v in env.values())
    assert len(urls) == 2                                                   # each node its own id
    assert compose["secrets"]["mailwarden_master_key"]["file"].startswith("./secrets/")

    if shutil.which("docker") is None or subprocess.run(["docker", "compose", "version"],
                                                        capture_output=True).returncode != 0:
        return   # `docker compose config` where the CLI has compose; the structure above always
    env = {"POSTGRES_PASSWORD": "x", "MAILWARDEN_BASE_URL": "https://mw.example.com:8025",
           "MAILWARDEN_NEXT_HOP": "smtp.example.com:25", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    out = subprocess.run(["docker", "compose", "-f", str(REPO / "compose.yaml"), "config", "--quiet"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr


def test_readme_does_not_trust_every_container() -> None:
    readme = (REPO / "README.md").read_text()
    docker = readme[readme.index("## Docker"):]
    assert "172.16.0.0/12" not in docker.split("never")[0]
    assert "userland" in docker and "trusted_networks" in docker


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                        smtp_port=free_port(), api_port=free_port())


def test_in_a_container_maildir_delivery_is_refused(config: Path) -> None:
    out = mailwarden("serve", config=config, env={"MAILWARDEN_IN_CONTAINER": "1",
                                                  "MAILWARDEN_DELIVERY__NEXT_HOP": "maildir:/tmp/x"})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().startswith("mailwarden: delivery.next_hop: maildir delivery inside a container")


def test_a_config_named_by_the_environment_must_exist(tmp_path: Path) -> None:
    out = mailwarden("rules", "lint", env={"MAILWARDEN_CONFIG": str(tmp_path / "gateway.yaml")})
    assert out.returncode == 2
    assert out.stderr.strip() == (f"mailwarden: {tmp_path / 'gateway.yaml'}: configuration file not found "
                                  "(named by MAILWARDEN_CONFIG; in a container: mount it)")
