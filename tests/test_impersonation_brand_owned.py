"""``brand_owned`` looks the brands' domains up in one set; it must answer as the reading it replaced
(``_owned`` against each brand's domains in turn) for every shape of domain."""

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
