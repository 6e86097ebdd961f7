"""How a text frames a scam rather than makes one (issue 19): the wording of warnings (a
sentence whose subject is the fraudster, an advisory's list of "typical phrases"), of quoting (a
button's label, a quoted example), of forwarding (a forwarded message's header) and of reporting
(the forwarder calling it fake). :mod:`rules.scam_advisories` reads them; :mod:`rules.scam_words`
holds what scams themselves write.

None of them is a signal family: they have no anchor words, and rules.scam_advisories reads
them only where a family has already found something.
"""

from __future__ import annotations

import re

# what people are warned of, not asked: a sentence whose subject is the fraudster ("Fraudsters pose
# as suppliers and ask you to pay invoices to a new account", 不法分子冒充…) or that calls it a scam
_WARNED_SUBJECT = re.compile(
    # (after the warning's own lead: "Beware of a scam: fraudsters write that …")
    r"[\s\-*•·>]*(?:\d{1,2}[.、)）]\s*)?(?:(?:beware|warning|alert|caution|scam alert)\b[^:\n]{0,30}:\s*)?"
    r"(?:(?:some|many|the|these) )?(?:fraudsters?|scammers?|criminals?|crooks|"
    r"con ?artists?|imposters?|impostors?|attackers?|cybercriminals?|phishers?)\b|"
    # the scam mail itself as the subject ("This month's phishing email pretended to be …")
    r"[\s\-*•·>]*(?:(?:this|last|that) (?:month|week|year)'s |the |a |these |such |one )?(?:phishing|scam|fraudulent|"
    r"fake|spoofed) (?:e-?mails?|messages?|texts?|calls?|letters?|invoices?)\b|"
    r"[\s\-*•·>]*(?:\d{1,2}[.、)）]\s*)?(?:(?:近期|最近|近日)[，,]?\s*)?(?:有|出现)?(?:骗子|骗徒|不法分子|诈骗分子|犯罪分子|"
    r"诈骗团伙)")
# what an advisory says of the scams it describes, anywhere in its sentence: someone "impersonating"
# (冒充) an authority, the scam's "typical phrases" (典型话术), "phrases used by fraudsters"; a scam
# itself says none of it (it says "please", which a warning sentence does not)
# (a reason is no warning: "to protect you from fraudsters, verify your account", 为配合反诈中心资金清查,
# "due to fraud attempts impersonating our company, we changed our bank account": rules.scams reads
# these only where the sentence speaks of no "we" and the mail names no account to pay)
_DESCRIBES_SCAM = re.compile(
    r"冒充|假冒|仿冒|诈骗(?:分子|团伙|案件|手段|话术|套路)|(?:常见|典型)(?:的)?(?:诈骗)?话术|"
    r"\bhow (?:criminals|fraudsters|scammers|attackers) (?:use|work|operate|target|trick|exploit)\b|"
    r"\b(?:typical|common) (?:scam |fraud |phishing )?(?:phrases|lines|wording|messages|tactics)\b|"
    r"\bimpersonat\w*|\bposing as\b|\basked (?:them|staff|employees|users|recipients|victims) to\b|"
    r"\b(?:simulated|test) (?:phishing )?e-?mails?\b|"
    # the scam's moves told in the third person (声称账户已更改，要求…; "claiming the account has changed")
    r"声称|谎称|自称|诱导|诱骗|骗取|骗徒|为诱饵|为由|一律为|\bclaiming\b|\bclaim to be\b|\bpretend(?:s|ing)? to\b|"
    r"\bpretending\b|\b(?:asking|urging|pressuring|tricking) (?:the )?(?:victims?|staff|employees|recipients|"
    r"finance teams?|companies|people)\b|\bthey (?:ask|request|claim|demand|say)\b|"
    r"\bvictims? (?:are|were|is|was|get|gets) (?:then )?(?:told|asked|instructed|directed|urged|pressured) to\b|"
    r"\b(?:the|this|that|these|a|such) (?:[\w'‘’\"“”-]+ ){0,3}scams? (?:is|are|was|were|has|have)\b|"
    r"\bpredatory (?:journals?|publishers?|conferences?)\b|\bpaper mills?\b")
# a mail received told of: the reader's correspondent reporting what reached it ("we received an e-mail claiming
# to be your Taiwan office", 我们今天收到一封自称贵公司…的信), in the first person but no scam's own words
_RECEIVED_REPORT = re.compile(
    r"(?:收到|接到)(?:了)?(?:一封|一个|一份|一些|多封|几封)[^。！？\n]{0,40}?(?:自称|冒充|假冒|仿冒|声称|号称|落款是)|"
    # (colleagues received the forgery: 好几个同事收到假冒中华邮政的信)
    r"(?:收到|接到)(?:了)?(?:假冒|冒充|仿冒)|"
    # (the sender as it showed: 收到一封邮件，发件人显示是你们公司财务)
    r"(?:收到|接到)(?:了)?(?:一封|一份)(?:邮件|来信|信)[，,]?\s{0,2}(?:发件人|落款|署名)(?:显示|写的?)是|"
    r"(?:收到|接到)(?:了)?(?:下面|以下|下方)?(?:这|一)封[^。！？\n]{0,12}?(?:署名|落款|自称|冒充|假冒|声称|说是|称是)|"
    r"\b(?:we|i) (?:have |just |today |also )?(?:received|got) (?:an?|this|the following|several|two|three|some|the) "
    r"(?:[\w-]+ ){0,3}(?:e-?mails?|messages?|letters?|requests?|invoices?)(?: below| above| attached)?,? "
    r"(?:which |that )?(?:claiming|claims?|purporting|purports?|pretending|pretends?)\b")
# the writer speaking for itself ("we changed our bank account", 我司账户已更换)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b|我司|我们|本公司|我公司|我方")
# an account to pay named in the mail (an advisory names none): 账号：7559…, Account no.: 0187-2293-4410
_PAYEE = re.compile(r"(?:账号|帐号|账户|帐户|户口号码|户口|account(?: no\.?| number| #)?|acct\.?|a/c|iban)"
                    r"\s*[:：]?\s*[a-z]{0,4}\s?\d[\d \-]{6,}\d")
# a piece of every _PAYEE branch's label: looked for first, as most texts name no account
PAYEE_WORDS = ("账", "帐", "户口", "account", "acct", "a/c", "iban")
# a button's label in quotes is what the reader is to click, no example quoted
_BUTTON = re.compile(r"(?:\bclick|\btap|\bpress|\bselect|点击|单击|按)\s*(?:on\s+)?(?:the\s+)?[\"“「『]?$")
# a text that warns of scams (the frame an advisory's quoted phrases stand in): a scam quoted in
# it ("Typical phrases include: - "pay to the new account today"") is an example, not an ask
_WARNING_FRAME = re.compile(
    r"冒充|假冒|诈骗|骗子|骗徒|骗案|欺诈|不法分子|骗局|话术|防诈|反诈|防骗|谨防|警惕|钓鱼|演练|案例|受骗|被骗|识别要点|"
    r"\b(?:fraudsters?|scammers?|scams?|phishing|lures|criminals|"
    r"impersonat\w*|fraud (?:advisory|alert|warning|prevention|awareness)|business e-?mail compromise|bec|"
    r"suspect(?:ed)? fraud|fraud (?:cases?|attempts?|schemes?|patterns?|losses)|"
    r"(?:fraudulent|fake|spoofed|phishing) (?:\w+ )?(?:e-?mails?|messages?|calls?|requests?|invoices?|websites?)|"
    r"tricks? (?:\w+ ){0,3}into|(?:did|does) not come from|didn't come from|doesn't come from|"
    r"suspicious (?:e-?mails?|messages?|calls?|links?|requests?)|predatory (?:journals?|publishers?|conferences?)|"
    r"paper mills?|ransom(?:ware)?|"
    r"misleading (?:\w+ ){0,3}(?:invoices?|letters?|e-?mails?|requests?|notices?|offers?))\b")
# a forwarded or quoted message's header: what stands below it another wrote
FORWARDED = re.compile(r"(?im)^[ \t>]*(?:-{2,}[ \t]*(?:forwarded message|original message|转发的?邮件|原始邮件|"
                       r"ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré)"
                       r"[ \t]*-{2,}|begin forwarded message:|on [^\n]{5,200} wrote:|[^\n]{0,120}写道[:：]|"
                       # (a header's lines may stand a blank line apart, as an HTML part's paragraphs come out)
                       r"(?:from|von|de|发件人|寄件者)[ \t]*[:：][^\n]{0,300}\n(?:[ \t\r]*\n)?[^\n]{0,300}?"
                       r"(?:sent|date|subject|gesendet|datum|betreff|envoyé|objet|发送时间|日期|寄件日期|主题|主旨)"
                       r"[ \t]*[:：])")
# the forwarder's own words reporting what it forwards as a scam ("WARNING: fake email in your name", "apparently
# from you", "so we did not pay", 这封是假的)
REPORTS_SCAM = re.compile(r"\b(?:warning|beware|fake|spoof(?:ed|ing)?|suspicious|phishing|scam|fraud(?:ulent)?|"
                          r"misleading|targeted by|looks? like (?:an? )?official|"
                          r"apparently from (?:you|us)|not (?:from|sent by) (?:you|us)|(?:did not|didn't) pay|"
                          r"impersonat\w*|(?:did not|didn't) come from (?:you|us)|claiming to be from|"
                          r"is (?:this|it|that) (?:really |actually |genuinely )?(?:from|sent by) (?:you|your)|"
                          r"(?:have|has|had) not (?:yet )?paid|(?:doesn't|does not|didn't|did not) look right|"
                          r"whether (?:this|it) is (?:genuine|legitimate|real|from you)|claims? to (?:come|be) from)\b|"
                          # (the question mark ends it: no word boundary after it, "Is this real? I'm not expecting")
                          r"\bis (?:this|it|that) (?:really |actually )?(?:genuine|legit|legitimate|real|you)\?|"
                          # (请问这是真的吗？是否属实, 必要时我们也会报警)
                          # (not 会报警 / 已报警: a scam threatens the police, or a hijacker "has reported" its
                          # own theft)
                          r"是真的吗|是否属实|是不是真的|是否真实|"
                          r"仿冒|不法分子|是不是(?:你们|贵司|贵公司)(?:发|寄)的|是否(?:为|是)?(?:贵司|贵公司|你们)(?:所)?(?:发|寄)|"
                          r"是(?:你们|贵司|贵公司|你司)(?:发|寄)的吗|"
                          r"诈骗|钓鱼|冒充|假冒|假的|可疑|不对劲|有点奇怪|很奇怪|并非(?:您|你|贵司)|不是(?:您|你们|你|贵司)(?:发|寄)的|"
                          # (the forwarder kept away from it: 有点吓人，我没点链接也没回复; "I didn't click the link")
                          r"吓人|没(?:有)?(?:点|点击|点开)(?:链接|附件)?也没|没敢点|请忽略|忽略即可|不用理会|请勿理会|"
                          r"\b(?:please ignore|ignore it|can be ignored|do not respond to it|don't respond to it)\b|"
                          r"\b(?:didn't|did not|haven't|have not) (?:click|open)(?:ed)? (?:the |any |on )?"
                          r"(?:link|attachment)|"
                          r"\b(?:looks?|seems?|seemed|looked) (?:a bit |rather |very )?(?:odd|strange|off|fishy)\b")
_CALLED_SCAM = re.compile(r"(?:一律|都|均)(?:为|是)诈骗|\bis (?:always )?a scam\b|\bare (?:always )?scams\b")
# where a sentence begins: its end mark, a blank line (CRLF or LF), or a list item's line (a
# single line break inside a paragraph is wrapping)
_LIST_MARK = r"[-*•·]|\d{1,2}[.、)）]|[一二三四五六七八九十]{1,2}[、.]|[(（][一二三四五六七八九十\d]{1,2}[)）]"
_SENTENCE_START = re.compile(r"[.!?。！？;；]\s*|\r?\n[ \t\r]*\n\s*|\n(?=[ \t]*(?:" + _LIST_MARK + "))")
_LIST_ITEM = re.compile(r"[ \t]*(?:" + _LIST_MARK + ")")
# a list's opening line in an advisory: what follows describes scams or advises ("Typical patterns
# include:", 常见手法有：, 本会建议会员：)
_LIST_INTRO = re.compile(r"(?:常见|典型|手法|手段|套路|特征|迹象|情形|类型|案例|表现|建议|提醒|提示|注意|防范|"
                         r"牢记|记住|"
                         r"\b(?:patterns?|signs|tactics|tricks|red flags|examples|include|including|such as|"
                         r"recommend\w*|advice|tips|should|protect yourself|spot|recogni[sz]e|watch (?:out )?for|"
                         r"look out for|remember)\b|识别|留意|警惕)[^\n]{0,40}[:：]\s*$")
# a list's opening line that asks for something ("please provide the following:"): its items are asked
_ASKING_INTRO = re.compile(r"提供|发送|填写|回复|上传|告知|"
                           r"\b(?:send|provide|reply|submit|fill|enter|confirm|verify|update|complete|upload)\b")
# a request to the reader in the sentence: no warning asks ("please confirm your card number")
_PLEASE = re.compile(r"\bplease\b|\bkindly\b|请(?!勿)")
