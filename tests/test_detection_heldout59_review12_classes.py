"""Outbound classes from blind set 59 (/work/heldout59: 210 mails of a biotech, 30 per category) and the
precision review 12 (/work/review12: 100 genuine mails a careless filter would stop), both written by
helpers who never saw the rules. On f80b476: a job title ("Confidential Secretary", in a subject) and a
news item on 商业秘密 law read as markers; "Nothing in the attached agenda is confidential" was no
negation; an attachment named Strictly_Private_… passed (the marker was not in the shipped list); a
.env template whose value is an instruction ("replace-with-a-long-random-string") was held as a
secret. The mails here are written anew; each test fails on f80b476 but the guards, which say so.
"""

from __future__ import annotations

import pytest

from tests.test_detection_classes import action, mail

DELIVERED = [
    # a job title in the subject and the body
    ("JD - Confidential Secretary to the Chairman",
     "Hi Mandy,\n\nAttached is the description for the search we discussed.\n\nJob title: Confidential Secretary to "
     "the Chairman (主席機要秘書)\nLocation: Central, Hong Kong\n\nThanks,\nAlice\n"),
    # a news item on trade-secret law in the subject
    ("FYI: 商业秘密司法解释解读",
     "各位：\n\n转发一篇关于最高法商业秘密司法解释的解读文章，供参考。\n\nAlice\n"),
    # a negation with its object between
    ("Guest lecture on 14 March",
     "Dear Prof. Lam,\n\nThank you for agreeing to speak. Nothing in the attached agenda is confidential - please "
     "feel free to circulate it to your students.\n\nBest regards,\nAlice\n"),
]


@pytest.mark.parametrize(("subject", "body"), DELIVERED, ids=["job-title", "trade-secret-law-news", "nothing-is"])
def test_confidentiality_words_that_mark_nothing_are_delivered(subject: str, body: str) -> None:
    assert action(mail(body, subject)) == "deliver"


def test_a_part_named_confidential_beside_a_negation_is_still_held() -> None:
    """Guard (held on f80b476 too): "nothing … but the appendix" negates nothing of the appendix."""
    body = ("Dear Prof. Lam,\n\nNothing in the attached pack but the appendix is confidential, so please keep the "
            "appendix to yourself.\n\nAlice\n")
    assert action(mail(body, "Board pack")) == "quarantine"


def test_an_attachment_named_strictly_private_is_held() -> None:
    attachment = ("Strictly_Private_Project_Heron_teaser.txt", b"Project Heron: a teaser for the shortlist.",
                  "text/plain")
    assert action(mail("Michael,\n\nFinal teaser attached.\n\nAlice\n", "Teaser", (attachment,))) == "quarantine"


def test_an_env_template_whose_values_are_instructions_is_delivered() -> None:
    template = (b"# Copy to .env and fill in\nNODE_ENV=development\nDB_PASSWORD=changeme\n"
                b"SESSION_SECRET=replace-with-a-long-random-string\nJWT_SIGNING_KEY=generate-one-with-openssl\n"
                b"SMTP_PASS=<your-smtp-password>\n")
    raw = mail("Hi Marco,\n\nAttached is the template; real values come from Vault.\n\nBob\n", "Local setup",
               ((".env.example", template, "text/plain"),))
    assert action(raw) == "deliver"


def test_a_secret_that_only_starts_like_an_instruction_is_still_held() -> None:
    """Guard (held on f80b476 too): a real value is no instruction however it begins."""
    config = b"DB_HOST=db.internal\nDB_PASSWORD=settle-Q7v#92kLm!x4\nSESSION_SECRET=9f2Kq7LmXv81Rt3ZpW0aBc6D\n"
    raw = mail("Hi Marco,\n\nHere is the production config you asked for.\n\nBob\n", "Config",
               ((".env", config, "text/plain"),))
    assert action(raw) == "quarantine"
