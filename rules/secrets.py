"""A catalogue of secrets that leak by mail, each validated rather than pattern-matched.

In the spirit of gitleaks and detect-secrets: every kind has its own prefix and length,
and what can be checked is checked — GitHub's token CRC, a JWT's header decoded as JSON, a
private key's armour holding a real body, a connection string's password not being a
placeholder — and values on the allow-list of documented examples (``AKIAIOSFODNN7EXAMPLE``,
jwt.io's sample token) or made of placeholder text (``ghp_xxxx…``, ``xoxb-your-bot-token``,
``${DB_PASSWORD}``) are not secrets. Confidence: a checked value is high; a value with the
right prefix, length and randomness but nothing more to check is medium, as is a token whose
checksum fails (a character lost in copying); one quoted from documentation or an example is low.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator

from rules.literal_gate import LiteralGate
from rules.match import HIGH, LOW, MEDIUM, Match
from rules.secret_commands import GATE_WORDS as _COMMAND_WORDS
from rules.secret_commands import command_line_passwords
from rules.secret_tables import password_columns
from rules.secret_tokens import BASE64_PEM_GATE, TOKEN_GATES, base64_private_keys, prefixed_tokens

# -- helpers -------------------------------------------------------------------------------


def shannon_entropy(s: str) -> float:
    """Bits per character of ``s``."""
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


KNOWN_EXAMPLES = frozenset({
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_test_TYooMQauvdEDq54NiTphI7jx",  # Stripe's documentation keys
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",  # jwt.io's sample signature
    # the Azure Storage emulator's published account key (devstoreaccount1)
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
})
"""Documented example credentials (AWS documentation, jwt.io): published, never anyone's."""

_PLACEHOLDER = re.compile(
    r"(?i)example|sample|dummy|placeholder|your[_\-. ]|<[^>]*>|<[a-z_ -]*$|\$\{|\{\{|%\(|"
    r"change[-_ ]?(?:me|this|it)|redacted|xxxx|\*\*\*|\.\.\.|replace[-_]?me|insert_?here|_here$|\(|\[|^[$%@]|"
    # (the whole value an instruction in words: "replace-with-a-long-random-string", "generate-one-with-openssl";
    # not a secret that starts so, "set-9fK2xQ7vLm3P")
    r"^(?:replace|generate|insert|enter|put|set|fill|paste|add)(?:[-_ ][a-z]{1,12}){1,8}$|"
    r"process\.env|getenv|environ|vault:|"
    r"^arn:aws[a-z-]*:|"
    r"^(?:fake|todo|tbd|pass(?:word)?|secret|none|null|test|token|string|value|key)\w{0,2}$"
)


def is_placeholder(value: str) -> bool:
    """A value people write where a real secret goes: documented examples, template text,
    variables, masks, or too little variety to be random (``0000…``, ``abcabc…``)."""
    if value in KNOWN_EXAMPLES or _PLACEHOLDER.search(value):
        return True
    return len(set(value)) <= max(3, len(value) // 8)


# what introduces a documentation example ("From GitHub's docs: curl -H …", 示例)
# (words of prose: "customs-docs-parser", a repository's name, says nothing)
_DOCUMENTED = re.compile(r"(?i)(?<![\w./-])(?:docs|documentation|for example|an example|the example|e\.g\.|sample|"
                         r"tutorial|readme)(?![\w/-])|示例|例如|文档")


def _crc_ok(token: str) -> bool:
    """GitHub's token checksum: the last six characters are the base62 CRC32 of the 30
    random ones before them (github.blog, 2021-04-05, "new authentication token formats")."""
    body, check = token[4:-6], token[-6:]
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    n = binascii.crc32(body.encode("ascii"))
    digits = ""
    while n:
        n, r = divmod(n, 62)
        digits = alphabet[r] + digits
    return digits.rjust(6, "0") == check


def _b64url_json(part: str) -> object:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _not_glued(text: str, start: int) -> bool:
    return not (start and (text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] == "_")))


# -- the catalogue ---------------------------------------------------------------------------

Finder = Callable[[str], Iterator[Match]]

_PEM = re.compile(
    r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----"
    r"([\s\S]{0,20000}?)-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
)
_ARMOUR_HEADER = re.compile(r"^[A-Za-z-]+: .*$", re.M)
_BODY_CHARS = re.compile(r"[A-Za-z0-9+/=]")
_PPK = re.compile(r"PuTTY-User-Key-File-[23]: [a-z0-9-]+\s*\r?\n[\s\S]{0,4000}?Private-Lines: *(\d+)\s*\r?\n"
                  r"((?:[A-Za-z0-9+/=]{8,}\s*\r?\n?){1,60})")


def find_private_keys(text: str) -> list[Match]:
    """PEM/OpenSSH/PGP private keys and PuTTY ``.ppk`` files, only with a real body: armour
    with nothing (or a placeholder) between its lines is a template, not a key."""
    out: list[Match] = []
    if "PRIVATE KEY" in text:
        for m in _PEM.finditer(text):
            body = _ARMOUR_HEADER.sub("", m.group(2)).replace("\\n", "\n")
            material = "".join(_BODY_CHARS.findall(body))
            if len(material) < 64:
                continue
            if len(set(material)) < 16 or shannon_entropy(material) < 4.0:
                # a placeholder ("AAAA…", "xxxx") says nothing; a long body of some variety is a key
                # all the same, if a made-up or damaged one: armour says what was meant to be sent
                if len(material) < 200 or len(set(material)) < 8:
                    continue
                out.append(Match("private_key", m.start(), m.end(), m.group(), MEDIUM,
                                 f"{m.group(1).lower()} with a {len(material)}-character body of little variety"))
                continue
            out.append(Match("private_key", m.start(), m.end(), m.group(), HIGH,
                             f"{m.group(1).lower()} with a {len(material)}-character body"))
    if "PuTTY-User-Key-File" in text:
        for m in _PPK.finditer(text):
            material = "".join(m.group(2).split())
            if len(material) >= 40 and shannon_entropy(material) >= 4.0:
                out.append(Match("private_key", m.start(), m.end(), m.group(), HIGH, "PuTTY private key (.ppk)"))
    return out


_AWS_ID = re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_ALI_ID = re.compile(r"LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])")
_TENCENT_ID = re.compile(r"AKID[A-Za-z0-9]{13,40}(?![A-Za-z0-9])")
_PAIR_SECRET = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{30,40}(?![A-Za-z0-9])")
_GCP_API = re.compile(r"AIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])")


# a value cut short by a mask ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", "Gu5t9x…N3*******"): a redacted copy, nobody's
# key. Only where the value is short of its full length (a whole key followed by "..." is a whole key and a
# sentence's end), or, for a value of no fixed length, where stars stand right after it
_MASK_AFTER = re.compile(r"[*•●·]{2,}|\.{3}|…")
_STARS_AFTER = re.compile(r"[*•●]{3,}")
_FULL_LENGTH = {"AKID": 36, "LTAI": 24}  # the ids whose length varies in the pattern; AWS's and GitHub's are whole


def _cloud_ids(text: str, present: frozenset[str]) -> Iterator[Match]:
    """Access key ids of AWS, Alibaba Cloud (LTAI…), Tencent Cloud (AKID…), Google API keys:
    medium alone (an id is half a credential), high with a secret beside it."""
    for literal, rx, pair, name in (("AKIA", _AWS_ID, _AWS_SECRET, "AWS access key"),
                                    ("ASIA", _AWS_ID, _AWS_SECRET, "AWS access key"),
                                    ("LTAI", _ALI_ID, _PAIR_SECRET, "Alibaba Cloud AccessKey"),
                                    ("AKID", _TENCENT_ID, _PAIR_SECRET, "Tencent Cloud SecretId"),
                                    ("AIza", _GCP_API, None, "Google API key")):
        if literal.lower() not in present:
            continue
        for m in rx.finditer(text):
            v = m.group()
            if not v.startswith(literal) or not _not_glued(text, m.start()) or is_placeholder(v) or \
                    (len(v) < _FULL_LENGTH.get(literal, 0) and _MASK_AFTER.match(text, m.end())):
                continue
            if shannon_entropy(v[4:]) < 3.0:
                continue
            level, why = MEDIUM, name
            if pair is not None:
                lo, hi = max(0, m.start() - 200), m.end() + 200
                if any(not is_placeholder(p.group()) and shannon_entropy(p.group()) >= 4.0
                       and p.start() != m.start() for p in pair.finditer(text, lo, hi)):
                    level, why = HIGH, f"{name} with its secret beside it"
            yield Match("secret", m.start(), m.end(), v, level, why)


_GITHUB = re.compile(r"gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])"
                     r"|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])")
_SLACK_TOKEN = re.compile(r"xox[abposre]-[A-Za-z0-9-]{10,200}")
_SLACK_STRICT = re.compile(r"xox[abpe]-\d{8,14}-\d{8,14}(?:-\d{8,14})?-[A-Za-z0-9]{20,40}")
_SLACK_HOOK = re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[AB][A-Z0-9]{6,12}/[A-Za-z0-9]{20,40}")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")
_AZURE_KEY = re.compile(r"AccountKey=([A-Za-z0-9+/]{40,120}={0,2})(?=[;\s\"']|$)")
_AZURE_ACCOUNT = re.compile(r"AccountName=(?!(?:your|my|example|test|sample|<)\w*[;<])[a-z0-9]{3,24};")
_AZURE_SECRET = re.compile(r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])")
_GCP_SA = re.compile(r'"private_key_id"\s*:\s*"([0-9a-f]{40})"')


def _tokens(text: str, present: frozenset[str]) -> Iterator[Match]:
    if present & _GITHUB_PREFIXES:
        for m in _GITHUB.finditer(text):
            v = m.group()
            if not _not_glued(text, m.start()) or is_placeholder(v[4:]):
                continue
            if v.startswith("github_pat_"):
                yield Match("secret", m.start(), m.end(), v, HIGH, "GitHub fine-grained token")
            elif _crc_ok(v):
                yield Match("secret", m.start(), m.end(), v, HIGH, "GitHub token, checksum valid")
            elif _DOCUMENTED.search(text, max(0, m.start() - 80), m.start()):
                yield Match("secret", m.start(), m.end(), v, LOW, "GitHub-like token, checksum fails, in an example")
            else:
                # (a token copied with a character lost, or one of the older formats: still a token
                # sent; only one quoted from documentation is nobody's)
                yield Match("secret", m.start(), m.end(), v, MEDIUM, "GitHub-like token, checksum fails")
    if "xox" in present:
        for m in _SLACK_TOKEN.finditer(text):
            v = m.group()
            if not _not_glued(text, m.start()) or is_placeholder(v[5:]) or not any(c.isdigit() for c in v):
                continue
            strict = _SLACK_STRICT.match(v)
            yield Match("secret", m.start(), m.end(), v, HIGH if strict else MEDIUM,
                        "Slack token" if strict else "Slack-like token")
    if "hooks.slack.com" in present:
        for m in _SLACK_HOOK.finditer(text):
            if not is_placeholder(m.group().rsplit("/", 1)[1]):
                yield Match("secret", m.start(), m.end(), m.group(), HIGH, "Slack webhook URL")
    if "eyj" in present:
        for m in _JWT.finditer(text):
            head, body, sig = m.group().split(".")
            header = _b64url_json(head)
            if not (isinstance(header, dict) and "alg" in header) or sig in KNOWN_EXAMPLES:
                continue
            level = HIGH if isinstance(_b64url_json(body), dict) else MEDIUM
            yield Match("secret", m.start(), m.end(), m.group(), level, f"JWT ({header.get('alg')})")
    if "accountkey=" in present:
        for m in _AZURE_KEY.finditer(text):
            if "devstoreaccount1" in text[max(0, m.start() - 120):m.start()]:
                continue  # the storage emulator's published key
            if not is_placeholder(m.group(1)):
                exact = len(m.group(1)) == 88 and m.group(1).endswith("==")
                yield Match("secret", m.start(1), m.end(1), m.group(1), HIGH if exact else MEDIUM,
                            "Azure storage account key" + ("" if exact else " (not a key's exact length)"))
            elif len(set(m.group(1))) >= 3 and _AZURE_ACCOUNT.search(text, max(0, m.start() - 120), m.start()):
                # a key of little variety beside a named account: made up or damaged, but what was meant
                # to be sent is the account's key (a template says "youraccount" and "<key>")
                yield Match("secret", m.start(1), m.end(1), m.group(1), MEDIUM,
                            "Azure storage account key of little variety, for a named account")
    if "_live_" in present:
        for m in _STRIPE.finditer(text):
            if _not_glued(text, m.start()) and not is_placeholder(m.group()[8:]):
                yield Match("secret", m.start(), m.end(), m.group(), HIGH, "Stripe live key")
    if "8q~" in present:
        for m in _AZURE_SECRET.finditer(text):
            if shannon_entropy(m.group()) >= 3.5:
                yield Match("secret", m.start(), m.end(), m.group(), HIGH, "Azure AD client secret")
    if "private_key_id" in present and "service_account" in present:
        for m in _GCP_SA.finditer(text):
            yield Match("secret", m.start(1), m.end(1), m.group(1), HIGH, "GCP service-account key")


_DB_URL = re.compile(
    r"(?i)\b(postgres(?:ql)?(?:\+\w+)?|mongodb(?:\+srv)?|mysql(?:\+\w+)?|mariadb|mssql(?:\+\w+)?|sqlserver|"
    r"oracle(?:\+\w+)?|redis|rediss|amqps?|jdbc:\w+)://[^\s/:@]{0,128}:([^\s/@]{1,256})@[\w.\-\[\]]+"
)


_URL_PARAM_PASSWORD = re.compile(r"(?i)://[^\s]{1,300}?[?&;](?:password|passwd|pwd)=([^&;#\s\"']{4,128})")
_ADO_PASSWORD = re.compile(r"(?i)(?:^|[;\"'\s])(?:password|pwd)\s*=\s*([^;\"'\s]{4,128})")
_ADO_HINT = re.compile(r"(?i)(?:server|data source|database|initial catalog|host|user id|uid)\s*=")
_ADO_QUICK = re.compile(r"(?i)(?:password|passwd|pwd)\s*=")
_STRIPE = re.compile(r"(?:sk|rk)_live_[0-9A-Za-z]{24,247}(?![0-9A-Za-z])")


_SCHEME_BEFORE = re.compile(
    r"(?i)(?:postgres(?:ql)?(?:\+\w+)?|mongodb(?:\+srv)?|mysql(?:\+\w+)?|mariadb|mssql(?:\+\w+)?|sqlserver|"
    r"oracle(?:\+\w+)?|redis|rediss|amqps?|jdbc:\w+)$"
)


def _db_url_matches(text: str) -> Iterator[re.Match[str]]:
    """:data:`_DB_URL` at each ``://`` whose scheme is a database's (found from the ``://``
    back, so ordinary mail full of http:// links costs a short look per link)."""
    pos = text.find("://")
    while pos >= 0:
        scheme = _SCHEME_BEFORE.search(text, max(0, pos - 24), pos)
        if scheme is not None:
            start = scheme.start()
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "+:"):
                start -= 1  # the whole scheme (jdbc:mysql)
            m = _DB_URL.match(text, start) or _DB_URL.match(text, scheme.start())
            if m is not None:
                yield m
        pos = text.find("://", pos + 3)


_DB_WORDS = ("postgres", "mongodb", "mysql", "mariadb", "mssql", "sqlserver", "oracle", "redis", "amqp", "jdbc")
_CONFIG_WORDS = ("pass", "pw", "secret", "key", "token")


def _db_urls(text: str, present: frozenset[str]) -> Iterator[Match]:
    """Connection strings with a password (URLs, a password in a JDBC URL's query, ADO.NET
    ``Server=…;Password=…;``): the password is the match (what redaction masks)."""
    has_pw = "passw" in present or "pwd" in present
    if "://" in present:  # each link's scheme is looked at where it stands
        for m in _db_url_matches(text):
            pw = m.group(2)
            if is_placeholder(pw) or len(pw) < 4:
                continue
            yield Match("secret", m.start(2), m.end(2), pw, HIGH, f"{m.group(1).lower()} URL with a password")
        query = has_pw and _ADO_QUICK.search(text) and any(w in text.lower() for w in _DB_WORDS)
        for m in (_URL_PARAM_PASSWORD.finditer(text) if query else ()):
            if not is_placeholder(m.group(1)):
                yield Match("secret", m.start(1), m.end(1), m.group(1), HIGH, "password in a connection URL")
    if has_pw and _ADO_QUICK.search(text):
        for m in _ADO_PASSWORD.finditer(text):
            pw = m.group(1)
            # the hint on the password's own line (the match may start at the line break before it)
            line_start = text.rfind("\n", 0, m.start(1)) + 1
            if is_placeholder(pw) or not _ADO_HINT.search(text, line_start, m.start(1)):
                continue
            yield Match("secret", m.start(1), m.end(1), pw, HIGH, "password in a connection string")


# name = value in YAML, INI, .env, properties, JSON; the value is taken up to the end of the
# line or its closing quote
_PASSWORD_WORDS = r"password|passwd|pwd|pass|pw|passphrase"  # names whose value is the password itself
_CONFIG_NAME = (r"(?:[A-Za-z0-9_.\-]*[_.\-])?(?:" + _PASSWORD_WORDS + r"|secret|secret_key|"
                r"client_secret|api_key|apikey|access_key|access_token|auth_token|token|private_key|"
                r"secretkey|accesskeysecret|secret_access_key)")
_CONFIG_LINE = re.compile(
    r"(?i)[ \t]*(?:export[ \t]+)?[\"']?(" + _CONFIG_NAME + r")[\"']?[ \t]*(?:[:=：]|=>)[ \t]*"
    r"(?:\"([^\"\n]{1,200})\"|'([^'\n]{1,200})'|([^\s\"']{1,200}))"
)
# an unquoted value that names where the secret comes from, not the secret: Terraform's
# var.db_password, local.x, data.aws_secretsmanager_secret_version.db.secret_string, module.x.y;
# GitHub Actions' secrets.X and vars.X; Helm's .Values.x
# (its names as code writes them, snake_case or UPPER_CASE, Helm's camelCase without digits: a
# value like data.Warehouse2024 is a password that happens to start so)
_SNAKE = r"(?:[a-z_][a-z0-9_-]*|[A-Z_][A-Z0-9_]*)"
_REFERENCE = re.compile(rf"(?:var|local|data|module|each|secrets|vars)(?:\.{_SNAKE})+(?:\[[^\]\s]*\])*|"
                        r"\.?Values(?:\.[a-z][A-Za-z]*)+")
_PASSWORD_NAME = re.compile(r"(?i)(?:^|[_.\-])(?:" + _PASSWORD_WORDS + r")$")
# one is in every _SECRET_NAME (API 金鑰：… is an API key's label)
_SECRET_NAME_WORDS = frozenset({"key", "secret", "token", "passw", "pwd",
                                "金钥", "金鑰", "密钥", "密鑰", "秘钥", "秘鑰"})
_ASSIGNED = re.compile(r"[:=：][ \t]*[\"']?([A-Za-z0-9/+_\-.=]{16,200})")  # (on its own line: not the next name)
# a token that pages or syncs a listing, or guards a form, not one that signs anyone in
# ("next_page_token": "CiAKGj…" in a pasted API response)
_CURSOR_NAME = re.compile(r"(?i)(?:next|prev(?:ious)?|page|sync|continuation|pagination|cursor|resume|delta|csrf|xsrf)"
                          r"[_.\-]?token[\"']?\s*$")
_SECRET_NAME = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?key|"
    r"auth[_-]?token|token|password|passwd|pwd)[\"']?\s*$|(?:金钥|金鑰|密钥|密鑰|秘钥|秘鑰)\s*$"
)


# a password given in a sentence or a list, not a config file: "账号：wms_ro  密码：Wms#2025ro!7Kp",
# 密碼為 Edi!2025#Tw9q, "login alice, password: Summer2024!", "the password is Summer2024!".
# The value runs to a space or a CJK or closing character; it must not run straight into Chinese
# (密码为8位以上 is a rule about passwords).
_LABELLED_PASSWORD = re.compile(
    r"(?i)(?:(?<![A-Za-z0-9_])(?:password|passwd|pwd)(?:\s+for\s+[^\n.]{1,80}?\s+is\s*[:：]?|\s+is\s*[:：]?|\s*[:：=])|"
    r"(?:密码|密碼|口令)(?:\s{0,2}(?:(?:是|为|為)\s{0,2}[:：]?|[:：=])|[ \t]{1,2}(?=[\x21-\x7e]{6})))"
    r"[ \t]{0,3}[\"'“‘]?([\x21-\x7e]{6,64}?)[\"'”’.,;)]*(?=$|[\s，。；、）」』】（(])",
    re.MULTILINE,
)
# the password is an example: a security reminder naming the passwords not to use ("such as",
# 例如 within the sentence, or "weak", 弱 right before the label)
_EXAMPLE_LEAD = re.compile(r"(?i)(?:例如|比如|譬如|诸如|such as|e\.g\.|for example|for instance|"
                           r"\bpasswords? like)[^\n]{0,20}$|(?:\bweak|\bcommon|\bbad|弱|常见的?|简单的?)\s*$")
# a password given to its reader to open what the mail brings them: a meeting (Teams' passcode,
# 会议密码), a shared link or file (访问密码, 提取码, 解压密码, the PDF's password), a guest network;
# not a credential of ours
_FOR_THE_READER = re.compile(
    # (English words whole: "Temporary password" is no RAR archive's)
    r"(?i)(?:(?<![a-z])(?:wi-?fi|wlan|wireless|guest|hotspot|network|meeting|webinar|conference|zoom|teams|webex|"
    r"link|file|document|pdf|zip|rar|7z|archive|attachment|folder|onedrive|dropbox|netdisk)s?(?![a-z])|"
    r"无线|無線|访客|訪客|热点|熱點|网络|会议|會議|"
    r"链接|鏈接|分享|网盘|網盤|文件|文档|附件|压缩包|壓縮包|解压|解壓|访问|訪問|提取|打开|打開)"
    r"[^\n]{0,40}$")
_FOR_THE_READER_AFTER = re.compile(r"(?i)[^\n]{0,40}?(?:\blink\b|链接|鏈接|提取)")
# what a sentence about a password's handling names, not a password: SHA-256, PBKDF2, 2FA-protected
_TECHNICAL = re.compile(r"(?i)sha-?\d|md5|bcrypt|pbkdf|argon|scrypt|aes-?\d|\b[23]fa\b|mfa|totp|hash|salt|"
                        r"encrypt|protect|require|sensitiv|characters?|digits?|letters?")
# the passwords every security reminder quotes as what not to choose
_NOTORIOUS = frozenset({
    "123456", "1234567", "12345678", "123456789", "1234567890", "111111", "000000", "666666", "888888", "123123",
    "654321", "qwerty", "qwerty123", "abc123", "abc12345", "a123456", "password1", "password123", "p@ssw0rd",
    "passw0rd", "admin123", "admin@123", "iloveyou", "1qaz2wsx", "1q2w3e4r", "welcome1", "letmein",
})
_ADDRESS_OR_LINK = re.compile(r"(?i)://|^www\.|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


def _looks_like_a_password(v: str) -> bool:
    """Six or more digits, or letters with digits, or three kinds of character: not a word
    ("case-sensitive", "required") that a sentence about a password goes on with."""
    return v.isdigit() or (_classes(v) >= 2 and any(c.isdigit() for c in v)) or _classes(v) >= 3


def _labelled_passwords(text: str, taken: list[tuple[int, int]]) -> Iterator[Match]:
    """Passwords written after their label in prose or a list, English or Chinese (the
    config-line reading wants the name at the head of its line): a value a password could be
    (:func:`_looks_like_a_password`), not a placeholder, a reference to a secret store, a link,
    an address, a technical term, a quoted example of a weak password, or a password given to
    the reader to open a meeting, a shared file or a guest network."""
    for m in _LABELLED_PASSWORD.finditer(text):
        v, s, e = m.group(1), m.start(1), m.end(1)
        if any(a <= s < b for a, b in taken) or is_placeholder(v) or v.lower() in _NOTORIOUS or \
                _ADDRESS_OR_LINK.search(v) or _REFERENCE.fullmatch(v) or not _looks_like_a_password(v):
            continue
        lead = text[max(0, m.start() - 60):m.start()]
        if _EXAMPLE_LEAD.search(lead) or _FOR_THE_READER.search(lead) or _TECHNICAL.search(v) or \
                _FOR_THE_READER_AFTER.match(text, e):
            continue
        taken.append((s, e))
        yield Match("secret", s, e, v, MEDIUM, f"password after its label '{m.group().split(v)[0].strip()}'")


def _classes(v: str) -> int:
    return sum((any(c.islower() for c in v), any(c.isupper() for c in v), any(c.isdigit() for c in v),
                any(not c.isalnum() for c in v)))


def _config_lines(text: str, low: str, present: frozenset[str]) -> Iterator[re.Match[str]]:
    """:data:`_CONFIG_LINE` matched at the start of each line holding a secret-name word
    (one anchored try per such line, not a try at every line of every text; the words are
    found in the lower-cased text at memchr speed)."""
    starts: set[int] = set()
    for word in _CONFIG_WORDS:
        pos = low.find(word) if word in present else -1
        while pos >= 0:
            starts.add(text.rfind("\n", 0, pos) + 1)
            pos = low.find(word, pos + len(word))
    for start in sorted(starts):
        m = _CONFIG_LINE.match(text, start)
        if m is not None:
            yield m


def _in_an_arn(text: str, at: int) -> bool:
    """Whether ``at`` is inside an AWS resource name (arn:aws:secretsmanager:…:secret:name):
    the name of where a secret is kept, not the secret."""
    token = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at), text.rfind("\t", 0, at)) + 1
    while token < at and text[token] in "\"'`(":
        token += 1  # "ARN": "arn:aws:…" in the aws CLI's JSON
    return text.startswith("arn:", token)


_MEETING_HOST = re.compile(r"(?i)(?:^|[./])(?:zoom\.(?:us|com|com\.cn)|webex\.com|teams\.microsoft\.com|"
                           r"teams\.live\.com|meeting\.tencent\.com|voovmeeting\.com|vc\.feishu\.cn|"
                           r"larksuite\.com|meeting\.dingtalk\.com|gotomeeting\.com)(?:[:/?]|$)")


def _in_a_meeting_link(text: str, at: int) -> bool:
    """Whether ``at`` is in a video meeting's join link (Zoom's ``?pwd=…`` is the meeting's
    passcode, sent to the people invited)."""
    token = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at), text.rfind("\t", 0, at)) + 1
    url = text[token:at]
    if "://" not in url:
        return False
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    return _MEETING_HOST.search(host + "/") is not None


def _config_values(text: str, taken: list[tuple[int, int]], present: frozenset[str]) -> Iterator[Match]:
    """Passwords and keys in configuration files (YAML, INI, .env, JSON): a line of the form
    ``name: value`` whose name says secret and whose value is not a placeholder, a variable
    or a word; then any high-entropy value assigned to a secret-looking name in prose."""
    low = text.lower()
    for m in _config_lines(text, low, present):
        g = 2 if m.group(2) is not None else 3 if m.group(3) is not None else 4
        v, s, e = m.group(g), m.start(g), m.end(g)
        # a value under a password's own name is the password: a short or all-digit one too
        # (device and service passwords often are); under other names it must look random
        password = _PASSWORD_NAME.search(m.group(1)) is not None
        if any(a <= s < b for a, b in taken) or is_placeholder(v) or len(v) < (6 if password else 8) or \
                " " in v.strip() or (g == 4 and _REFERENCE.fullmatch(v)) or _CURSOR_NAME.search(m.group(1)) or \
                _STARS_AFTER.match(text, e):
            continue
        if v.lower() in ("true", "false", "required", "optional") or \
                (_classes(v) < 2 and not (password and v.isdigit())):
            continue
        taken.append((s, e))
        yield Match("secret", s, e, v, MEDIUM, f"{m.group(1)} in a configuration line")
    if present & _LABEL_WORDS:
        yield from _labelled_passwords(text, taken)
        yield from password_columns(text, taken, is_placeholder, _looks_like_a_password)
    if not present & _SECRET_NAME_WORDS:
        return  # no name a value could be assigned to (a text full of links has many "=…")
    for m in _ASSIGNED.finditer(text):
        v, s, e = m.group(1), m.start(1), m.end(1)
        if any(a <= s < b for a, b in taken) or not _SECRET_NAME.search(text, max(0, m.start() - 40), m.start()) or \
                _CURSOR_NAME.search(text, max(0, m.start() - 40), m.start()) or _in_an_arn(text, m.start()) or \
                _in_a_meeting_link(text, m.start()):
            continue
        if shannon_entropy(v) >= 3.5 and not is_placeholder(v) and not _STARS_AFTER.match(text, e) and \
                not (_REFERENCE.fullmatch(v) and text[s - 1] not in "\"'"):
            yield Match("secret", s, e, v, MEDIUM, "high-entropy value assigned to a secret name")


# The words every family below looks for before it reads further, found in one pass
# (rules.literal_gate): most texts hold none of them, and a long HTML body with links costs one
# scan instead of one per word. Each family tests the set where it tested the text.
_GITHUB_PREFIXES = frozenset({"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"})
_CLOUD = frozenset({"akia", "asia", "ltai", "akid", "aiza"})
_TOKEN_WORDS = _GITHUB_PREFIXES | {"xox", "hooks.slack.com", "eyj", "accountkey=", "_live_", "8q~", "private_key_id",
                                   "service_account"}
_DB = frozenset({"://", "passw", "pwd"})
_LABEL_WORDS = frozenset({"pass", "pwd", "密码", "密碼", "口令"})
_CONFIG = frozenset(_CONFIG_WORDS) | _SECRET_NAME_WORDS | _LABEL_WORDS
_PRIVATE = frozenset({"private key", "putty-user-key-file"})
_PREFIXED = TOKEN_GATES | {BASE64_PEM_GATE}
_GATE = LiteralGate(tuple(sorted(_CLOUD | _TOKEN_WORDS | _DB | _CONFIG | _PRIVATE | _PREFIXED | _COMMAND_WORDS)))


def find_secrets(text: str) -> list[Match]:
    """Every catalogued secret in ``text`` (private keys included), positions sorted."""
    present = _GATE.present(text)
    if not present:
        return []
    out = find_private_keys(text) if present & _PRIVATE else []
    if present & _CLOUD:
        out.extend(_cloud_ids(text, present))
    if present & _TOKEN_WORDS:
        out.extend(_tokens(text, present))
    if present & _PREFIXED:
        out.extend(prefixed_tokens(text, present, is_placeholder))
        if BASE64_PEM_GATE in present:
            out.extend(base64_private_keys(text, find_private_keys))
    if present & _DB:
        out.extend(_db_urls(text, present))
    if present & (_CONFIG | _COMMAND_WORDS):
        taken = [(m.start, m.end) for m in out]
        if present & _COMMAND_WORDS:
            out.extend(command_line_passwords(text, taken, is_placeholder))
        if present & _CONFIG:
            out.extend(_config_values(text, taken, present))
    out.sort(key=lambda m: m.start)
    return out
