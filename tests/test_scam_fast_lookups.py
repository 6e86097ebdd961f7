"""The scam reading's shortcuts for speed answer as the slow readings they stand for: ``brand_owned``
looks the brands' domains up in one set, as ``_owned`` against each brand's domains in turn answered,
for every shape of domain; the substring tests before two whole-text patterns skip no text those
patterns match."""

from __future__ import annotations

from rules.impersonation import BRANDS, _owned, brand_owned


def _shapes() -> list[str]:
    out: set[str] = set()
    for owners in BRANDS.values():
        for d in owners:
            name, _, ending = d.partition(".")
            out.update({d, f"mail.{d}", f"x.y.{d}", f"{name}.de", f"{name}.co.uk", f"{name}.com.sg",
                        f"{name}-x.com", f"{name}.top", f"not{d}", f"{d}.evil.com", f"mail.{ending}", f"www.{ending}",
                        f"email.{ending}"})
    return sorted(out)


def test_brand_owned_answers_as_each_brands_own_domains_do() -> None:
    shapes = _shapes()
    assert len(shapes) > 1000
    wrong = [d for d in shapes if brand_owned(d) != any(_owned(d, owners) for owners in BRANDS.values())]
    assert not wrong, wrong[:10]


def test_the_cheap_prefilters_hold_a_word_of_every_branch() -> None:
    """The substring tests read before two whole-text patterns (speed): every branch of each pattern
    holds one of the words, so the test never skips a text the pattern would match."""
    from rules.alternation import top_level_branches
    from rules.scam_framing import _PAYEE, PAYEE_WORDS
    from rules.scam_words import NEW_ADDRESS, NEW_ADDRESS_WORDS

    for branch in top_level_branches(NEW_ADDRESS.pattern):
        plain = branch.replace(r"\b", "").replace("(?:", "").replace(")", "")
        assert any(w.strip() in plain for w in NEW_ADDRESS_WORDS), branch
    for word in ("账号", "帐号", "账户", "帐户", "户口号码", "户口", "account", "acct", "a/c", "iban"):
        assert any(w in word for w in PAYEE_WORDS), word
    assert _PAYEE.pattern.startswith("(?:账号|帐号|账户|帐户|户口号码|户口|account")
