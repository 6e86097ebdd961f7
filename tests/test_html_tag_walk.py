"""Link tags and attached pages read in one pass over hostile HTML (rules/html_tags.py).

The link check searched ``<a\\s[^>]{0,500}?href…`` over each HTML part: a search that restarts at
every ``<a``, also inside a tag it had read, so ``<a <a <a …`` with no ``>`` cost 500 steps per
``<a``. Fifty HTML parts of it (a 15 MB message) took 70 s on 8945367, in the screening of one
message; the attached-page check had the same shape for ``<input``, ``<form`` and ``<meta``. Both
now walk tags as a browser tokenises them (a tag runs to its ``>``). The timeouts are the tests
of cost; the differential tests hold that well-formed HTML reads exactly as before.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.attached_pages import page_facts
from rules.links import html_links

# the patterns of 8945367, the reference on well-formed HTML
OLD_HREF = re.compile(r"""(?i)<a\s[^>]{0,500}?(?<![\w-])href\s*=\s*"""
                      r"""(?:"([^"]{0,2000})|'([^']{0,2000})|([^\s>]{1,2000}))""")
OLD_PASSWORD = re.compile(r"<input\b[^>]{0,400}?\btype\s*=\s*[\"']?\s*password\b", re.IGNORECASE)
OLD_ACTION = re.compile(r"<form\b[^>]{0,400}?\baction\s*=\s*"
                        r"(?:\"([^\"]{0,2000})\"|'([^']{0,2000})'|([^\s>]{1,2000}))", re.IGNORECASE)
OLD_REFRESH = re.compile(r"<meta\b[^>]{0,400}?http-equiv\s*=\s*[\"']?refresh\b[^>]{0,400}?\burl\s*=\s*[\"']?\s*"
                         r"([^\s\"'>]{1,2000})", re.IGNORECASE)


def _message(*html_parts: str) -> bytes:
    parts = b"".join(b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + p.encode() + b"\r\n"
                     for p in html_parts)
    return (b"From: a@sender.test\r\nTo: alice@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/alternative; boundary=b\r\n\r\n" + parts + b"--b--\r\n")


@pytest.mark.timeout(20)
def test_unclosed_link_tags_in_many_parts_are_read_in_linear_time() -> None:
    hostile = "<a " * 100_000
    hosts, _shown = html_links(_message(*[hostile] * 49, '<p>Sign in: <a href="https://login.evil.test/x">here</a>'))
    # (the last part's link is still found: the walk stops only where no '>' is left in a part)
    assert hosts == {"login.evil.test"}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("tag", ["<input ", "<form ", "<meta ", "<meta http-equiv=refresh "])
def test_hostile_attached_pages_are_read_in_linear_time(tag: str) -> None:
    page = tag * (200_000 // len(tag))
    for _ in range(150):  # (a message may attach many pages; each cost 0.15-0.3 s on 8945367)
        assert page_facts(page) is None
    assert page_facts(page + '<input type="password" name="p">') is None  # (past the 200,000 characters read)
    assert page_facts('<form action="https://x.test/p"><input type=password></form>' + page).password


def test_a_tag_holding_a_second_opening_is_one_tag_as_in_a_browser() -> None:
    hosts, _ = html_links(_message('<p>x</p><a <a href="https://evil.test/login">Sign in</a>'))
    assert hosts == {"evil.test"}
    hosts, _ = html_links(_message('<a href="https://one.test/?q=a>b" title="t">1</a> <a href=http://two.test>2</a>'))
    assert hosts == {"one.test", "two.test"}


_values = st.text(alphabet="abcdefghij.-/:?=", min_size=1, max_size=30)
_attribute = st.one_of(
    _values.map(lambda v: f'href="https://{v}.test/"'), _values.map(lambda v: f"href='http://{v}.test'"),
    _values.map(lambda v: f"href=http://{v}.test"), _values.map(lambda v: f'title="{v}"'),
    st.just('class="btn"'), st.just("data-href=x.test"), _values.map(lambda v: f'action="https://{v}.test/p"'),
    st.just('type="password"'), st.just("type=text"), st.just('http-equiv="refresh"'),
    _values.map(lambda v: f'content="0; url=https://{v}.test/"'), st.just("name=q"))
_tag = st.builds(lambda name, attrs, words: f"<{name} {' '.join(attrs)}>{words}</{name}>",
                 st.sampled_from(["a", "A", "form", "input", "meta", "p", "div", "abbr"]),
                 st.lists(_attribute, max_size=4), st.text(alphabet="xyz 中文", max_size=10))
_page = st.lists(st.one_of(_tag, st.text(alphabet="abc \n", max_size=20)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_page)
def test_well_formed_html_reads_as_before(page: str) -> None:
    from rules.links import _hrefs, link_host

    assert [m.group(0)[m.group(0).lower().rfind("href"):] for m in OLD_HREF.finditer(page)] == \
        [m.group(0) for m in _hrefs(page)]
    old_hosts = {h for m in OLD_HREF.finditer(page) for h in [link_host(m[1] or m[2] or m[3] or "")] if h}
    assert html_links(_message(page))[0] == old_hosts
    facts = page_facts(page)
    old_password = OLD_PASSWORD.search(page) is not None
    old_posts = tuple(h for h in (link_host(next(g for g in m.groups() if g is not None))
                                  for m in OLD_ACTION.finditer(page)) if h)
    old_refresh = tuple(h for h in (link_host(m.group(1)) for m in OLD_REFRESH.finditer(page)) if h)
    assert (facts.password if facts else False) == old_password
    if facts is not None:
        assert facts.posts_to == old_posts
        assert facts.opens[:len(old_refresh)] == old_refresh
