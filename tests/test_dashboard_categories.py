"""The dashboard's spam and malware counts follow what a rule tests, not what it is called:
an administrator's own virus rule counts as malware, a rule merely named after viruses does
not (the first version matched names: ``virus`` in a rule's name counted, ``finding: malware``
under another name did not)."""

from __future__ import annotations

from pathlib import Path

from admin_api.dashboard import category_by_name
from gateway.rule_categories import categoriser
from rules.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent

CUSTOM = """
  - name: partner-attachments-scanned
    description: The scanner's verdict on partners' mail
    priority: 900
    when: {all: [{direction: inbound}, {any: [{finding: "malware"}, {finding: "uninspectable"}]}]}
    action: reject
  - name: virus-awareness-newsletter
    description: Our own security newsletter talks about viruses; it is tagged, not malware
    priority: 10
    when: {subject: {terms: ["Security Newsletter"]}}
    action: tag
    subject_prefix: "[NEWS]"
  - name: lottery-certain
    description: A scam so certain its score alone passes the tag threshold
    when: {subject: {terms: ["you have won the lottery"]}}
    action: score
    score: 8
  - name: a-little-spammy
    description: Adds to the score, decides nothing alone
    when: {subject: {terms: ["free offer"]}}
    action: score
    score: 1
"""


def _rules(tmp_path: Path) -> Path:
    shipped = (ROOT / "configs" / "rules.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rules.yaml"
    for extra in (ROOT / "configs").iterdir():      # lists the shipped rules read (file: ...)
        if extra.name != "rules.yaml" and not (tmp_path / extra.name).exists():
            (tmp_path / extra.name).symlink_to(extra)
    path.write_text(shipped.rstrip() + "\n" + CUSTOM, encoding="utf-8")
    return path


def test_categories_come_from_the_rules_conditions(tmp_path: Path) -> None:
    ruleset = load_ruleset(_rules(tmp_path))
    category = categoriser(lambda: ruleset, ["spam-threshold", "gtube", "rspamd-spam"])
    assert category("partner-attachments-scanned") == "malware"   # nested any/all, named otherwise
    assert category("malware") == "malware" and category("malware-internal") == "malware"
    assert category("virus-awareness-newsletter") is None          # the name alone counts for nothing
    assert category("gtube") == "spam" and category("spam-threshold") == "spam"
    assert category("lottery-certain") == "spam"                   # its score alone reaches tag (5)
    assert category("a-little-spammy") is None                      # a signal, not a spam count
    assert category("outbound-confidential-marker") is None
    # the name-based version got both custom rules wrong
    assert category_by_name("partner-attachments-scanned") is None
    assert category_by_name("virus-awareness-newsletter") == "malware"


def test_a_rule_removed_by_a_reload_keeps_the_category_it_had(tmp_path: Path) -> None:
    live = {"rules": load_ruleset(_rules(tmp_path))}
    category = categoriser(lambda: live["rules"], ["spam-threshold"])
    assert category("partner-attachments-scanned") == "malware"
    (tmp_path / "rules.yaml").write_text((ROOT / "configs" / "rules.yaml").read_text(encoding="utf-8"))
    live["rules"] = load_ruleset(tmp_path / "rules.yaml")
    assert category("partner-attachments-scanned") == "malware"    # old records still count
    assert category("never-existed") is None
