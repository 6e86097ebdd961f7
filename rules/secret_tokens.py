"""Service tokens known by their prefix and shape, and private keys sent base64-encoded.

The catalogue of :mod:`rules.secrets` validates the tokens it can check (GitHub's CRC, a JWT's
header); the services below publish token formats with a fixed prefix and a fixed length or
alphabet (as gitleaks' rules describe them), and a value of exactly that shape is the key
itself: SendGrid ``SG.<22>.<43>``, GitLab ``glpat-``, npm ``npm_``, PyPI, Shopify, OpenAI,
Anthropic, Hugging Face, DigitalOcean, Atlassian, Google OAuth client secrets, Square, and the
chat webhooks a Chinese team wires alerts to (DingTalk, Feishu/Lark, WeCom) as well as
Discord's and Telegram bot tokens. Kubernetes' kubeconfig carries the user's private key
base64-encoded (``client-key-data: LS0tLS1CRUdJTi…``): decoded, it is read as any PEM key.

Each row says which literal (lower case, :class:`rules.literal_gate.LiteralGate`) must be in
the text before its pattern runs, so ordinary mail costs one gate lookup per row.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rules.match import HIGH, MEDIUM, Match


@dataclass(frozen=True)
class TokenKind:
    name: str
    gates: tuple[str, ...]  # literals one of which every token of this kind holds (lower case)
    rx: re.Pattern[str]
    confidence: str
    secret: Callable[[re.Match[str]], str]  # the part that must not be a placeholder


def _whole(m: re.Match[str]) -> str:
    return m.group()


def _group1(m: re.Match[str]) -> str:
    return m.group(1)


_END = r"(?![A-Za-z0-9_\-])"
TOKEN_KINDS: tuple[TokenKind, ...] = (
    TokenKind("SendGrid API key", ("sg.",),
              re.compile(r"(?<![A-Za-z0-9_\-.])SG\.[A-Za-z0-9_\-]{22}\.([A-Za-z0-9_\-]{43})" + _END), HIGH, _group1),
    TokenKind("GitLab token", ("glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-"),
              re.compile(r"(?<![A-Za-z0-9_\-])gl(?:pat|dt|rt|ptt|ft|imt|agent|oas)-([A-Za-z0-9_\-]{20,64})" + _END),
              HIGH, _group1),
    TokenKind("npm access token", ("npm_",), re.compile(r"(?<![A-Za-z0-9_])npm_([A-Za-z0-9]{36})(?![A-Za-z0-9])"),
              HIGH, _group1),
    TokenKind("PyPI upload token", ("pypi-ageichlwas5vcmc",),
              re.compile(r"(?<![A-Za-z0-9_\-])pypi-AgEIcHlwaS5vcmc([A-Za-z0-9_\-]{50,})"), HIGH, _group1),
    TokenKind("Shopify access token", ("shpat_", "shpca_", "shppa_", "shpss_"),
              re.compile(r"(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_([a-fA-F0-9]{32})(?![A-Za-z0-9])"), HIGH, _group1),
    TokenKind("OpenAI API key", ("t3blbkfj",),
              re.compile(r"(?<![A-Za-z0-9_\-])sk-(?:proj-|svcacct-|admin-)?([A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,})"
                         + _END), HIGH, _group1),
    TokenKind("OpenAI project key", ("sk-proj-",),
              re.compile(r"(?<![A-Za-z0-9_\-])sk-proj-([A-Za-z0-9_\-]{48,})" + _END), HIGH, _group1),
    TokenKind("Anthropic API key", ("sk-ant-",),
              re.compile(r"(?<![A-Za-z0-9_\-])sk-ant-(?:api|admin)\d\d-([A-Za-z0-9_\-]{80,})" + _END), HIGH, _group1),
    TokenKind("Hugging Face token", ("hf_",), re.compile(r"(?<![A-Za-z0-9_])hf_([A-Za-z]{34})(?![A-Za-z0-9])"),
              MEDIUM, _group1),
    TokenKind("DigitalOcean token", ("_v1_",),
              re.compile(r"(?<![A-Za-z0-9_])do[opr]_v1_([a-f0-9]{64})(?![A-Za-z0-9])"), HIGH, _group1),
    TokenKind("Atlassian API token", ("atatt3",),
              re.compile(r"(?<![A-Za-z0-9_])ATATT3([A-Za-z0-9_\-=]{150,250})(?![A-Za-z0-9_\-=])"), HIGH, _group1),
    TokenKind("Google OAuth client secret", ("gocspx-",),
              re.compile(r"(?<![A-Za-z0-9_])GOCSPX-([A-Za-z0-9_\-]{28})" + _END), HIGH, _group1),
    TokenKind("Square access token", ("sq0",),
              re.compile(r"(?<![A-Za-z0-9_])sq0(?:atp|csp)-([A-Za-z0-9_\-]{22,43})" + _END), HIGH, _group1),
    TokenKind("Telegram bot token", (":aa",),
              re.compile(r"(?:(?<=/bot)|(?<![A-Za-z0-9_]))\d{8,10}:(AA[A-Za-z0-9_\-]{33})" + _END), HIGH, _group1),
    TokenKind("Discord webhook URL", ("discord",),
              re.compile(r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/"
                         r"([A-Za-z0-9_\-]{60,68})"), HIGH, _group1),
    TokenKind("DingTalk robot webhook", ("oapi.dingtalk.com",),
              re.compile(r"https://oapi\.dingtalk\.com/robot/send\?access_token=([0-9a-f]{64})"), HIGH, _group1),
    TokenKind("Feishu/Lark bot webhook", ("open-apis/bot",),
              re.compile(r"https://open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/"
                         r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"), HIGH, _group1),
    TokenKind("WeCom group robot webhook", ("qyapi.weixin.qq.com",),
              re.compile(r"https://qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?key="
                         r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"), HIGH, _group1),
)
TOKEN_GATES = frozenset(g for k in TOKEN_KINDS for g in k.gates)

# "-----BEGIN" base64-encoded, the armour at the start of what was encoded (a kubeconfig's or a
# Kubernetes secret's value is the PEM file itself); the lines may be wrapped (base64 -w 76)
BASE64_PEM_GATE = "ls0tls1crudjt"
_BASE64_PEM = re.compile(r"(?<![A-Za-z0-9+/])LS0tLS1CRUdJT(?:[A-Za-z0-9+/]|\r?\n[ \t]*){60,20000}={0,2}")


def prefixed_tokens(text: str, present: frozenset[str],
                    is_placeholder: Callable[[str], bool]) -> Iterator[Match]:
    """Each token of :data:`TOKEN_KINDS` whose literal the text holds (``present``), not
    made of placeholder text (``glpat-xxxxxxxxxxxxxxxxxxxx``, ``SG.your_key…``)."""
    taken: list[tuple[int, int]] = []  # (an OpenAI project key has both of OpenAI's shapes)
    for kind in TOKEN_KINDS:
        if present.isdisjoint(kind.gates):
            continue
        for m in kind.rx.finditer(text):
            secret = kind.secret(m)
            if is_placeholder(secret) or len(set(secret)) < 8 or any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            yield Match("secret", m.start(), m.end(), m.group(), kind.confidence, kind.name)


def base64_private_keys(text: str, find_private_keys: Callable[[str], list[Match]]) -> Iterator[Match]:
    """A PEM private key written base64-encoded (kubeconfig ``client-key-data``, Helm values,
    Kubernetes secrets): decoded and read by ``find_private_keys``; certificates are not keys."""
    for m in _BASE64_PEM.finditer(text):
        blob = "".join(m.group().split())
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4)).decode("ascii", "replace")
        except (binascii.Error, ValueError):
            continue
        for key in find_private_keys(decoded):
            yield Match("private_key", m.start(), m.end(), m.group(), HIGH, f"{key.context}, base64-encoded")
            break
