"""Real secrets made for tests: a freshly generated key, a token with a valid checksum."""

from __future__ import annotations

import binascii
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@cache
def rsa_pem() -> str:
    """A real RSA private key in PEM (traditional OpenSSL) form."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def github_token(random30: str, prefix: str = "ghp_") -> str:
    """A GitHub token whose last six characters are the base62 CRC32 of the 30 before."""
    assert len(random30) == 30
    n = binascii.crc32(random30.encode())
    check = ""
    while n:
        n, r = divmod(n, 62)
        check = _B62[r] + check
    return prefix + random30 + check.rjust(6, "0")
