"""Where a finding is in its snippet (the engine's ``mark``) and how the entry page marks it
in the evidence and in the message's text and HTML (issue 15)."""

from __future__ import annotations

from admin_api.evidence_marks import body_patterns, mark_html, mark_text
from quarantine.evidence_view import panel
from rules.redact import excerpt


def test_the_span_follows_the_match_through_redaction_and_squeezed_spaces() -> None:
    text = "x " * 60 + "请核对  身份证号\n310104198503120048   以及   機密 文件" + " y" * 60
    start = text.index("機密")
    snippet, span = excerpt(text, start, start + 2)
    assert snippet.startswith("…") and snippet[span[0]:span[1]] == "機密"
    assert "310104198503120048" not in snippet
    at = text.index("3101")
    snippet, span = excerpt(text, at, at + 18)
    assert snippet[span[0]:span[1]] == "**************0048"
    key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----"
    snippet, span = excerpt("key: " + key, 5, 5 + len(key))
    assert span is None and "MIIEvQ" not in snippet    # a mask of another length: no span, never a wrong one


def test_panel_and_message_marks() -> None:
    evidence = [{"rule": "r", "evidence": [
        {"where": "body", "snippet": "本公司機密合同 身份证号 **************0048", "mark": [3, 5]},
        {"where": "body", "snippet": "身份证号 **************0048，请核对", "mark": [5, 23]},
        {"where": "body", "snippet": "bogus", "mark": [3, 99]}]}]
    [hit] = panel(evidence)
    marked = [[t for t, m in item["segments"] if m] for item in hit["items"]]
    assert marked[0] == ["機密", "**************0048"] and marked[1] == ["**************0048"] and marked[2] == []
    patterns = body_patterns(evidence)
    text = "本公司機密合同\n身份证号 310104198503120048；另 9310104198503120048 不是"
    assert [t for t, m in mark_text(text, patterns) if m] == ["機密", "310104198503120048"]
    assert "".join(t for t, _ in mark_text(text, patterns)) == text
    html = '<p title="機密">本公司<b>機密</b> &lt;script&gt;機密&amp;</p>'
    out = mark_html(html, patterns)
    assert out == '<p title="機密">本公司<b><mark>機密</mark></b> &lt;script&gt;<mark>機密</mark>&amp;</p>'


def test_two_matches_in_one_sentence_are_one_line_with_both_marked() -> None:
    """Two markers in one sentence are two findings of one snippet: the panel showed the same
    line twice (seen in the entry page's zh-CN screenshot); now once, with both highlighted."""
    snippet = "本合同机密，严禁外传。"
    evidence = [{"rule": "r", "evidence": [
        {"where": "body", "snippet": snippet, "mark": [3, 5]},
        {"where": "body", "snippet": snippet, "mark": [6, 10]},
        {"where": "attachment:a.txt", "snippet": snippet, "mark": [3, 5]}]}]
    [hit] = panel(evidence)
    assert [item["where"] for item in hit["items"]] == ["body", "attachment:a.txt"]
    assert [t for t, m in hit["items"][0]["segments"] if m] == ["机密", "严禁外传"]
    assert "".join(t for t, _ in hit["items"][0]["segments"]) == snippet
