"""What the QR codes in a message's images say: a link a phone opens, which no text shows.

"Quishing" moves the phishing link out of the text, where filters read links, into a picture:
"your Microsoft 365 sign-in must be re-verified: scan the code below with your phone". The
reader's phone, outside the company's protection, then opens the lure. Reading the code puts
its link back where the rules look: the image's text becomes ``QR code: https://…``, so keyword
rules see it, and :mod:`rules.links` judges where it leads like any link the mail shows.

Images are decoded by Pillow and scanned by the ZBar library (``pyzbar``), in the gateway's
extraction worker with the documents (a picture decoder is attack surface, and a picture may
be a decompression bomb): an image whose header claims more than :data:`MAX_PIXELS` is not
decoded, one smaller than :data:`MIN_BYTES` not sent there at all, one larger than :data:`SCAN_SIDE`
scanned reduced (a QR code a phone can read from a mail still reads at that size), one smaller
than :data:`MIN_MODULE_SIDE` enlarged (a code drawn a pixel per module, which HTML shows as large
as it likes), and an animated one frame by frame, up to :data:`MAX_FRAMES`. A picture that does
not decode is no finding: images carry no text a data-loss rule needs, and a logo a library
cannot read is no threat to flag.
Without the ZBar library (``libzbar0``) the codes are not read and :func:`available` says so.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 25_000_000  # what a header may claim (a phone photo is 12-24 MP; a bomb claims far more; each MP
# decoded costs about 50 ms and 40 MB in the worker)
SCAN_SIDE = 2000  # longest side scanned; larger pictures are reduced first
MIN_SIDE = 21  # the smallest QR code (version 1) is 21 modules square: a tracking pixel holds none
MIN_BYTES = 96  # smaller pictures (a tracking pixel, a spacer GIF) hold no code and are not sent to a worker
# (a code drawn one pixel per module is 150-250 bytes, and HTML shows it as large as a phone needs: width=200)
MIN_MODULE_SIDE = 200  # a smaller picture is enlarged (each pixel a square) to this side before it is scanned
MAX_FRAMES = 4  # frames of an animated picture scanned (a GIF shows a blank first frame, then the code)
# an animated picture larger has only its first frame read: each frame decodes whole, and a 244-byte WebP of four
# 24 MP frames cost 1.4 s (one frame, 0.4 s, is what any picture up to MAX_PIXELS may cost). A small file claiming a
# large picture is still read: a 696x696 code compresses to 234 bytes of lossless WebP
FRAME_PIXELS = 4_000_000
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
    """Whether the bytes are a picture this module reads (by what libmagic found in them), large enough
    to hold a code."""
    return true_type in IMAGE_TYPES and len(data) >= MIN_BYTES


def qr_payloads(data: bytes, take: Callable[[], bool] = lambda: True) -> list[str]:
    """The texts of the QR codes in a picture (each of its first :data:`MAX_FRAMES` frames), in reading
    order; [] for none, for a picture that does not decode or claims too many pixels, and without a decoder. ``take``:
    asked once the header says the picture could hold a code, whether one more may be decoded (the
    message's budget: a dozen tracking pixels placed first do not use it up)."""
    found = _decoder()
    if found is None:
        return []
    decode, qrcode = found
    from PIL import Image

    codes: list = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (Pillow warns of large pictures; the bound is ours)
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                if width * height > MAX_PIXELS or min(width, height) < MIN_SIDE or not take():
                    return []
                picture.draft("L", (SCAN_SIDE, SCAN_SIDE))  # a JPEG decodes reduced, cheaply
                frames = min(getattr(picture, "n_frames", 1), MAX_FRAMES if width * height <= FRAME_PIXELS else 1)
                for frame in range(frames):
                    # (each further frame is one more picture of the message's budget; every frame is read, so a
                    # harmless code shown first hides no other)
                    if frame and not take():
                        break
                    if frame:
                        picture.seek(frame)
                    codes += decode(_scannable(picture), symbols=[qrcode])
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
        return []
    out = []
    for code in codes[:MAX_CODES]:
        text = code.data.decode("utf-8", "replace").strip()[:MAX_PAYLOAD]
        if text and text not in out:
            out.append(text)
    return out


def _scannable(picture: Image.Image) -> Image.Image:
    """One frame as ZBar reads it best: grey, on white where it is transparent (as a mail client shows it), no larger
    than :data:`SCAN_SIDE` and no smaller than :data:`MIN_MODULE_SIDE` (a code drawn a pixel per module)."""
    from PIL import Image

    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        white.alpha_composite(rgba)
        gray = white.convert("L")
    else:
        gray = picture.convert("L")
    if max(gray.size) > SCAN_SIDE:
        gray.thumbnail((SCAN_SIDE, SCAN_SIDE))
    elif min(gray.size) < MIN_MODULE_SIDE:
        factor = min(-(-MIN_MODULE_SIDE // min(gray.size)), SCAN_SIDE // max(gray.size))
        if factor > 1:
            gray = gray.resize((gray.width * factor, gray.height * factor), Image.Resampling.NEAREST)
    return gray


def qr_text(payloads: list[str]) -> str:
    """An image's text for the rules: one line per code, ``QR code: <what it says>``."""
    return "\n".join(PREFIX + p for p in payloads)
