"""Confidentiality words in running text: said of this mail or its attachment (held), or a word
in a sentence about something else - a confidential hotline, a survey's answers, a
settlement in the news, a film, a meeting room (delivered).

The word is the same; its role in the sentence differs. Written as people write such mail,
outbound from Example Corp with its usual signature and disclaimer."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy.common import Sample, outbound, pick_pair, signature, simple, topic
from tests.accuracy.fake import EN_EXT, EN_STAFF, ZH_STAFF, Person

CAT = "confidential"

# the marker applies to what this mail carries
APPLIED = [
    ("en", "Updated price list", "Here are the confidential distributor prices for 2027 we discussed - please keep "
     "them within your purchasing team and don't pass them on to other resellers."),
    ("en", "Forecast", "Please treat the enclosed forecast as confidential until we publish the results on 12 "
     "November."),
    ("en", "Re: the numbers", "These figures are confidential, so please don't forward this email. Gross margin "
     "for the quarter was 41.3%, and we expect to miss the revenue guidance by about 4%."),
    ("zh", "渠道政策", "下面这些是我们的机密信息，仅供贵司内部参考，请不要转发给其他经销商：明年一级代理返点上调到6%，"
     "新开门店补贴每家三万元。"),
    ("zh", "客户名单", "发你的这份客户名单属于公司机密，看完请删除，千万不要外传。"),
    ("en", "Call notes", "Keep this confidential for now: the board approved the Brightline offer at EV 118m this "
     "morning, announcement planned for next Thursday."),
]
# the word stands in a sentence about something else
INCIDENTAL = [
    ("en", "Supplier code of conduct", "Our supplier code of conduct is attached. If you see anything that worries "
     "you, our confidential ethics hotline is run by an independent provider and is open around the clock."),
    ("en", "Customer satisfaction survey", "We would be grateful if you could spare ten minutes for our annual "
     "customer survey. All answers are confidential and are reported only in aggregate."),
    ("en", "Re: your reference request", "Happy to act as a reference for Mark. I can speak to his work on our "
     "logistics project; our conversation will of course stay confidential."),
    ("en", "Team outing", "For Friday's team outing we have booked the escape room \"The Confidential Files\" near "
     "the office - it takes about an hour, then dinner at 7."),
    ("en", "Industry news", "Did you see that the two airlines reached a confidential settlement over the slot "
     "dispute? Nothing about the terms was published, but it may ease the capacity on the Frankfurt route."),
    ("en", "Recruiting update", "We are working with an executive search firm on a confidential search for a new "
     "CFO for a client of theirs; they asked whether you might know suitable candidates."),
    ("en", "Employee assistance programme", "As a partner company you can also use the employee assistance "
     "programme: free, confidential counselling by phone for your staff, in English and Mandarin."),
    ("zh", "供应商行为准则", "附件是我司供应商行为准则。如发现违规行为，可通过独立第三方运营的举报渠道反映，"
     "举报人信息将被严格保密，我们不会泄露任何举报人的秘密。"),
    ("zh", "客户满意度调查", "诚邀您参加年度客户满意度调查，约需十分钟。问卷结果仅作统计使用，您填写的内容属于个人隐私，"
     "我们会当作秘密妥善保管。"),
    ("zh", "推荐一本书", "上次聊到的那本书叫《硅谷的秘密》，讲的是早期半导体公司的创业故事，挺好看的，推荐给您。"),
    ("zh", "行业新闻", "看到新闻说两家车企就电池技术纠纷达成和解，和解条款作为机密没有公开，不知道对明年的电芯价格有没有影响。"),
    ("zh", "团建安排", "周五团建我们订了密室逃脱，主题叫“机密档案室”，大概一个小时，结束后一起吃晚饭。"),
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(kind: str, expect: str, note: str, mail: object) -> None:
        out.append(outbound(f"confr-{kind}-{len(out) + 1:03d}", CAT, expect, note, mail))  # type: ignore[arg-type]

    for round_ in range(2):
        for i, (lang, subj, sentence) in enumerate(APPLIED):
            s, r = pick_pair(rng, lang)
            greet = f"{r.name}您好：" if lang == "zh" else f"Hi {r.name.split()[0]},"
            _, more = topic(rng, lang, r)
            more = more.split("\n\n", 1)[1] if "\n\n" in more else more   # drop the topic's own greeting
            body = f"{greet}\n\n{more}\n\n{sentence}\n\n" + signature(s, lang) if round_ else \
                f"{greet}\n\n{sentence}\n\n{more}\n\n" + signature(s, lang)
            add("pos", "held", "marker said of this mail or its attachment, in running text",
                simple(s, r, subj, body, html=(i + round_) % 3 == 0))
        for i, (lang, subj, sentence) in enumerate(INCIDENTAL):
            s, r = pick_pair(rng, lang)
            greet = f"{r.name}您好：" if lang == "zh" else f"Hi {r.name.split()[0]},"
            body = f"{greet}\n\n{sentence}\n\n" + signature(s, lang)
            if round_:
                _, more = topic(rng, lang, r)
                body = f"{greet}\n\n{more.split(chr(10) * 2, 1)[-1]}\n\n{sentence}\n\n" + signature(s, lang)
            add("neg", "delivered", "marker word in a sentence about something else",
                simple(s, r, subj, body, html=(i + round_) % 4 == 1, charset="gbk" if lang == "zh" and i % 2 else "utf-8"))
    second_round(out)
    return out


def second_round(out: list[Sample]) -> None:
    """Second round: a press embargo, traditional characters, a folder in an archive named as a
    marker (held); emphasis inside a promise, a reminder listing three-word labels (delivered)."""
    alice, erin = EN_STAFF[0], EN_STAFF[4]
    journalist = Person("Rachel Green", "rachel.green@financial-daily.example", "Financial Daily", "Reporter")
    tw = Person("林佳怡", "jiayi.lin@formosa-parts.com.tw", "台塑零件股份有限公司", "業務專員")
    partner = EN_EXT[1]

    def add(kind: str, expect: str, note: str, mail: mime.Mail, category: str = CAT) -> None:
        out.append(outbound(f"confr-{kind}-{len(out) + 1:03d}", category, expect, note, mail))

    add("pos", "held", "press embargo on figures sent to a journalist", simple(
        alice, journalist, "Q3 figures", "Rachel,\n\nAs discussed this is off the record and confidential - please "
        "don't publish anything before our announcement on Thursday. Revenue was up 14%, margin 38%.\n\nAlice"))
    add("pos", "held", "Big5: pricing said to be 機密資料 in running text", simple(
        ZH_STAFF[0], tw, "明年度定價", "林小姐您好：\n\n附上明年度定價策略，此為本公司機密資料，僅供貴公司參考，請勿外傳。"
        "\n\n李偉", charset="big5", subject_charset="big5", cte="base64"))
    files = mime.zip_of({"confidential/pricing_2027.csv": b"sku,floor price\nHX-220,1284\n", "readme.txt": b"see csv\n"})
    add("pos", "held", "zip member in a folder named confidential", simple(
        alice, partner, "Files", "Hi James,\n\nThe files you asked for.\n\n" + signature(alice, "en"),
        attachments=[mime.attachment("files.zip", files, "application/zip")]), "names")
    add("neg", "delivered", "upper-case emphasis inside a promise on the last line", simple(
        erin, partner, "Customer survey", "Dear James,\n\nThank you for working with us this year. Please tell us how we "
        "did at https://survey.example.com/2026 - it takes five minutes.\nYour answers will be kept STRICTLY "
        "CONFIDENTIAL and used only to improve our service."))
    add("pos", "held", "forward to a personal address quoting a memo whose banner line has an en dash", simple(
        EN_STAFF[2], next(p for p in EN_EXT if p.addr.endswith("gmail.com")), "Fwd: Roadmap",
        "Will finish this at home.\n\n> Example Corp – Internal Use Only\n> Engineering roadmap 2027\n"
        "> H1: ship the new billing API\n> H2: retire the legacy message bus\n"))
    add("neg", "delivered", "a wrapped line that starts with the marker in a promise on the last lines", simple(
        erin, partner, "Customer survey 2026", "Dear James,\n\nThank you for working with us this year. Please tell "
        "us how we did at https://survey.example.com/2026 - it takes five minutes. Your answers will be kept\n"
        "strictly confidential and used only to improve our service."))
    add("neg", "delivered", "reminder that lists three-word labels", simple(
        erin, partner, "Working on the project", "Hi James,\n\nWelcome to the project. One rule for contractors: "
        "documents marked CONFIDENTIAL, INTERNAL USE ONLY or 内部机密 must stay on the project SharePoint and are "
        "never sent to personal mail.\n\n" + signature(erin, "en")))
