"""Credentials with the shapes their vendors document (random, seeded: none is live)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string
import zlib

from tests.accuracy.fake import b64_block, b64url, github_token, rand

UPPER_DIGITS = string.ascii_uppercase + "234567"
HEX = "0123456789abcdef"


def password(rng: random.Random) -> str:
    words = ["Harbour", "Lotus", "Falcon", "Summit", "Jade", "Tiger", "Maple", "Orion"]
    return f"{rng.choice(words)}{rng.choice('!@#$%&*')}{rand(rng, 4, string.digits)}{rand(rng, 3)}"


def jwt(rng: random.Random, who: str) -> str:
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64url(json.dumps({"sub": str(rng.randint(10**5, 10**6)), "name": who, "role": "admin",
                              "iat": 1791331200 + rng.randint(0, 10**6), "exp": 1791417600 + rng.randint(0, 10**6)},
                             separators=(",", ":")).encode())
    sig = hmac.new(rng.randbytes(32), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def aws(rng: random.Random) -> tuple[str, str]:
    return "AKIA" + rand(rng, 16, UPPER_DIGITS), rand(rng, 40, string.ascii_letters + string.digits + "/+")


def alibaba(rng: random.Random) -> tuple[str, str]:
    return "LTAI5t" + rand(rng, 18), rand(rng, 30)


def tencent(rng: random.Random) -> tuple[str, str]:
    return "AKID" + rand(rng, 32), rand(rng, 32)


def azure_conn(rng: random.Random, account: str) -> str:
    key = base64.b64encode(rng.randbytes(64)).decode()
    return f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};EndpointSuffix=core.windows.net"


def azure_client_secret(rng: random.Random) -> str:
    return rand(rng, 3) + "8Q~" + rand(rng, 31, string.ascii_letters + string.digits + "_-.~")


def pem(rng: random.Random, label: str, nbytes: int = 1190) -> str:
    return f"-----BEGIN {label}-----\n{b64_block(rng, nbytes)}\n-----END {label}-----"


def gcp_service_account(rng: random.Random, project: str) -> str:
    key = pem(rng, "PRIVATE KEY", 1217).replace("\n", "\\n") + "\\n"
    sa = {
        "type": "service_account", "project_id": project, "private_key_id": rand(rng, 40, HEX),
        "private_key": "@@KEY@@", "client_email": f"deploy-bot@{project}.iam.gserviceaccount.com",
        "client_id": rand(rng, 21, string.digits), "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(sa, indent=2).replace("@@KEY@@", key)


def ppk(rng: random.Random, comment: str) -> str:
    pub = b64_block(rng, 279, 64).split("\n")
    priv = b64_block(rng, 1140, 64).split("\n")
    return "\n".join([
        "PuTTY-User-Key-File-3: ssh-rsa", "Encryption: none", f"Comment: {comment}",
        f"Public-Lines: {len(pub)}", *pub, f"Private-Lines: {len(priv)}", *priv,
        f"Private-MAC: {rand(rng, 64, HEX)}"]) + "\n"


def pgp_private(rng: random.Random) -> str:
    body = b64_block(rng, 2400, 64)
    crc = base64.b64encode((zlib.crc32(body.encode()) & 0xFFFFFF).to_bytes(3, "big")).decode()
    return (f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{body}\n={crc}\n-----END PGP PRIVATE KEY BLOCK-----\n")


def pgp_public(rng: random.Random) -> str:
    body = b64_block(rng, 1200, 64)
    return f"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{body}\n=Xk3q\n-----END PGP PUBLIC KEY BLOCK-----\n"


def slack_webhook(rng: random.Random) -> str:
    return (f"https://hooks.slack.com/services/T{rand(rng, 8, UPPER_DIGITS)}/B{rand(rng, 10, UPPER_DIGITS)}/"
            f"{rand(rng, 24)}")


def gh(rng: random.Random) -> str:
    return github_token(rng)


def stripe_live(rng: random.Random) -> str:
    return "sk_live_51" + rand(rng, 96)
