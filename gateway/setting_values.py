"""The value syntaxes of ``gateway.yaml``: durations, sizes, ``host:port``, time windows.

Pure functions shared by the settings' validators (:mod:`gateway.setting_sections`) and by
the code that reads the values again at run time (a listener's address, a purge window);
each raises ``ValueError`` with the accepted forms, which the loader places at the file's line.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNIT_BYTES = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_duration(value: Any) -> float:
    """Seconds from ``300``, ``"90s"``, ``"15m"``, ``"12h"``, ``"5d"`` or ``"2w"``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("must not be negative")
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    raise ValueError(f"not a duration: {value!r} (use e.g. 300, '90s', '15m', '12h', '5d')")


def parse_size(value: Any) -> int:
    """Bytes from ``52428800``, ``"50MB"``, ``"50 MiB"``, ``"512k"`` or ``"1G"``.

    K, M, G and T count in powers of 1024 whether written ``MB`` or ``MiB``: that is how
    Postfix, nginx and most mail tools read a message size, and a limit that came out 5%
    smaller than the operator meant would refuse mail the sending server was told fits."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("must not be negative")
        return value
    if isinstance(value, str):
        match = _SIZE.match(value)
        if match and (match.group(3) in ("", "b", "B") or match.group(2)):
            return int(float(match.group(1)) * _UNIT_BYTES[match.group(2).lower()])
    raise ValueError(f"not a size: {value!r} (use e.g. 52428800, '50MB', '512KiB', '1G')")


def listen_address(value: str, *, what: str) -> str:
    """A ``listen`` setting: host *and* port, so ``127.0.0.1`` alone cannot quietly bind a default."""
    if not _has_port(value):
        raise ValueError(f"{value!r} has no port: write host:port (e.g. 127.0.0.1:{what}, [::1]:{what})")
    parse_hostport(value, default_port=0)
    return value


def _has_port(value: str) -> bool:
    value = value.strip()
    if value.startswith("["):
        return "]:" in value
    return value.count(":") == 1


def parse_hostport(value: str, *, default_port: int) -> tuple[str, int]:
    """Split ``host:port`` (``[::1]:25`` for IPv6); refuses ports outside 1..65535."""
    value = value.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port_text = rest.lstrip(":")
    elif value.count(":") == 1:
        host, port_text = value.split(":")
    elif ":" in value:
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            raise ValueError(f"not host:port: {value!r} (write IPv6 as [addr]:port)") from None
        host, port_text = value, ""
    else:
        host, port_text = value, ""
    if not host:
        raise ValueError(f"missing host in {value!r}")
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise ValueError(f"port is not a number in {value!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"port out of range in {value!r}")
    return host, port


_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_window(value: str) -> tuple[int, int] | None:
    """``"02:00-05:00"`` as (start, end) minutes of the day (end may be before start: the window
    runs past midnight); ``""`` is None: any time."""
    if not value or not value.strip():
        return None
    match = _WINDOW.match(value)
    if match:
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60 and not (h2 == 24 and m2):
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if start != end:
                return start, end
    raise ValueError(f"not a time window: {value!r} (use e.g. '02:00-05:00', local time)")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def ip_networks(values: list[str]) -> list[str]:
    """A list of networks (``10.0.0.0/8``, ``::1/128``, a bare address), unchanged when each is one."""
    for net in values:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise ValueError(f"not an IP network: {net!r}") from None
    return values
