"""What the QR codes in a message's images say: a link a phone opens, which no text shows.

"Quishing" moves the phishing link out of the text, where filters read links, into a picture:
"your Microsoft 365 sign-in must be re-verified: scan the code below with your phone". The
reader's phone, outside the company's protection, then opens the lure. Reading the code puts
its link back where the rules look: the image's text becomes ``QR code: https://…``, so keyword
rules see it, and :mod:`rules.links` judges where it leads like any link the mail shows.

Images are decoded by Pillow and scanned by the ZBar library (``pyzbar``), in the gateway's
extraction worker with the documents (a picture decoder is attack surface, and a picture may
be a decompression bomb): an image whose header claims more than :data:`MAX_PIXELS` is not
decoded, and one larger than :data:`SCAN_SIDE` is scanned reduced (a QR code a phone can read
from a mail still reads at that size). A picture that does not decode is no finding: images
carry no text a data-loss rule needs, and a logo a library cannot read is no threat to flag.
Without the ZBar library (``libzbar0``) the codes are not read and :func:`available` says so.
"""

from __future__ import annotations

import io
import warnings
from functools import cache

MAX_PIXELS = 60_000_000  # what a header may claim (a phone photo is 12-50 MP; a bomb claims far more)
SCAN_SIDE = 2000  # longest side scanned; larger pictures are reduced first
MIN_SIDE = 21  # the smallest QR code (version 1) is 21 modules square: a tracking pixel holds none
MAX_CODES = 8  # codes read from one picture
MAX_PAYLOAD = 2000  # characters kept of one code's text
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/tiff",
                         "image/x-ms-bmp"})
PREFIX = "QR code: "


@cache
def _decoder():  # noqa: ANN202 - (pyzbar's decode, its QRCODE symbol), or None without the library
    try:
        from pyzbar.pyzbar import ZBarSymbol, decode
    except (ImportError, OSError):  # pyzbar missing, or libzbar0 not installed
        return None
    return decode, ZBarSymbol.QRCODE


def available() -> bool:
    """Whether QR codes can be read here (pyzbar and Debian's ``libzbar0`` installed)."""
    return _decoder() is not None


def is_image(data: bytes, true_type: str) -> bool:
    """Whether the bytes are a picture this module reads (by what libmagic found in them)."""
    return true_type in IMAGE_TYPES and len(data) > 0


def qr_payloads(data: bytes) -> list[str]:
    """The texts of the QR codes in a picture (its first frame), in reading order; [] for none,
    for a picture that does not decode or claims too many pixels, and without a decoder."""
    found = _decoder()
    if found is None:
        return []
    decode, qrcode = found
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (Pillow warns of large pictures; the bound is ours)
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                if width * height > MAX_PIXELS or min(width, height) < MIN_SIDE:
                    return []
                picture.draft("L", (SCAN_SIDE, SCAN_SIDE))  # a JPEG decodes reduced, cheaply
                gray = picture.convert("L")
        if max(gray.size) > SCAN_SIDE:
            gray.thumbnail((SCAN_SIDE, SCAN_SIDE))
        codes = decode(gray, symbols=[qrcode])
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
        return []
    out = []
    for code in codes[:MAX_CODES]:
        text = code.data.decode("utf-8", "replace").strip()[:MAX_PAYLOAD]
        if text and text not in out:
            out.append(text)
    return out


def qr_text(payloads: list[str]) -> str:
    """An image's text for the rules: one line per code, ``QR code: <what it says>``."""
    return "\n".join(PREFIX + p for p in payloads)
