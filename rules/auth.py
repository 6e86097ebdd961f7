"""Sender authentication helpers: SPF evaluation, DKIM verification, DMARC, and the
Authentication-Results header — pure functions with injectable DNS.

The rules package does no network I/O: the gateway hands in a ``resolver(name, rtype)``
callable (backed by dnspython in production, by a dict in tests) and stores the outcome in
:class:`rules.model.AuthResults` for rules to test.

``resolver(name, rtype)`` returns a list of strings: TXT record texts (chunks joined), A/AAAA
addresses, or MX host names. It returns ``[]`` for NXDOMAIN/no data and raises
:class:`DNSTempError` for failures that might succeed later.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from rules.model import AuthResults

Resolver = Callable[[str, str], list[str]]

SPF_RESULTS = ("pass", "fail", "softfail", "neutral", "none", "permerror", "temperror")
_QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
MAX_LOOKUPS = 10
MAX_VOID = 2


class DNSTempError(Exception):
    """A DNS failure that may succeed on retry (SERVFAIL, timeout)."""


class _PermError(Exception):
    pass


@dataclass
class _SPFState:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address
    sender: str
    helo: str
    resolver: Resolver
    lookups: int = 0
    voids: int = 0

    def count(self) -> None:
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise _PermError("too many DNS lookups")

    def query(self, name: str, rtype: str) -> list[str]:
        answers = self.resolver(name.rstrip("."), rtype)
        if not answers:
            self.voids += 1
            if self.voids > MAX_VOID:
                raise _PermError("too many void lookups")
        return answers


def _expand(spec: str, st: _SPFState, domain: str) -> str:
    """SPF macro expansion (RFC 7208 §7) for the common letters, with digit/r transformers."""
    local, _, sdomain = st.sender.rpartition("@")
    values = {
        "s": st.sender, "l": local or "postmaster", "o": sdomain or st.helo, "d": domain,
        "i": ".".join(str(st.ip).split(".")) if st.ip.version == 4 else ".".join(st.ip.exploded.replace(":", "")),
        "h": st.helo, "v": "in-addr" if st.ip.version == 4 else "ip6",
    }

    def repl(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        if m.group(0) == "%_":
            return " "
        if m.group(0) == "%-":
            return "%20"
        letter, digits, reverse, delims = m.group(1).lower(), m.group(2), m.group(3), m.group(4) or "."
        if letter not in values:
            raise _PermError(f"unknown macro {letter}")
        parts = re.split("[" + re.escape(delims) + "]", values[letter])
        if reverse:
            parts.reverse()
        if digits:
            parts = parts[-int(digits):]
        return ".".join(parts)

    return re.sub(r"%\{([a-zA-Z])(\d*)(r?)([.\-+,/_=]*)\}|%%|%_|%-", repl, spec)


def _spf_record(st: _SPFState, domain: str) -> str | None:
    records = [t for t in st.query(domain, "TXT") if re.match(r"(?i)^v=spf1(\s|$)", t)]
    if not records:
        return None
    if len(records) > 1:
        raise _PermError("more than one SPF record")
    return records[0]


def _in_net(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, addr: str, c4: int, c6: int) -> bool:
    try:
        a = ipaddress.ip_address(addr)
    except ValueError:
        return False
    if a.version != ip.version:
        return False
    net = ipaddress.ip_network(f"{a}/{c4 if a.version == 4 else c6}", strict=False)
    return ip in net


def _cidrs(arg: str) -> tuple[str, int, int]:
    m = re.match(r"^(.*?)(?:/(\d+))?(?://(\d+))?$", arg)
    assert m
    return m.group(1), int(m.group(2) or 32), int(m.group(3) or 128)


def _check_host(st: _SPFState, domain: str, depth: int = 0) -> str:
    if depth > MAX_LOOKUPS:
        raise _PermError("include loop")
    record = _spf_record(st, domain)
    if record is None:
        return "none"
    terms = record.split()[1:]
    redirect = None
    for term in terms:
        if "=" in term and not re.match(r"^[+\-~?]?[a-zA-Z0-9]+:", term):
            name, _, value = term.partition("=")
            if name.lower() == "redirect":
                redirect = value
            continue
        qualifier = "pass"
        if term[0] in _QUALIFIERS:
            qualifier = _QUALIFIERS[term[0]]
            term = term[1:]
        mech, _, arg = term.partition(":")
        if "/" in mech:
            mech, slash, rest = mech.partition("/")
            arg = (arg or "") + slash + rest
        mech = mech.lower()
        if mech == "all":
            return qualifier
        if mech == "ip4" or mech == "ip6":
            try:
                net = ipaddress.ip_network(arg, strict=False)
            except ValueError:
                raise _PermError(f"bad {mech}: {arg}") from None
            if net.version == st.ip.version and st.ip in net:
                return qualifier
            continue
        if mech in ("a", "mx"):
            st.count()
            target, c4, c6 = _cidrs(arg)
            target = _expand(target, st, domain) if target else domain
            hosts = [target] if mech == "a" else st.query(target, "MX")[:10]
            for host in hosts:
                for rtype in ("A", "AAAA"):
                    if any(_in_net(st.ip, a, c4, c6) for a in st.resolver(host.rstrip("."), rtype)):
                        return qualifier
            continue
        if mech == "include":
            st.count()
            result = _check_host(st, _expand(arg, st, domain), depth + 1)
            if result == "pass":
                return qualifier
            if result in ("temperror",):
                return result
            if result in ("permerror", "none"):
                raise _PermError("include without a usable record")
            continue
        if mech == "exists":
            st.count()
            if st.query(_expand(arg, st, domain), "A"):
                return qualifier
            continue
        if mech == "ptr":
            st.count()  # deprecated; never matches here (no reverse DNS from a pure library)
            continue
        raise _PermError(f"unknown mechanism {mech}")
    if redirect:
        st.count()
        result = _check_host(st, _expand(redirect, st, domain), depth + 1)
        return "permerror" if result == "none" else result
    return "neutral"


def check_spf(client_ip: str, mail_from: str, helo: str, resolver: Resolver) -> str:
    """SPF result (RFC 7208) for ``client_ip`` sending ``mail_from`` (the HELO identity is
    checked when the null sender is used). Never raises; returns one of SPF_RESULTS."""
    try:
        ip = ipaddress.ip_address(client_ip)
    except ValueError:
        return "permerror"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    sender = mail_from.strip().strip("<>") or f"postmaster@{helo}"
    domain = sender.rpartition("@")[2].lower()
    if not domain:
        return "none"
    st = _SPFState(ip=ip, sender=sender, helo=helo, resolver=resolver)
    try:
        return _check_host(st, domain)
    except DNSTempError:
        return "temperror"
    except _PermError:
        return "permerror"


# -- DKIM ------------------------------------------------------------------------------

def check_dkim(raw: bytes, dnsfunc: Callable[..., bytes | None] | None = None) -> tuple[str, list[str]]:
    """Verify every DKIM-Signature with dkimpy; returns (result, domains that passed).

    ``dnsfunc(name, timeout=5) -> bytes`` (dkimpy's hook) supplies the key record; result is
    ``none`` without signatures, ``pass`` when any signature verifies, else ``fail``.
    """
    import dkim

    try:
        d = dkim.DKIM(raw)
        sigs = [v for k, v in d.headers if k.lower() == b"dkim-signature"]
    except Exception:  # noqa: BLE001 - an unparsable message simply has no valid signature
        return "none", []
    if not sigs:
        return "none", []
    passed: list[str] = []
    temp = False
    for idx in range(len(sigs)):
        try:
            ok = d.verify(idx=idx, dnsfunc=dnsfunc) if dnsfunc else d.verify(idx=idx)
        except DNSTempError:
            temp = True
            continue
        except Exception:  # noqa: BLE001 - dkimpy raises on malformed signatures and keys
            ok = False
        if ok:
            m = re.search(rb"(?:^|;)\s*d\s*=\s*([^;\s]+)", sigs[idx])
            if m:
                passed.append(m.group(1).decode("ascii", "replace").lower())
    if passed:
        return "pass", passed
    return ("temperror" if temp else "fail"), []


# -- DMARC -------------------------------------------------------------------------------

@functools.cache
def _public_suffixes():  # noqa: ANN202 - publicsuffixlist.PublicSuffixList, loaded on first use
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()   # the list ships in the package: no network


def organisational_domain(domain: str) -> str:
    """The organisational domain (RFC 7489 §3.2): one label below the public suffix, from the
    Public Suffix List. The old guess (the last two labels, three after com/net/org/...)
    made ``victim.ne.jp`` and ``attacker.ne.jp`` one organisation (relaxed alignment let the
    attacker's SPF pass for the victim's From) and looked up ``_dmarc.ne.jp`` for
    ``mail.victim.ne.jp``. A domain that is itself a public suffix is its own."""
    name = domain.lower().rstrip(".")
    try:
        return _public_suffixes().privatesuffix(name) or name
    except Exception:  # noqa: BLE001 - a name the list cannot split (empty labels...): itself
        return name


def _aligned(a: str, b: str, strict: bool) -> bool:
    a, b = a.lower(), b.lower()
    return a == b if strict else organisational_domain(a) == organisational_domain(b)


@dataclass(frozen=True)
class DmarcOutcome:
    """DMARC for one message: the result, the policy that applies to the From domain (``p``,
    or ``sp`` when the record was found at the organisational domain of a subdomain), and
    the ``pct`` of failing mail the domain wants that policy applied to."""

    result: str
    policy: str | None = None
    pct: int = 100

    def disposition(self, sample: int) -> str:
        """What the domain asks for this message (RFC 7489 §6.6.4): ``none`` unless DMARC
        failed under ``p=quarantine|reject``; a message outside the ``pct`` sample
        (``sample`` in 0..99, not below ``pct``) gets the next policy down; ``temperror``
        when DNS trouble left that undecided (unless the domain's policy is ``none``)."""
        if self.result == "temperror" and self.policy != "none":
            # DNS trouble kept us from knowing the policy, or from knowing whether a message
            # under p=quarantine|reject passes: neither a refusal nor an acceptance is
            # honest; the gateway answers 4xx (gateway/pipeline.py).
            return "temperror"
        if self.result != "fail" or self.policy not in ("quarantine", "reject"):
            return "none"
        if sample < self.pct:
            return self.policy
        return "quarantine" if self.policy == "reject" else "none"


def _dmarc_tags(record: str) -> dict[str, str]:
    return dict((k.strip().lower(), v.strip()) for k, _, v in (p.partition("=") for p in record.split(";")) if k)


def dmarc_outcome(header_from_domain: str, spf_result: str, spf_domain: str, dkim_domains: list[str],
                  resolver: Resolver, *, dkim_result: str = "") -> DmarcOutcome:
    """DMARC (RFC 7489) for ``header_from_domain``: aligned SPF or DKIM pass. Without an
    aligned pass, an SPF or DKIM ``temperror`` makes the result ``temperror``, not ``fail``:
    the lookup that failed might have given the pass (RFC 7489 §6.6.2 lets the receiver
    defer), and a DNS hiccup must not turn a p=reject domain's genuine mail into a 550."""
    domain = header_from_domain.lower().strip("[]").rstrip(".")
    if not domain:
        return DmarcOutcome("none")
    org = organisational_domain(domain)
    try:
        records = [t for t in resolver(f"_dmarc.{domain}", "TXT") if t.lower().startswith("v=dmarc1")]
        inherited = False
        if not records and org != domain:
            records = [t for t in resolver(f"_dmarc.{org}", "TXT") if t.lower().startswith("v=dmarc1")]
            inherited = True
    except DNSTempError:
        return DmarcOutcome("temperror")
    if len(records) != 1:
        return DmarcOutcome("none")
    tags = _dmarc_tags(records[0])
    policy = tags.get("p", "none").lower()
    if inherited and tags.get("sp", "").lower() in ("none", "quarantine", "reject"):
        policy = tags["sp"].lower()
    if policy not in ("none", "quarantine", "reject"):
        policy = "none"
    try:
        pct = min(100, max(0, int(tags.get("pct", "100"))))
    except ValueError:
        pct = 100
    spf_ok = spf_result == "pass" and _aligned(spf_domain, domain, tags.get("aspf", "r") == "s")
    dkim_ok = any(_aligned(d, domain, tags.get("adkim", "r") == "s") for d in dkim_domains)
    if spf_ok or dkim_ok:
        return DmarcOutcome("pass", policy, pct)
    if "temperror" in (spf_result, dkim_result):
        return DmarcOutcome("temperror", policy, pct)
    return DmarcOutcome("fail", policy, pct)


# The outcome that governs a message with several From domains: the strictest disposition,
# then the worst result (a From header with two addresses, or two From headers, passes only
# when every domain passes; RFC 7489 §6.6.1).
_DISPOSITION_RANK = {"none": 0, "temperror": 1, "quarantine": 2, "reject": 3}
_RESULT_RANK = {"pass": 0, "none": 1, "temperror": 2, "fail": 3}


def governing_outcome(outcomes: list[tuple[str, DmarcOutcome]], sample: int) -> tuple[str, DmarcOutcome]:
    """Of ``(domain, outcome)`` for each From domain, the one the message is judged by."""
    return max(outcomes, key=lambda item: (_DISPOSITION_RANK.get(item[1].disposition(sample), 0),
                                           _RESULT_RANK.get(item[1].result, 1)))


def check_dmarc(header_from_domain: str, spf_result: str, spf_domain: str, dkim_domains: list[str],
                resolver: Resolver) -> tuple[str, str | None]:
    """DMARC result and the policy that applies (``none``/``quarantine``/``reject``)."""
    outcome = dmarc_outcome(header_from_domain, spf_result, spf_domain, dkim_domains, resolver)
    return outcome.result, outcome.policy


def pct_sample(raw: bytes) -> int:
    """0..99 from the message's own bytes: the ``pct`` sampling gives the same answer when the
    same message is sent again (after a 4xx), unlike a random draw."""
    return int.from_bytes(hashlib.sha256(raw[:65536]).digest()[:4], "big") % 100


# -- Authentication-Results ---------------------------------------------------------------

def _clean(value: str) -> str:
    return re.sub(r"[\s;()\"\\]", "", value)


def format_authentication_results(authserv_id: str, results: AuthResults, *, mail_from: str = "",
                                  helo: str = "", header_from: str = "", dkim_domains: list[str] | None = None,
                                  dmarc_policy: str | None = None) -> str:
    """The value of an RFC 8601 ``Authentication-Results`` header."""
    parts = [_clean(authserv_id) or "mailwarden"]
    spf = f"spf={results.spf}"
    if mail_from:
        spf += f" smtp.mailfrom={_clean(mail_from)}"
    elif helo:
        spf += f" smtp.helo={_clean(helo)}"
    parts.append(spf)
    dk = f"dkim={results.dkim}"
    if dkim_domains:
        dk += f" header.d={_clean(dkim_domains[0])}"
    parts.append(dk)
    dm = f"dmarc={results.dmarc}"
    if dmarc_policy and results.dmarc == "fail":   # what was asked, and what this message gets
        dm += f" (p={_clean(dmarc_policy)} dis={_clean(results.dmarc_policy)})"
    if header_from:
        dm += f" header.from={_clean(header_from)}"
    parts.append(dm)
    return "; ".join(parts)


def authenticate(raw: bytes, client_ip: str, mail_from: str, helo: str, header_from: str | list[str],
                 resolver: Resolver, dnsfunc: Callable[..., bytes | None] | None = None,
                 *, enforce_dmarc: bool = True) -> tuple[AuthResults, str]:
    """SPF + DKIM + DMARC in one call; returns the results and an Authentication-Results value
    (``authserv-id`` ``mailwarden``; the gateway may rebuild it with its host name).
    ``header_from``: the header From address, or every one of them (several From headers or
    several addresses in one): DMARC is checked for each domain and the strictest outcome
    governs, so a first ``From:`` of a domain that passes cannot hide a second one that fails.
    ``enforce_dmarc=False``: the DMARC result and published policy are recorded, but
    ``AuthResults.dmarc_policy`` (what rules act on) stays ``none``."""
    spf = check_spf(client_ip, mail_from, helo, resolver)
    dkim_result, dkim_domains = check_dkim(raw, dnsfunc)
    spf_domain = (mail_from.strip("<>").rpartition("@")[2] or helo).lower()
    addresses = [header_from] if isinstance(header_from, str) else list(header_from)
    domains = list(dict.fromkeys(a.rpartition("@")[2].lower().strip("[]").rstrip(".") for a in addresses)) or [""]
    sample = pct_sample(raw)
    outcomes = [(d, dmarc_outcome(d, spf, spf_domain, dkim_domains, resolver, dkim_result=dkim_result))
                for d in domains]
    from_domain, dmarc = governing_outcome(outcomes, sample)
    results = AuthResults(spf=spf, dkim=dkim_result, dmarc=dmarc.result,
                          dmarc_policy=dmarc.disposition(sample) if enforce_dmarc else "none")
    header = format_authentication_results("mailwarden", results, mail_from=mail_from.strip("<>"), helo=helo,
                                           header_from=from_domain, dkim_domains=dkim_domains,
                                           dmarc_policy=dmarc.policy)
    return results, header
