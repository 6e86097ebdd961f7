"""Service tokens known by their prefix and shape, and private keys sent base64-encoded
(rules.secret_tokens). A blind held-out set found a SendGrid key, a GitLab personal access
token in a CI file and a kubeconfig's ``client-key-data`` delivered to outsiders; the other
rows are the formats the same services and the chat webhooks Chinese teams use publish.
Every test of a token here failed on 672f9a6; the negatives guard against placeholders,
documentation shapes and a certificate (not a key)."""

from __future__ import annotations

import base64
import random
import string

import pytest

from rules.secrets import find_secrets
from tests.secret_samples import rsa_pem
from tests.test_detection_classes import action, mail

_R = random.Random(20261206)


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_R.choice(alphabet) for _ in range(n))


HEX = "0123456789abcdef"
URLSAFE = string.ascii_letters + string.digits + "_-"

TOKENS = {
    "SendGrid API key": f"SG.{rand(22, URLSAFE)}.{rand(43, URLSAFE)}",
    "GitLab token": f"glpat-{rand(20, URLSAFE)}",
    "npm access token": f"npm_{rand(36)}",
    "PyPI upload token": f"pypi-AgEIcHlwaS5vcmc{rand(70, URLSAFE)}",
    "Shopify access token": f"shpat_{rand(32, HEX)}",
    "OpenAI API key": f"sk-{rand(20)}T3BlbkFJ{rand(20)}",
    "OpenAI project key": f"sk-proj-{rand(64, URLSAFE)}",
    "Anthropic API key": f"sk-ant-api03-{rand(93, URLSAFE)}AA",
    "Hugging Face token": f"hf_{rand(34, string.ascii_letters)}",
    "DigitalOcean token": f"dop_v1_{rand(64, HEX)}",
    "Atlassian API token": f"ATATT3xFfGF0{rand(180, URLSAFE)}=1A2B3C4D",
    "Google OAuth client secret": f"GOCSPX-{rand(28, URLSAFE)}",
    "Square access token": f"sq0atp-{rand(22, URLSAFE)}",
    "Telegram bot token": f"6123456789:AA{rand(33, URLSAFE)}",
    "Discord webhook URL": f"https://discord.com/api/webhooks/112233445566778899/{rand(68, URLSAFE)}",
    "DingTalk robot webhook": f"https://oapi.dingtalk.com/robot/send?access_token={rand(64, HEX)}",
    "Feishu/Lark bot webhook": f"https://open.feishu.cn/open-apis/bot/v2/hook/{rand(8, HEX)}-{rand(4, HEX)}-"
                               f"{rand(4, HEX)}-{rand(4, HEX)}-{rand(12, HEX)}",
    "WeCom group robot webhook": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={rand(8, HEX)}-{rand(4, HEX)}-"
                                 f"{rand(4, HEX)}-{rand(4, HEX)}-{rand(12, HEX)}",
}


@pytest.mark.parametrize(("name", "token"), TOKENS.items(), ids=list(TOKENS))
def test_a_token_of_a_known_shape_is_a_secret_and_held(name: str, token: str) -> None:
    text = f"Here is the key for the integration:\n\n{token}\n\nThanks"
    found = find_secrets(text)
    assert [(m.context, m.value) for m in found] == [(name, token)], found
    assert action(mail(text)) == "quarantine"


def test_a_gitlab_token_inside_a_ci_file_is_held() -> None:
    ci = ("before_script:\n  - echo \"" + TOKENS["GitLab token"] + "\" | docker login registry.gitlab.com "
          "-u ci-bot --password-stdin\n")
    assert action(mail("Our .gitlab-ci.yml:\n\n" + ci)) == "quarantine"


@pytest.mark.parametrize("text", [
    "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-XXXXXXXXXXXXXXXXXXXX", "export GITLAB_TOKEN=glpat-<your token here>",
    "npm_000000000000000000000000000000000000", "hf_your_token_here", "sk-proj-...",
    "https://oapi.dingtalk.com/robot/send?access_token=${DINGTALK_TOKEN}",
    "https://open.feishu.cn/open-apis/bot/v2/hook/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
    "Our SendGrid key starts with SG. and is kept in Vault.",
    "msg.SG.header was parsed",
])
def test_placeholders_and_prose_about_tokens_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == [], text


def _kubeconfig(key_data: str) -> str:
    body = b"MIIDEDCCAfigAwIBAgICUaIwDQYJKoZIhvcNAQELBQAwPDEL" + b"A" * 300
    cert = base64.b64encode(b"-----BEGIN CERTIFICATE-----\n" + body + b"\n-----END CERTIFICATE-----\n").decode()
    return ("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: " + cert +
            "\n    server: https://k8s-api.sg1.prod.example.com:6443\n  name: prod\nusers:\n- name: ops-admin\n"
            "  user:\n    client-certificate-data: " + cert + "\n    client-key-data: " + key_data + "\n")


def test_a_kubeconfig_with_the_users_private_key_is_held() -> None:
    key = base64.b64encode(rsa_pem().encode()).decode()
    found = find_secrets(_kubeconfig(key))
    assert [(m.kind, m.confidence) for m in found] == [("private_key", "high")]
    assert "base64-encoded" in found[0].context
    zipped = _kubeconfig(key).encode()
    assert action(mail("Admin access attached.", attachments=(("kubeconfig", zipped, "text/plain"),))) == "quarantine"


def test_a_kubeconfig_with_certificates_only_holds_no_secret() -> None:
    assert find_secrets(_kubeconfig("REDACTED")) == []


@pytest.mark.parametrize("text", ['{"next_page_token": "CiAKGjBpNDd2Nmp6a2x3ZmZ0"}',
                                  "page_token=CiAKGjBpNDd2Nmp6a2x3ZmZ0", '"sync_token": "AbCdEf0123456789xyz"',
                                  'csrf_token: "Zx81kQ0pL2mN7vB4cD9e"'])
def test_a_token_that_pages_or_syncs_a_listing_is_no_credential(text: str) -> None:
    assert find_secrets(text) == [], text


@pytest.mark.parametrize("text", ['"access_token": "AbCdEf0123456789xyzQ"',
                                  '{"auth_token": "CiAKGjBpNDd2Nmp6a2x3ZmZ0"}'])
def test_a_token_that_signs_in_is_still_a_secret(text: str) -> None:
    assert len(find_secrets(text)) == 1, text


def test_a_telegram_bot_token_in_its_api_url_is_held() -> None:
    token = TOKENS["Telegram bot token"]
    found = find_secrets(f"curl https://api.telegram.org/bot{token}/sendMessage -d chat_id=42")
    assert [m.context for m in found] == ["Telegram bot token"]


def test_a_base64_key_wrapped_at_76_characters_is_held() -> None:
    encoded = base64.encodebytes(rsa_pem().encode()).decode()  # 76-character lines
    found = find_secrets("kind: Secret\ndata:\n  tls.key: |\n    " + encoded.replace("\n", "\n    "))
    assert [(m.kind, m.confidence) for m in found] == [("private_key", "high")]
