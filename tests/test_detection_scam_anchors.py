"""The scam assessment reads only windows around its families' anchor words (issue 19,
``rules.scams.ANCHORS``, found by the message's one keyword scan): reading those windows must
find what reading the whole text finds.

It did not. Several pattern branches had no anchor word of their family ("keep this quiet",
"switched our bank", 新的收款账户, "you will receive 30%"), so they fired only when some other
anchor happened to stand near; and patterns took words the keyword scan does not see as words
("passwordless", "cryptography", "tonightly" cut at a window's end). A branch written without its
anchor silently did nothing. These tests read every branch of every family both ways: the
labelled corpus's texts, text generated from each branch's own pattern, and the cases found
that way (all failed on the old code: 7 corpus texts, 62 branches)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import scam_signals, scam_text, scam_words
from rules.alternation import Alternation, top_level_branches
from rules.content import parse
from rules.matchers import KeywordMatcher, normalize
from rules.scams import ANCHORS, SCAN_LIMIT, Text, anchor_words, assess, fold

CORPUS = Path(__file__).parent / "accuracy" / "messages"
LISTS = {family: lid for lid, family in enumerate(ANCHORS)}
MATCHER = KeywordMatcher()
for _family, _words in anchor_words().items():  # as rules.condition_compiler adds them
    for _word in _words:
        MATCHER.add(LISTS[_family], _word, within=SCAN_LIMIT)
MATCHER.build()


def _read(text: str) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    """The text as the assessment reads it, and where each family's anchors stand in it (as
    ``rules.evaluation.State.scam`` gathers them)."""
    hits = MATCHER.find(text).hits
    return fold(normalize(text)), {f: [(h.start, h.end) for h in hits[lid] if h.start < SCAN_LIMIT]
                                   for f, lid in LISTS.items() if lid in hits}


def _both_ways(text: str) -> tuple[tuple[set[str], str | None], tuple[set[str], str | None]]:
    norm, anchors = _read(text)
    out = []
    for windows in (anchors, None):
        a = assess([Text("body", norm, windows)], unsolicited=True, senders=["someone@outside.example"])
        out.append(({s.name for s in a.signals}, a.level))
    return out[0], out[1]


def test_every_corpus_text_gives_the_same_signals_read_in_windows_or_whole() -> None:
    differ = []
    texts = 0
    for path in sorted(CORPUS.glob("*.eml")):
        for where, text in parse(path.read_bytes()).texts:
            texts += 1
            windowed, whole = _both_ways(text)
            if windowed != whole:
                differ.append((path.name, where, windowed, whole))
    assert texts > 500
    assert differ == []


@pytest.mark.parametrize(("text", "signal"), [
    ("We act for the estate of a late depositor.", "windfall"),
    ("As our partner you will receive 30%, nothing more is needed.", "windfall"),
    ("Payment goes to any offshore bank account you name.", "windfall"),
    ("Kindly note we have switched our bank; the invoice stays the same.", "diversion"),
    ("From this month please pay into our different receiving account.", "diversion"),
    ("请把本月货款转到我们新的收款银行账户，谢谢。", "diversion"),
    ("Before release the administration deposits must be settled, to release the funds pay today.", "fee"),
    ("Please send the card numbers and the passwords.", "personal_data"),
    ("Please keep this quiet until the board has met.", "private_channel"),
    ("Do not discuss this with the auditors.", "private_channel"),
    ("I am travelling and unable to talk, reply only via this email.", "private_channel"),
    ("这件事先不要跟其他人说。", "private_channel"),
    ("Pay USD 50 in a hr or the parcel goes back.", "pressure"),
    ("Only 3 spots are open, USD 200 each.", "pressure"),
])
def test_a_signal_whose_branch_had_no_anchor_is_found(text: str, signal: str) -> None:
    windowed, whole = _both_ways(text)
    assert windowed == whole
    norm, anchors = _read(text)
    found = {s.name for s in assess([Text("body", norm, anchors)], full=True).signals}
    if signal == "pressure":  # pressure counts only beside an offer or an ask: read its pattern alone
        assert any(scam_words._URGENT.search(norm, lo, hi) for lo, hi in Text("b", norm, anchors).windows("pressure"))
    else:
        assert signal in found, found


def test_words_the_keyword_scan_does_not_see_are_no_words_to_the_patterns() -> None:
    # each of these held a pattern's word inside a longer one: the scan finds no anchor there
    for text in ("Please send the passwordless login link.", "We pay via cryptography research grants.",
                 "They met up tonightly, pay USD 50 now.", "Add mywechatgroup to the list."):
        assert _both_ways(text)[0] == _both_ways(text)[1]
    norm, anchors = _read("Please send the passwordless login link.")
    assert scam_signals._personal_data(norm, Text("b", norm, None).windows("personal_data")) is None


_FILLER = "The minutes are attached. " * 800


@pytest.mark.parametrize("text", [
    "请先支付清关费才能签收包裹。这件事不要跟别人説。",  # 説: a spelling fold() reads, not among the scan's variants
    "Please pay the customs fee to release your parcel. Write to agent.lee@gmail.com2 for details.",
    "I am in a meeting, reply by email. " + _FILLER[:19960] + " pay via bitcoin.",  # past SCAN_LIMIT
    "As agreed you will receive 30" + " " * 160 + "percent of the proceeds. Please pay the customs fee to release "
    "your parcel.",
    "guaranteed " + "稳定" * 40 + " returns for all, pay the customs fee to release your parcel",
    "Please pay the customs fee to release your parcel. Contact u@" + "a" * 100 + ".com@gmail.com",
    # a second review: a long domain cut by a window read as gmail.com
    "Please pay the customs fee to release your parcel. Docs: files@gmail.com." + "a-" * 60 + "a.org",
])
def test_what_a_review_found_reads_the_same_both_ways(text: str) -> None:
    # (each read differently in windows and whole on a61067f: an anchor spelled otherwise, a
    # domain the scan does not bound, reading past SCAN_LIMIT, repeats reaching past a window,
    # an address found from inside another)
    windowed, whole = _both_ways(text)
    assert windowed == whole


@pytest.mark.timeout(20)
@pytest.mark.parametrize("text", ["Please pay the customs fee to release your parcel. Contact qq" + " " * 5000 + "x",
                                  "Urgent. " + "一" * 19990])
def test_hostile_runs_are_read_in_linear_time(text: str) -> None:
    # an id after "qq" was looked for with three unbounded \s* in a row (cubic: 10 s for 1,200
    # spaces, minutes for 5,000), and a sum in Chinese numerals from each of them (quadratic, and
    # searched again for every text: 2.3 s a search, four such attachments over a minute; now ms)
    norm, anchors = _read(text)
    texts = [Text(f"attachment:{i}", norm, anchors) for i in range(4)]
    assess(texts, unsolicited=True)
    assess([Text(t.where, t.text, None) for t in texts], unsolicited=True)


class _CountingSearches:
    """A group's compiled pattern that counts how often it is searched (and searches)."""

    def __init__(self, rx: re.Pattern[str], count: list[int]) -> None:
        self.rx, self.count = rx, count

    def search(self, *args: object) -> re.Match[str] | None:
        self.count[0] += 1
        return self.rx.search(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(("family", "text"), [(scam_signals._WINDFALL_FAST, "you get 30% off. " * 1200),
                                              (scam_signals._FEE_FAST, "运费" * 10000),
                                              (scam_signals._RETURNS_FAST, "不保证收益10%" * 2500),
                                              (scam_signals._DATA_FAST, "卡号" * 10000)])
def test_many_matches_are_found_with_searches_in_proportion_to_them(family: Alternation, text: str) -> None:
    # Alternation.finditer searched every group again after each match: quadratic (1.7 s for
    # the first text, 4 s for the second on a61067f)
    count = [0]
    counted = Alternation(family.pattern)
    counted._groups = [(bound, _CountingSearches(rx, count), members)  # type: ignore[misc]
                       for bound, rx, members in counted._groups]
    found = list(counted.finditer(text))
    assert [m.span() for m in found] == [m.span() for m in family.pattern.finditer(text)]
    assert count[0] <= 2 * (len(found) + len(counted._groups))


def test_a_run_of_anchors_has_its_window_end_looked_for_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # each anchor's window end was looked for to the end of its word (10,000 times to the end
    # of a 20,000-character run of e卡: 0.6 s)
    norm, anchors = _read("e卡" * 10000)
    calls = []
    real = scam_text.word_end
    monkeypatch.setattr(scam_text, "word_end", lambda *a: calls.append(a) or real(*a))
    assert Text("b", norm, anchors).windows("windfall") == [(0, 20000)]
    assert len(calls) <= 2


# each family's patterns, read in its windows (the untraceable payments 200 characters further)
FAMILIES = [("windfall", scam_words._WINDFALL, 0), ("returns", scam_words._RETURNS, 0), ("fee", scam_words._FEE, 0),
            ("fee", scam_words._UNTRACEABLE, 200), ("fee", scam_words._DIVERSION, 200),
            ("fee", scam_words._TRANSFER, 0),
            ("personal_data", scam_words._DATA_FLAT, 0),
            ("personal_data", scam_words._REMOTE, 0), ("personal_data", scam_words._CALLBACK, 120),
            ("private_channel", scam_words._SECRECY, 0), ("private_channel", scam_words._IM, 0),
            ("pressure", scam_words._URGENT, 0), ("pressure", scam_words._THREAT, 0)]
BRANCHES = [(family, branch, extra) for family, rx, extra in FAMILIES for branch in top_level_branches(rx.pattern)]
# text around the generated words: sentences, and word characters right against them
FILLER = st.lists(st.sampled_from(["Please find the minutes attached. ", "The shipment left Ningbo on Monday. ",
                                   "会议纪要见附件。", "请查收。\n", "Regards,\nAnna\n", "ref", "编号", "2", "x_",
                                   "Thanks for the quick turnaround on the drawings. "]), max_size=6)


@pytest.mark.parametrize(("family", "branch", "extra"), BRANCHES,
                         ids=[f"{f}-{i}" for i, (f, _b, _e) in enumerate(BRANCHES)])
def test_every_branch_is_found_in_its_windows_exactly_where_the_whole_text_has_it(
        family: str, branch: str, extra: int) -> None:
    rx = re.compile(branch)

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(rx, fullmatch=True), FILLER, FILLER)
    def read_both_ways(words: str, before: list[str], after: list[str]) -> None:
        norm, anchors = _read("".join(before) + words + "".join(after))
        whole = rx.search(norm, 0, min(len(norm), SCAN_LIMIT + extra)) is not None
        windows = Text("b", norm, {family: anchors.get(family, [])}).windows(family)
        windowed = any(rx.search(norm, lo, scam_text.word_end(norm, hi + extra)) for lo, hi in windows)
        assert windowed == whole, (family, words, "only in windows" if windowed else "only in the whole text")

    read_both_ways()
