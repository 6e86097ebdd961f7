"""The wording of scams (issue 19): each signal family's patterns and the anchor words the
keyword scan finds them by, in English and Chinese. :mod:`rules.scams` reads them; this module
only says what scams write.

Every branch of a family's patterns holds one of the family's anchor words, bounded as the scan
bounds words (no ASCII letter, digit or underscore either side: ``\\b`` or
:data:`rules.alternation.ASCII_START`), within :data:`WINDOW` of the match, and no repeat is
unbounded: the patterns run only in windows around the anchors, and a branch without one does
nothing (``tests/test_detection_scam_anchors.py`` reads every branch both ways).
"""

from __future__ import annotations

import re

from rules.alternation import ASCII_START, top_level_branches

_S = r"(?:[^.!?。！？\n]|\.(?=[0-9a-z]))"  # within one sentence (a decimal point, a domain's dots do not end it)
# the frauds whose victims the fake compensation funds name (not a breach's or a Ponzi scheme's class action)
_FRAUD = r"(?:online |internet |cyber ?|advance[- ]fee |investment |lottery |scam )?(?:fraud|scams?|frauds)\b"
# the lender's bait: no security asked (nor proof of income: 免入息證明, 黑户可贷, 不查征信), a rate offered by "we"
# or "I"; rules.scams weighs it half from a company's own domain where no fee is asked (LOAN_BAIT)
_NO_SECURITY = (r"\bno collateral\b|\bno credit checks?\b|无需(?:任何)?抵押|免抵押|无抵押|"
                r"(?:免|无需|不需|不用)(?:提供)?(?:入息|收入)证明|黑户可贷|(?:不看|不查|无视)征信")
_LENDER = r"\b(?:we|i) (?:offer|give out|give|grant|provide|lend)\b"
LOAN_BAIT = re.compile(_NO_SECURITY + "|" + _LENDER)
# the form that orders what it asks to check: "by signing and returning this form the client places an order",
# 本表签章回传即视为贵司同意…年费; rules.scams weighs a fee beside it 2 (the directory's trap, unasked)
SIGNED_IS_ORDER = re.compile(r"\b(?:signing|signed|sign)(?: and (?:returning|return|stamping))?(?: (?:of )?this form)?"
                             r"[^.!?\n]{0,40}?\b(?:places?|constitutes?|means|is) (?:an? )?(?:order|contract|binding)|"
                             r"\bby signing (?:and returning )?(?:this|the) (?:form|document)\b[^.!?\n]{0,40}?"
                             r"\b(?:orders?|subscribes? to|commissions?)\b|"
                             # ("By signing below, the undersigned orders an entry", "With its signature the company
                             # commissions …")
                             r"\b(?:by signing (?:below|here)|the undersigned|"
                             r"with (?:its|his|her|your|the) signature)\b[^.!?\n]{0,60}?"
                             r"\b(?:orders?|commissions?|subscribes? to)\b|"
                             r"(?:签章|签字|盖章)(?:后)?回传(?:即|后即|即为)?视为[^。！？\n]{0,20}?(?:同意|订购|确认)")
# a price by the year, the currency before or after the figure ("EUR 995 per year", "1.190,00 EUR yearly + VAT")
# (a figure read from its first digit only: "1" a hundred thousand times would be tried from each digit otherwise)
_YEARLY_PRICE = (r"(?:(?:eur|usd|gbp|chf|€|\$|£)\s?\d[\d,.]*|(?<![\d.,])\d[\d.,]*\s?(?:eur|usd|gbp|chf|€|\$|£))"
                 r"(?:\s?(?:\+|plus)\s?vat)?\s?(?:per year|a year|yearly|/ ?(?:1 )?(?:year|yr)|per annum|p\.a\.|"
                 r"annually|each year)")
# a listing in a "register" or directory billed as if ordered ("Business Directory Listing – Asia Pacific Trade
# Register", "European Business Register": the form signed unread is the pretext); rules.scams weighs it 2 (LISTED)
_LISTINGS = (r"\b(?:business|company|companies|trade|industry|exporters?|b2b) (?:directory|register|registry)\b|"
             # (a world's suppliers: "World Textile & Apparel Suppliers Register"; a country's own supplier register,
             # Constructionline, is a membership its members renew)
             r"\b(?:world|worldwide|international|global|universal)\b[^.!?]{0,40}?"
             r"\b(?:suppliers?|manufacturers?)'?s?'? (?:directory|register|registry)\b|"
             # (the small print the register's "invoice" carries: "this is an offer for entry in our private
             # register and not an invoice", "a proposal for an entry in a private register"; no office bills so)
             r"\b(?:offer|proposal|solicitation) (?:for|concerning|of) (?:an? )?(?:entry|listing|insertion|"
             r"registration|publication) in (?:a |an |our |the |their )?(?:[\w-]+ )?(?:register|registry|database|"
             r"directory)\b|\bprivate (?:register|registry|database|directory)\b|"
             # (a domain "expiration notice" selling a search-engine listing: "This notice is not a bill. This is an
             # offer for SEO submission services")
             r"\bnot an? bill\b[^!?\n]{0,80}?\b(?:offer|solicitation)\b|\bthis is an? solicitation\b|"
             r"\bsolicitation to (?:list|be listed|register|publish)\b|"
             # (a trademark's "publication" in a private register with a grand name: the WIPR-style invoice; an
             # office's own register is no such name, "entered in the trademark register")
             r"\b(?:world|worldwide|international|global|universal)\b[^.!?\n]{0,40}?"
             r"(?:intellectual property|trade ?marks?|patents?)(?: (?:&|and) (?:trade ?marks?|patents?))? "
             r"(?:register|registry)\b|"
             # (a "World Patent & Trademark Agency" billing a publication; an international one is an attorney's firm)
             r"\bworld (?:intellectual property|trade ?marks?|patents?)(?: (?:&|and) (?:trade ?marks?|patents?))? "
             r"(?:agency|bureau)\b|"
             r"\b(?:directory|compliance|trade|business|company) listing\b|\bdirectory (?:entry|publication)\b|"
             r"(?:刊登|名录)费|"
             # (an entry "for a minimum term of three years at an annual price of EUR 1,271.00": the proof form's
             # order in its small print)
             r"\b(?:entry|listing|directory)\b[^.!?]{0,120}?\b(?:annual|yearly) (?:price|fee|charge|rate|cost) of "
             r"(?:eur|usd|gbp|€|\$|£)\s?\d|"
             # (however the form words it: "orders an entry into our privately run register for three years at
             # 1.190,00 EUR yearly + VAT", "the inclusion in our commercial data base is charged at EUR 995 per year")
             r"\b(?:register|registry|directory|database|data base)\b(?:[^.!?]|\.(?=\d)){0,160}?" + _YEARLY_PRICE)
LISTED = re.compile(_LISTINGS + r"|\blisting\b")
# the payee a person, not a company: a fee "into the account of our procurement officer, Mr. Daniel Mensah", to
# 陈工支付宝账户：139…, 户名：王建国, 收款账户：张涛（项目经办人）. No office, insurer or laboratory bills into its
# clerk's own account, so it ties a fee as the prize's release does (rules.scam_signals.personal_payee: not where
# refused, 不接受个人账户转账, nor never asked, 不会要求您向个人账户转账). It weighs no more: freelancers, private
# landlords and a club's secretary bill into their own accounts, as a review found
PERSONAL_PAYEE = re.compile(
    r"\baccount of (?:our |the |their )?(?:[\w-]+ ){0,2}(?:officer|mr\.?|mrs\.?|ms\.?)(?![\w-])|"
    r"\b(?:account (?:name|holder)|beneficiary(?: name)?)\s?[:：]?\s?(?:mr|mrs|ms|miss)\.?\s|"
    r"(?:个人|私人)(?:账户|帐户|账号|银行卡|支付宝|微信)|"
    r"(?:支付宝|微信)(?:账户|账号|帐号)?\s?[:：]?\s?1[3-9]\d[\d \-]{8,11}(?!\d)|"
    # (a person's name of two to four characters, not a company's short name or an office: 联想（北京）, 中華電信（股）,
    # 会务组, 财务部, 秘書處)
    r"(?:收款账户|收款帐户|收款人|户名|账户名|帐户名|开户名)(?:\s?[:：]\s?|\s)"
    r"(?![\u4e00-\u9fff]{0,3}(?:组|部|处|会|局|所|院|中心|公司|银行|集团|电信|科技|电脑))[\u4e00-\u9fff]{2,4}"
    r"(?=\s?(?:[（(](?!北京|上海|中国|深圳|广州|香港|台湾|股|有限|集团|天津|苏州|杭州)|[\n,，]|$))")
# a split that makes a hundred ("shared 60/40", "70:30"); a clock time (10:30) makes none
_HUNDRED = "|".join(rf"{a}\s?[/:]\s?{100 - a}" for a in range(10, 95, 5))
_WINDFALL = re.compile(
    r"\byou(?:'ve| have)? (?:just )?(?:won(?!['’]t)|been (?:selected|chosen|picked|awarded|approved|pre-approved|"
    r"granted))\b|"
    r"\byour (?:e-?mail|email address|phone|mobile|number|ticket|name|address|account)" + _S +
    r"{0,30}\b(?:won|was selected|was drawn|has been (?:selected|drawn|chosen|picked))\b|"
    r"\b(?:lottery|sweepstakes?|jackpot|lucky draw|prize draw|winning (?:notification|number|ticket))\b" + _S +
    r"{0,80}\byour?\b|\byour?\b" + _S + r"{0,60}\b(?:lottery|sweepstakes?|jackpot|lucky draw|winnings)\b|"
    # (the recovery scam's: "we can recover up to 90% of the assets", lost to a fraud it says it traced)
    r"\b(?:we can|we will|we are able to|able to) (?:help (?:you )?)?recover (?:up to \d{1,3}\s?% of )?"
    r"(?:your |the |all )?(?:lost |stolen )?(?:funds|money|assets|crypto\w*|investments?|losses)\b|"
    r"\bclaim (?:your|the) (?:prize|reward|winnings|gift|funds?|payment|refund|compensation|inheritance|"
    r"card|balance|bonus|award|money)\b|"
    r"\b(?:inheritance|next of kin|unclaimed (?:funds?|balance|inheritance|money|prize)|"
    r"dormant (?:account|funds?|balance))\b|"
    r"\b(?:dear|attention:?) (?:winner|beneficiary|lucky)\b|"
    r"\b(?:donate|donating|donation of)\b" + _S + r"{0,60}\bto you\b|"
    r"\b(?:refund|compensation|rebate|reimbursement|grant|payment|funds?|balance|gift card)\b" + _S +
    r"{0,40}\b(?:is waiting|are waiting|pending|awaiting (?:you|your)|unclaimed|ready to be (?:claimed|released|"
    r"collected)|to be released to you)\b|"
    r"恭喜(?:您|你)" + _S + r"{0,40}(?:中奖|获得|抽中|选中|荣获|获奖|成为)|"
    # (the company drawn a prize, not a customer's award: 恭喜贵司…获得二等奖, not 荣获…“优秀供应商”称号)
    r"恭喜(?:贵公司|贵司|贵单位)" + _S + r"{0,40}(?:获得|荣获|抽中)[^。！？\n]{0,6}?(?:[一二三特]等奖|大奖|奖品|奖金)|"
    r"(?:您|你|阁下)(?:的)?" + _S + r"{0,20}(?:被(?:系统)?(?:随机)?(?:抽中|选中)|荣获|中奖|中了)|"
    # (the company drawn a prize's rank: 贵公司邮箱荣获二等奖; a customer's title, 荣获优秀供应商称号, is none)
    r"(?:贵公司|贵司|贵单位)(?:的)?" + _S + r"{0,20}(?:被(?:系统)?(?:随机)?(?:抽中|选中)|荣获[一二三特]等奖|中奖|中了)|"
    # (Hong Kong's letters say 阁下: 电脑随机抽选中阁下之电邮为幸运得主)
    r"(?:抽中|选中|抽出)(?:了)?(?:您|你|阁下)|幸运得主|幸运儿|中奖者|得奖者|幸运客户|"
    r"(?:奖金|奖品|大奖|现金|红包|补贴|补助|退税|退款|赔偿|补偿款|补偿金|礼品|遗产|购物卡|(?<![a-z0-9_])e卡)" + _S +
    r"{0,25}(?:待领取|未领取|领取|申领|兑换|提现|领奖|兑奖)|"
    r"(?:领取|申领|兑换|提现|办理)" + _S +
    r"{0,15}(?:奖金|奖品|现金|红包|补贴|补助|退税|退款|赔偿|礼品|(?<![a-z0-9_])e卡|购物卡)|"
    # (a tax refund announced: 经核定应退税额为新台币 8,764 元)
    r"应退(?:税额|税款|还金额)|"

    r"\bhas been (?:pre-)?approved for (?:an? )?(?:[\w-]+ ){0,3}(?:loan|facility|credit line|financing|grant)\b|"
    r"\beligible (?:for|to receive) (?:a |an |your )?(?:tax )?(?:refund|rebate|compensation|payment|grant|reward|"
    r"prize|award)|\b\d{1,2}\s?% of (?:the )?(?:(?:total|entire|whole) (?:sum|funds?|money)|sum)\b|"
    r"(?<!send me )(?<!pay me )(?<!transfer me )(?<!pay )(?<!send )(?<!paid )\byour share\b|"
    r"\b(?:transfer|remit|move|wire|deposit)\w{0,4} (?:the |this |these )?(?:sum|funds?|money|amount)" + _S +
    r"{0,40}\b(?:in)?to your (?:bank )?account\b|"
    # a share promised to the reader ("you will receive 40%"), not a price ("key accounts get 3%"; "you get 30%
    # off": _PRICE)
    r"\byou(?:'ll| will| would| shall| are| can| may)?(?: be)? (?:entitled to|receive|get|take|keep)\b" + _S +
    r"{0,20}\b\d{1,2}(?:\s?%|\s{1,3}percent\b)|"
    r"\b\d{1,2}(?:\s?%|\s{1,3}percent) (?:for|to) you\b|\bforeign (?:business )?(?:partner|beneficiary)\b|"
    r"\b(?:late|deceased) (?:client|customer|depositor|account holder)\b|"
    r"\babandoned (?:funds?|sums?|consignment|account)\b|"
    r"\b(?:a|your|any) (?:foreign|overseas|offshore) (?:bank )?account\b|\bover-?invoiced\b|"
    # the money shared in a ratio (60/40): the sum, not a revenue-sharing deal
    r"\b(?:funds?|money|sum|proceeds)\b" + _S + r"{0,40}\bshar(?:e|ed|ing)\b" + _S +
    r"{0,30}(?:\bratio\b|\b(?:" + _HUNDRED + r")\b|\b\d{2}\s?%)|"
    r"\bshar(?:e|ed|ing) (?:the |this )?(?:funds?|money|sum|proceeds)\b" + _S +
    r"{0,40}(?:\bratio\b|\b(?:" + _HUNDRED + r")\b|\b\d{2}\s?%)|"
    # (not a guarantee's or a remittance's beneficiary: 保函受益人为招标人, 受益人：某某公司, 受益人账户)
    r"遗产|(?<!保函)(?<!保险)(?<!信用证)(?<!汇款)(?<!收款)受益人(?![为是:：名账帐银地开])|解冻资金|(?:贷款|额度|借款)[^。！？\n]{0,15}?(?:已)?审批通过|"
    r"\byour (?:lost |stolen )?(?:funds|money|assets) (?:have|has) been (?:traced|recovered|located|retrieved)\b|"
    r"\bwe (?:have )?(?:traced|recovered|located|retrieved) (?:the|your) (?:lost |stolen )?(?:funds|money|assets)\b|"
    # (the lender's bait, LOAN_BAIT's words: no security and no proof of income asked, a rate offered by a stranger,
    # "We offer business and personal loans at a low interest rate of 2%", "I give out loans … at 3% interest";
    # a bank's "rates from 3.88% p.a." names no "we offer ... at": its marketing stays one signal)
    + _NO_SECURITY + "|" + _LENDER + r"(?: [\w-]+){0,5}? loans?\b" + _S +
    r"{0,40}?\b(?:at|with|for) (?:just |only |an? )?(?:low |fixed |annual )?(?:interest )?(?:rate )?(?:of )?"
    r"\d{1,2}(?:\.\d{1,2})?\s?(?:%|percent)|"
    r"\b(?:return(?:s|ed|ing)?|releas(?:e|es|ed|ing)|recover(?:s|ed|ing)?) (?:all |100% of |all of |the full )?"
    r"(?:your (?:lost |stolen )?(?:funds|money|assets)|the (?:lost |stolen )?(?:funds|money|amount) (?:you )?lost|"
    r"the amount)\b|"
    r"(?:资金|款项|损失|被骗(?:的)?(?:资金|款项)?)[^。！？\n]{0,8}?(?:已经|已)?(?:成功)?追回|追回(?:您|你)?(?:的)?(?:被骗|损失)|"
    r"\b(?:grant|funding|scholarship|award) (?:\w+ ){0,3}(?:has been |have been |was |is )?approved for\b|"
    r"\b(?:has|have) been (?:pre-)?approved for (?:a total of |up to )?(?:eur|usd|gbp|rmb|cny|hk\$|us\$|[$€£¥])\s?\d|"
    r"(?:列入|入选|获得|获批)[^。！？\n]{0,12}?(?:资助|奖学金|补助|补贴|基金)(?:名单|资格)|"
    r"\byour loan (?:has been |is )?approved\b|"
    r"\b(?:has|have) approved (?:your |the |a |an )?(?:[\w-]+ ){0,2}(?:loan|facility|financing|credit line|funding)\b|"
    # the diplomat's consignment box, and the money a stranger's box, fund or late husband's estate holds for the
    # reader (approved, released, donated to you; "deposited the sum of $5,500,000.00"; compensation for "victims
    # of fraud" as the fake IMF, UN and FBI write it)
    r"\bconsignment box(?:es)?\b|\bdiplomat(?:ic)? (?:courier|agent|bag|pouch|delivery|assigned)\b|"
    r"\bi am the diplomat\b|"
    r"\b(?:released|approved|awarded|donated|endorsed) (?:to|for|in favou?r of) you\b|"
    r"\byour (?:fund|funds|compensation|winnings|inheritance|consignment|prize|award|grant|donation)\b" + _S +
    r"{0,40}\b(?:has|have|was|were|will be) (?:been )?(?:approved|endorsed|released|cleared|authori[sz]ed|credited|"
    r"wired|remitted)\b|"
    r"\b(?:compensation|compensate|compensated|restitution|recovered funds?|fund recovery)\b" + _S +
    r"{0,60}\bvictims? of (?:the )?" + _FRAUD + r"|\bvictims? of (?:the )?" + _FRAUD + _S +
    r"{0,60}\b(?:compensation|compensated|restitution)\b|"
    # (to the reader or to someone the writer does not know yet: "donate this fund to a God-fearing person")
    r"\bdonat(?:e|ing)\b (?:this|the|my|these|our|all|part of (?:the|this|my)) (?:fund|funds|money|sum|inheritance|"
    r"estate|wealth|fortune|amount)\b" + _S + r"{0,40}?\bto (?:you|a|an|any|someone|somebody)\b|"
    r"\b(?:deposited|lodged|bequeathed)\b(?: [\w-]+){0,4}? the sum of\b|"
    r"\byour (?:[\w-]+ )?airdrop\b|\bairdrop (?:reward|bonus|allocation|claim)s?\b|\bpending withdrawal\b|"
    # (a release signed in the reader's favour; a stranger's money left "before his death")
    r"\b(?:signed|released|issued|approved|made out|endorsed) in your favou?r\b|"
    r"\bbefore (?:his|her) (?:death|demise|passing)\b|"
    # (贵公司可得 30%, 您可分得 40%: the share offered; an over-invoiced contract's sum, 多报的合同款)
    r"(?:贵公司|贵司|您|你|阁下)(?:可|将|能)?(?:得|获得|分得|得到|拿到|占)\s?\d{1,2}\s?%|多报的?(?:合同)?款|"
    # (the reader's share, not the writer's own commission: 我们按成交额获得 5% 的佣金)
    r"(?:贷款|额度|借款|授信|经营贷)[^。！？\n]{0,15}?(?:预审|审批|审核)(?:已)?通过|"
    # a share of the money promised to the reader in Chinese (您可以保留其中30%作为报酬, 贵公司可获得总额 25% 的报酬)
    r"(?:贵公司|贵司|您|你|阁下)(?:可以|可|将|能)?[^。！？\n]{0,4}?(?:获得|保留|得到|分得|拿到)[^。！？\n]{0,12}?"
    r"\d{1,2}\s?%[^。！？\n]{0,8}?(?:报酬|酬劳|酬金|佣金|好处费)|"
    # a prize's rank drawn for the reader (阁下获得二等奖)
    r"(?:您|你|阁下)(?:的)?" + _S + r"{0,20}?获得(?:了)?[一二三四五六七八九十特头]等奖|"
    # invoices made out for someone else's trade, offered (可代开各地增值税专用发票: the tax fraud's offer; the tax
    # office's own 代开 is a service named, not offered)
    r"(?:可|能|专业|长期|优惠|低价)(?:对外|为您|为贵司|帮忙)?代开|代开(?:各|全国|增值税|专用|普通|正规|真票)[^，。！？\n]{0,12}?发票")
# a congratulation and, within a paragraph, what it is for (its own pattern: it reaches far, and
# starting with a literal word it is found fast in the whole text)
_CONGRATS = re.compile(r"\bcongratulations\b[\s\S]{0,250}?"
                       r"\b(?:won|winner|selected|chosen|prize|reward|award(?:ed)?|approved)\b")
_FAST_PUBLICATION = (r"\b(?:published|publication|accepted|acceptance)(?: online)? (?:with)?in "
                     r"(?:\d{1,2}|one|two|three|five|seven) (?:days?|hours?|working days?)\b")
FAST_PUBLICATION = re.compile(_FAST_PUBLICATION)
_RETURNS = re.compile(
    r"\bguaranteed? (?:\w{1,20} ){0,2}(?:returns?|profits?|income|payouts?|interest|yields?|roi)\b|"
    # (the stake said safe: "your principal is fully guaranteed", 本金保障)
    r"\b(?:principal|capital|investment|deposit)s? (?:is |are |will be )?(?:fully |100% )?(?:guaranteed|protected|"
    r"insured)\b|"
    # an outcome sold as certain: a paper accepted, indexed or published, a grant funded (the paper mill's and the
    # predatory conference's offer: "GUARANTEED published in Scopus", 北大核心包录用)
    r"\bguaranteed? (?:\w{1,20} ){0,2}(?:publication|acceptance|indexing|funding)\b|"
    r"\bguaranteed (?:to be )?(?:published|accepted|indexed|funded)\b|"
    # (or as fast as no review allows: "Manuscripts are published within 7 days after acceptance", "rapid publication
    # within 72 hours"; a real journal's review takes weeks before any acceptance)
    + _FAST_PUBLICATION + "|"
    r"包录用|保录用|包发表|保发表|包检索|保检索|包见刊|"
    # a guaranteed yearly rate ("a guaranteed 18% per annum"; a bank's fixed rate says so too, and
    # stays low: it is one signal, with no channel, fee or ask beside it)
    r"\bguaranteed? (?:an? )?\d{1,3}(?:\.\d{1,2})?\s?% (?:per annum|per year|a year|p\.a\.|pa\b|annually|yearly)|"
    r"\b(?:returns?|profits?|income) (?:are |is )?guaranteed\b|"
    r"\brisk[- ]free (?:returns?|profits?|investment|income|opportunity|transaction)|\b100% risk[- ]free\b|"
    r"\bcapital (?:protected|guaranteed|protection)\b|\bdouble your (?:money|investment|capital)|"
    r"\b\d{1,6}(?:\.\d{1,4})?\s?% (?:daily|weekly|monthly|per day|a day|per week|a week|per month|a month)\b|"
    r"\bearn (?:up to )?(?:[$€£]|usd ?)?\d[\d,]{0,12}(?:\s?(?:-|–|to)\s?(?:[$€£]|usd ?)?\d[\d,]{0,12})?"
    r"(?: ?(?:usdt|usd|dollars?|rmb|sgd|hkd|eur|gbp))? (?:per|a|every) (?:day|week)\b|\bpassive income\b|"
    r"\b(?:receive|get) (?:back )?double (?:the amount|back|your (?:money|deposit|investment|coins?))\b|"
    r"\bdouble (?:the amount|it) back\b|"
    r"\bcommissions? of \d|"
    # a job's pay promised by the day ("Daily income: USD 200-500", the task scam's bait)
    r"\b(?:daily|weekly) (?:income|earnings|pay|salary|commission)\b[^.\n]{0,6}?(?:[$€£]|usd ?|rmb ?)?\d|"
    # money multiplied, said to be certain: "I made 10x in three months, it is guaranteed, no risk"
    r"\b\d{1,3}(?:\.\d)?\s?(?:x|times|fold)\b" + _S + r"{0,60}\b(?:guaranteed|no risk|zero risk|risk[- ]free)\b|"
    r"\b(?:guaranteed|no risk|zero risk|risk[- ]free)\b" + _S + r"{0,60}\b\d{1,3}(?:\.\d)?\s?(?:x|times|fold)\b|"
    r"保本|保息|稳赚|零风险|无风险|高额回报|高回报|高收益|[日周月]均?收益|日结|躺赚|秒返|翻倍|"
    r"(?:一天|每天|每日|一周|每周|一个月|每月)\s{0,3}(?:轻松|就能|就可以|可以|能|稳)?\s{0,3}(?:赚|挣)\s{0,3}"
    r"(?:hk\$|us\$|\$|¥|￥|rmb|人民币)?\s?[\d一二三四五六七八九十百千万两]|连本带利|"
    r"(?:收益|回报|返现|返利|返佣|佣金)率?\s{0,3}(?:高达|达|约|为|超过|超|高于|逾|稳定在|保持在|可达|稳定|最高)?\s{0,3}"
    r"\d{1,9}(?:\.\d{1,4})?\s{0,3}"
    r"(?:%|元|块)|"
    # the stock-tips group (荐股): picks promised to a group one is invited to
    r"牛股|荐股|带单|喊单|(?:日|月)(?:赚|挣)\s{0,3}\d|"
    # (the "giveaway" that sends back double what it is sent: 转入 USDT 即返还双倍)
    r"返还双倍|双倍返还|返还两倍|(?:自动)?返(?:还)?(?:双倍|两倍)")
_NO_PROMISE = re.compile(r"(?:\bno|\bnot|\bnever|\bwithout|不保证|不承诺|不代表|无法保证|并非|并不)" + _S + r"{0,12}$")
# a rate charged, not promised ("late payments incur 1.5% per month", 逾期利息每日0.05%)
# (or a loan's rate: "invoice financing loans to SMEs at a rate of 1.5% per month", "Invoice financing at 1.5% per
# month", 贷款月息)
_CHARGED = re.compile(r"(?:\blate\b|\bpenalt|\boverdue\b|\bincur|\bcharge[ds]?\b|\bapr\b|\bloans?\b|\bfinancing\b|"
                      r"\bborrow\w*|"
                      r"利率|利息|月息|日息|"
                      r"逾期|滞纳|罚息)" + _S + r"{0,30}$")
_FEE = re.compile(
    r"\b(?:processing|handling|clearance|delivery|shipping|transfer|release|activation|verification|insurance|tax|"
    r"settlement|withdrawal|"
    r"customs|administration|admin|registration|courier|redelivery|certificate|legal|service|unlock|unlocking|"
    r"tender|bid|bidding|visa|permit|immigration|"
    r"upfront|up-front|advance|recovery|filing|compliance|reinstatement|underwriting|inspection|"
    r"notary|notarization|notarisation|stamp|gas|unfreezing|unfreeze|conversion|regularisation|regularization|"
    r"rectification|re-?booking|opening|case|evaluation|accreditation|authori[sz]ation|biometrics?)"
    # (one word may stand inside the name: "Fund Release Order fee", "legal documentation fee")
    r"(?: and (?:[\w-]+ ){0,2}?[\w-]+| [\w-]+)? (?:bond )?(?:fee|charge|deposit|premium|cost|bond)s?\b|"
    # the certificates a stranger's box or fund is said to wait for ("Non-Inspection Certificate", "Anti-Terrorism
    # and Money Laundering Clearance Certificate"); what they cost is the fee
    r"\b(?:non-inspection|anti-terrorist|anti-terrorism|anti-terror|money laundering|fund release|drug-free|"
    r"drug free)(?: [\w&-]+){0,3}? (?:certificate|order)\b|"
    # a listing in a "register" or directory billed as if ordered (LISTED's words)
    + _LISTINGS + "|"
    # (a listing's yearly price in a "free update" form's small print: "a three-year listing … at EUR 1,271 per year")
    # (or an insertion's or entry's, over the lines of a form's small print: "orders an insertion … for a minimum term
    # of three consecutive years at EUR 1,271 per year")
    r"\blisting\b[^.!?\n]{0,80}?(?:eur|usd|gbp|€|\$|£)\s?\d[\d,.]*\s?(?:per year|a year|/ ?year|per annum|annually)|"
    r"\b(?:insertion|entry in (?:the |our |a |an )?(?:[\w-]+ ){0,3}(?:register|registry|directory|database))\b"
    r"[^.!?]{0,160}?(?:eur|usd|gbp|€|\$|£)\s?\d[\d,.]*\s?(?:per\syear|a\syear|/ ?year|per\sannum|annually)|"
    # (the certificate a "buyer" requires from its own agency before the order: the fake-order scam's fee)
    r"\b(?:inspection|conformity|quality|coc|pre-?shipment) certificates?\b|"
    r"\b(?:supplier|vendor|exporter|importer|seller|manufacturer)s?(?:'s?)? (?:registration|approval|enlistment) "
    r"(?:certificate|license|licence)s?\b|"
    r"\bcertificates? of (?:registration|approval|enlistment) as an? (?:approved |registered |qualified |licensed )?"
    r"(?:supplier|vendor|contractor|exporter|importer|seller|manufacturer)\b|"
    # the task scam's top-up before a withdrawal ("a top-up to your account balance before you can withdraw")
    r"\btop(?:-| )?ups?\b" + _S + r"{0,60}\bbefore (?:you|we) (?:can )?(?:withdraw|cash out|receive)|"
    # the fake employer's kit to buy before the interview ("you must purchase the Employee Starter Kit")
    r"\bstarter kits?\b|\b(?:must|need to|are required to|are expected to|have to) (?:purchase|buy)\b" + _S +
    r"{0,60}\b(?:kits?|packs?|uniforms?|equipment|training materials?)\b|"
    r"\bshipping and handling\b|\b(?:import )?dut(?:y|ies)\b|"
    # (the invited speaker's own registration paid: no conference bills the keynote it invites)
    r"\b(?:speaker|keynote|presenter|panelist)(?:'s)? (?:registration|package|participation) "
    r"(?:fee|charge|\(|:|of|at|for)|"
    # (a sum named as the cost: "handled by our accredited agent … at a cost of USD 2,750")
    r"\bat a (?:one-time |one-off )?(?:cost|fee|charge) of (?:us\$|usd ?|\$|€|£|eur ?|gbp ?)\s?\d|"
    r"\b(?:administrative|late|overdue|customs) (?:penalty|fine)\b|\blate (?:filing|submission|lodgement) "
    r"(?:penalty|fine)\b|"
    r"\bretainer\b[^.!?\n]{0,40}?\b(?:payable|paid|due) (?:in advance|upfront|up-front)\b|"
    # (not a trade's terms: "50% deposit", "30% T/T deposit with order")
    r"\bdeposit\b(?<!%\sdeposit)(?<!%deposit)(?<!t/t deposit)(?<!\btt deposit)(?<!pct deposit)(?<!direct deposit)"
    r"(?! ?\d{1,3}\s?(?:pct|%|percent))|"
    r"垫付|手续费|保证金|激活费|解冻费|公证费|邮费|运费|税费|押金|会员费|认证费|服务费|工本费|保险费|验证费|关税|清关费|"
    r"(?:需先|须先|必须先|要先|先行|先)(?:缴纳|交纳|缴|交|支付|付)[^，。！？\n]{0,10}?费|"
    # a loan's "capital check" (验资), a task platform's top-up first (先充值), a job's fees before it starts
    r"验资|(?:需先|须先|必须先|要先|先)(?:充值|垫资)|培训费|工装费|服装费|体检费|资料费|保管金|"
    # (a card or a parcel's fees before it is sent: 快递保价费, 海关申报费, 制卡费)
    r"(?:保价|申报|寄送|邮寄|制卡|开卡)费|"
    # (a prize's tax paid first, not the yearly filing: 个人所得税综合所得汇算清缴, the 个人所得税 app)
    r"个人所得税(?![\s”\"」』]{0,2}(?:[(（][^)）\n]{0,6}[)）]\s?)?(?:综合所得|汇算|app|申报|年度|专项))|(?:个人)?偶然所得税|"
    r"派送费|派递费|改派费|(?<!退)税款|税项|滞纳金|开户费|开户管理费|账户管理费|审查费|审核费|评估费|延期费|年费|版面费|刊登费|授权费|"
    r"嘉宾会务费|"
    # (the platform's deposit the investment scam asks: 最低入金5万)
    r"(?:最低|首次|首笔)?入金|"
    r"(?:检测|检查|巡查|复核|年检)费|(?:巡查|检查|检测)及处理费|"
    # the "safe account" the reader's money is to be moved to (资金转入监管账户进行核验)
    # (not the escrow a deposit on a home is paid into: 存入资金监管账户)
    r"(?:转入|转至|转到|汇入|转移到?)[^，。！？\n]{0,8}?(?<!资金)(?:监管|安全|专用|清查|核查|审查|保护)(?:账户|帐户)|"
    r"\b(?:move|transfer|send|wire)\w* (?:your |the |all )?(?:\w+ ){0,2}(?:funds|money|balance|savings) "
    r"(?:in)?to (?:a |an |the )?(?:new )?(?:safe|safety|holding) account\b|"
    # a cost with its sum (签约前须完成认证，费用 8,800 元; 缴纳评审及公示费 6,800 元): the tie and the
    # payment beside it decide
    r"费用(?:为|是|共|合计|总计)?\s?[:：]?\s?(?:人民币|rmb|¥|￥)?\s?\d|"
    # an award's fees (评审及公示费, 评选费用): what a fake award asks before the plaque
    r"(?:评审|公示|评选|入选|证书|牌匾|授牌)(?:及|和|、)?(?:评审|公示|评选|入选|证书|牌匾|授牌|宣传)?(?:服务)?费")
_FEE_TIE = re.compile(
    r"\b(?:claim|release|receive|collect|unlock|activat|re-?activat|reinstat|redeem|deliver|ship|mail|process|transfer|"
    r"credit)\w*|"
    # (a prize's: 奖品价值超过800元需由获奖人缴纳个人所得税)
    r"奖品|获奖|中奖|领奖|兑奖|"
    r"\breturn(?:s|ed|ing)? (?:all |in full )?(?:your|the) (?:lost |stolen )?(?:funds|money|assets)\b|"
    r"\b(?:payable|paid) to the (?:courier|agent|delivery company|shipping company)\b|"
    r"\bbefore (?:we|the|you|it|i)\b|\bin order to\b|"
    r"\bbefore (?:the |any )?(?:disbursement|disbursal|payout|release of (?:the |your )?(?:funds|loan))\b|"
    # (the recovery scam's: "we can recover up to 90% of the assets")
    r"\brecover(?:y|ed|ing)?\b[^.!?\n]{0,40}?\b(?:funds|money|assets|losses|crypto\w*)\b|"
    r"\b(?:payable|paid|due) (?:in advance|upfront|up-front)\b|"
    # (a fee asked of a job's candidate, repaid "on your first payslip"; of the keynote a conference invites; of the
    # author a journal publishes "within 7 days")
    r"\b(?:payslip|first salary|first paycheck|recruit(?:er|ers|ment|ing)|candidates?|job offer|your application|"
    r"onboarding)\b|\b(?:invite|invitation|invited)\b[^.!?\n]{0,60}?\b(?:keynote|speaker|plenary|panelist)\b|"
    # (the small print of a listing's or a search-engine "renewal" offer: "This notice is not a bill. This is an offer")
    r"\bnot an? bill\b[^!?\n]{0,80}?\b(?:offer|solicitation)\b|\bthis is an? solicitation\b|"
    + _FAST_PUBLICATION + "|"
    r"\b(?:customs|parcel|package|shipment)\b|"
    # goods held until it is paid (the container "held at the port and seized if payment is not received")
    r"\b(?:container|cargo|goods|consignment)s? (?:is |are |will be |has been |have been )?(?:held|detained|seized|"
    r"impounded|on hold)\b|\bseized\b|扣留|扣押|滞留|退运|"
    # (a parcel that could not be delivered: 您的郵件未能派遞，請繳付重新派遞費)
    r"(?:未能|无法|不能)(?:派递|派送|投递|配送)|(?:派送|派递|投递)失败|重新(?:派送|派递|投递)|"
    r"\bprior to (?:the )?release\b|"
    r"\bwithdraw\w*|\bto avoid (?:a |the )?(?:warrant|prosecution|arrest|court)\b|\bdebt collect\w*|"
    # (a status kept or a place held by paying: "to avoid suspension of your accredited status", "to confirm your
    # inclusion, a publication fee applies"; 如…未回复异议，视为同意刊登)
    r"\bto avoid (?:the )?(?:suspension|removal|cancellation|delisting|deregistration|revocation)\b|"
    r"\bto (?:confirm|secure|reserve) your (?:speaking |speaker )?(?:inclusion|place|listing|award|nomination|slot)\b|"
    r"以确认(?:入选|资格)|(?:主题演讲|主旨演讲|特邀)嘉宾|\bto confirm (?:your )?participation\b|"
    # (the buyer's own testing company or lab: "the testing company we work with in Lagos")
    r"\b(?:lab|laboratory|testing company|test centre|test center|agency|inspector|lawyer|notary) (?:that )?we "
    r"(?:work|cooperate) with\b|"
    r"(?:未回复|未提出|无)异议[^。！？\n]{0,12}?视为(?:确认)?同意|"
    r"\bcollection agency\b|\bcollections? agents?\b|\blisting\b|\bsign(?:ing|ed)? and return\w*\b|名录|"
    r"\bby signing (?:and returning )?(?:this|the) (?:form|document)\b|\b(?:western union|moneygram)\b|"
    # (the register's order signed: "By signing below, the undersigned orders an entry", "return the signed form";
    # an entry or an inclusion in it, as a listing)
    r"\bby signing (?:below|here)\b|\bthe undersigned\b|\breturn (?:the |this )?signed (?:form|page|document)\b|"
    r"\b(?:inclusion|entry) (?:in|into|on) (?:the |our |a |an |their )?(?:[\w-]+ ){0,3}(?:register|registry|directory|"
    r"database|data base)\b|"
    r"\bprivate (?:register|registry|database|directory)\b|"

    # (a register's own publication billed; a fee into a named person's account: the fake tender's officer)
    r"\b(?:world|worldwide|international|global|universal)\b[^.!?\n]{0,40}?"
    r"(?:intellectual property|trade ?marks?|patents?)(?: (?:&|and) (?:trade ?marks?|patents?))? "
    r"(?:register|registry)\b|"
    r"\bworld (?:intellectual property|trade ?marks?|patents?)(?: (?:&|and) (?:trade ?marks?|patents?))? agency\b|"
    r"\baccount of (?:our |the |their )?(?:[\w-]+ ){0,2}(?:officer|secretary|agent|mr\.?|mrs\.?|ms\.?|dr\.?|madam|sir)"
    r"(?![\w-])|"
    r"\bto (?:our|their|the|his|her) (?:[\w-]+ )?(?:agent|agency)\b|"
    # (the buyer's own agent who "handles the registration for all our suppliers")
    r"\b(?:our|their) (?:[\w-]+ )?agent (?:in|at|handles|will|who|does)\b|"
    # (the award's or the supplier list's entry: 参评, 入围; a person's own account as the payee ties a fee too:
    # rules.scam_signals.personal_payee, which reads its negations)
    r"参评|入围|入库|签章回传|签字盖章后回传|回传即视为|"
    # (a buyer's own agency, the only one it accepts; a fee before the deposit or the order)
    r"\b(?:designated|accredited|appointed|nominated|only accepted|only approved|sole|exclusive) (?:\w+ )?"
    r"(?:agent|agency|"
    r"inspector|bureau|laborator(?:y|ies)|lab|company|consultant)\b|"
    r"\bbefore (?:the |any |our |we (?:can )?(?:place|issue|release|send) (?:the |our )?)?(?:deposit|po|purchase order|"
    r"order|contract|lc|l/c|letter of credit)\b|"
    r"\b(?:clear|remove|lift|reset|waive)\w* (?:the |your |all )?(?:penalt\w*|restrictions?|suspension|freeze|hold)\b|"
    r"\bunfreez\w*|\bfrozen\b|"
    # (a deposit from someone taking a job: what China's labour law forbids an employer to ask; a sum "before" a step)
    r"兼职|招聘|录用|接稿|接单|前(?:须|需|必须|要)(?:先)?(?:支付|缴纳|缴|交|付)|"
    r"\bsettlement\b|监管账户|监管帐户|"
    r"以下(?:对公|对私|个人)?账户|下列账户|个人账户|专用账户|专用帐户|返还本金|先(?:交|缴|付|支付|转|充|汇)|"
    r"先(?:向|往|到)?(?:指定|对方|以下)?(?:的)?(?:账户|帐户|账号)?(?:存入|转入|汇入)|放款时|一并退还|才能|方可|即可|领取|领奖|到账|解冻|提现|激活|发货|办理|派送|配送|投递|寄送|放行|清关|签收|包裹|退回|"
    # (a loan's 放款前; a fee to a third party the other side names: the buyer's "designated"
    # inspector, not a supplier's 下单前 tooling fee)
    r"(?:入职|上岗|面试)(?:之)?前|岗前|入职满|下方账户|下面账户|"
    r"放款(?:之)?前|(?:认证|审核|验证|注册|验厂)(?:通过|完成)后|指定的?(?:第三方|机构|代理|中介|检测机构|认证机构)")
_PAY = re.compile(r"\b(?:pay|paid|payable|payment|cover|send|transfer|remit|wire|required|applies|settle)\w*|"
                  r"\btop(?:-| )?ups?\b|\b(?:charges?|fees?|amount|total|balance) (?:is |are )?(?:now )?due\b|"
                  r"\b(?:eur|usd|gbp|€|\$|£)\s?\d[\d,.]* (?:per|a) (?:year|annum)\b|" + _YEARLY_PRICE + "|"
                  # (a fee with its sum: "fee of USD 1,850", "Fee is RMB 23,600", "which cost $385", "for US$ 450",
                  # 培训费及工装押金1,680元; not a price, 运费20元)
                  r"\b(?:fee|charge|cost|price)s?(?:,? (?:is |are |of )?| ?[:：] ?)"
                  r"(?:about |around |approximately |approx\.? |only |just )?"
                  r"(?:us\$|usd ?|\$|€|£|hk\$|rmb ?|sgd ?|s\$|eur ?|gbp ?)\s?\d|"
                  r"\binvoiced\s(?:yearly\s|annually\s)?in\sadvance\b|"
                  # (the reader's side to bear it: "the cost is the supplier's responsibility", 需供货方承担)
                  r"\b(?:is|are) (?:the )?(?:supplier|seller|vendor|manufacturer|exporter)'?s? responsibility\b|"
                  r"\bborne by (?:the )?(?:supplier|seller|vendor|manufacturer|exporter|you)\b|"
                  r"(?:需|须|由|应由)(?:供货方|供应商|供方|卖方|贵司|贵方|贵公司)(?:自行)?(?:承担|支付|负担)|"
                  # (the sum in brackets: "the speaker registration (USD 690)")
                  r"\b(?:registration|fee|charge)s? \((?:us\$|usd ?|\$|€|£|hk\$|rmb ?|sgd ?|s\$|eur ?|gbp ?|cad ?|"
                  r"aud ?)\s?\d|"
                  r"\bcosts? (?:of )?(?:us\$|usd ?|\$|€|£|hk\$|rmb ?|sgd ?|s\$)\s?\d|"
                  r"\bfor (?:us\$|usd|\$|€|£|hk\$|rmb|sgd|s\$)\s?\d|"
                  r"\b(?:must|should|needs? to|has to|is to) be deposited\b|"
                  r"(?:押金|保证金|培训费|工装费|服装费|体检费|手续费|刊登费|授权费|版面费|年费|评审费|注册费)(?:用)?(?:为|是)?\s?[:：]?\s?"
                  r"(?:人民币|rmb|¥|￥|hk\$|us\$|\$)?\s?"
                  r"\d[\d,]*(?:\.\d+)?\s?"
                  r"(?:元|块|港币|港元|美元)|"
                  # (交 and 转 as paying: 交钱, 先交, 转账, 转给; not 交易, 转发, 转告)
                  r"缴纳|交纳|支付|缴|付|转(?=账|款|钱|给|到|入|至|过去|[\d一二三四五六七八九十])|"
                  r"交(?=钱|费|款|押金|保证金|税|给|到|[\d一二三四五六七八九十])|(?<=先)[交转]|汇入|汇款|汇至|汇到|存入")
_UNTRACEABLE = re.compile(
    r"\b(?:gift ?cards?|itunes cards?|google play cards?|steam cards?|apple cards?)\b[\s\S]{0,200}?"
    r"\b(?:codes?|pictures?|photos?|scratch\w*)\b|"
    r"\b(?:pay|paid|payable|payment|buy|purchase|get|pick up|grab|order|via|through|send|sent|transfer\w{0,3}|remit|"
    r"accept|accepts|accepted|"
    r"wire|scratch|deposit\w{0,4}|start with|invest|stake|"
    r"top(?:ping)? ?up)\b" + _S +
    r"{0,60}\b(?:gift ?cards?|itunes|google play|steam (?:cards?|wallet)|bitcoin|btc|usdt|"
    r"crypto(?:currency|currencies|s)?|western union|moneygram)\b|"
    r"\b(?:gift ?cards?|itunes|google play|bitcoin|btc|usdt|western union|moneygram)\b" + _S +
    r"{0,60}\b(?:codes?|pay|payable|payment)\b|"
    r"(?:比特币|(?<![a-z0-9_])usdt|(?<![a-z0-9_])btc)(?:钱包)?地址|"
    # (an appeal "accepting donations only in cryptocurrency"; not a payment provider's "accepting crypto payments")
    r"\baccepting (?:\w+ ){0,2}only (?:in |via |by |as )?(?:crypto(?:currency|currencies|s)?|bitcoin|btc|usdt)\b|"
    # (把价值 8,000 元的 USDT（TRC20）转到以下地址)
    r"(?:比特币|(?<![a-z0-9_])usdt(?![a-z0-9_])|(?<![a-z0-9_])btc(?![a-z0-9_]))[^。！？\n]{0,20}?"
    r"(?:转到|转入|打到|发到|转至|汇到)|"
    r"(?:购买|买|充值|转|支付|付款|汇)" + _S +
    r"{0,20}(?:购物卡|礼品卡|(?<![a-z0-9_])e卡|充值卡|点卡|比特币|(?<![a-z0-9_])usdt(?![a-z0-9_])|虚拟币)|"
    # 急需京东E卡，你先帮我买 10 张; 把卡号和卡密拍照发我: the card named first, then bought for the
    # writer or its codes asked for (a supplier's "卡密清单见附件" or a welfare notice asks nothing)
    r"(?:购物卡|礼品卡|(?<![a-z0-9_])e卡|充值卡|点卡)[^。！？\n]{0,30}?(?:帮我|替我|给我|先|去|马上|立即|赶紧)(?:帮我)?"
    r"(?:购买|买)|"
    r"(?:购物卡|礼品卡|(?<![a-z0-9_])e卡|充值卡|点卡)[\s\S]{0,120}?(?:卡密|兑换码|券码)[^。！？\n]{0,20}?"
    r"(?:拍照|拍给|发我|发给我|发到我|发过来|告诉我|给我)|"
    # money moved to a "safe" account: the police and bank impersonation ask
    # (not a "secure account" to sign in to, nor 监管账户, an escrow account for a house)
    r"\b(?:safe|safety) (?:bank )?account\b|\bsecure holding account\b|安全(?:账户|帐户|账号)|"
    # (money asked to a changed account is a diversion: _DIVERSION, below)
    # money moved by the reader at an ATM "to cancel an instalment" (the Taiwan refund scam)
    r"(?<![a-z0-9_])atm(?![a-z0-9_])[^，。！？!?.\n]{0,12}?(?:操作|解除|取消|设定|设置)|"
    r"(?:解除|取消)(?:分期|自动扣款|重复扣款|扣款)|"
    r"\batm\b[^.!?\n]{0,80}?\b(?:cancel|refund|instal?lment|reverse|unlock)|"
    r"\b(?:cancel|refund|instal?lment|reverse|unlock)\w*\b[^.!?\n]{0,80}?\batm\b|"
    # a fine to be paid into an account (the fake regulator: 请于三日内将罚锾汇入以下专户)
    r"(?:罚款|罚锾|罚金)[^。！？\n]{0,20}?(?:汇入|转入|汇至|转至|存入|缴入)[^。！？\n]{0,10}?(?:账户|帐户|账号|帐号|专户|户口)|"
    r"\b(?:fine|penalty)\b[^.!?\n]{0,40}?\b(?:to|into) (?:the|this|our|an?) (?:\w+ ){0,2}account\b|"
    # money moved into an account for an investigation (the police impersonation ask: 配合资金清查，将名下
    #资金转移至监管账户)
    r"(?:清查|核查|审查|调查|案件|办案|涉嫌)[^。！？\n]{0,60}?(?:转移|转入|转至|存入|汇入)[^。！？\n]{0,15}?(?:账户|帐户)")
# money asked to a changed account: the payment-diversion ask (the costliest scam there is; a
# supplier's genuine change is what a reviewer should check by phone anyway). Weighs more than
# another fee (rules.scams.WEIGHTS) on mail from outside.
# the space between two words of a branch whose anchor is a phrase ("subsidiary account"): one space, as the
# keyword scan reads the phrase (a line wrapped inside the phrase is not read: the anchor would not be seen)
_GAP = " "
# a sentence's characters, its lines wrapped anywhere but not past a blank line. The three alternatives are
# disjoint: a CR that both "[^.!?\n]" and "\r?\n" could take gave every CR LF two ways to match, and text of
# "refund\r\nX" repeated took 158 s (a review found it; the older branch it was copied from took 25 s)
_LINE_GAP = r"(?:[^.!?\r\n]|\r?\n(?![ \t]*\r?\n)|\r(?!\n))"
_DIVERSION = re.compile(
    r"\b(?:new|updated|changed|different|alternative|alternate|temporary) (?:(?:bank|banking|payment|receiving) "
    r"account|(?:bank|banking|payment|remittance|account) details)\b|"
    # ("updated our banking terms" is no account: the account, the details, or the bank moved to)
    r"\b(?:changed|updated|switched|moved) (?:our|my|its) (?:receiving |beneficiary |remittance )?"
    r"(?:bank(?:ing)? (?:account|details)|bank(?:ing)?(?=\s*(?:[;,.]|to\b|with\b|for\b|provider\b|because\b|due\b|"
    r"since\b|as\b|$))|"
    r"payment (?:account|details|information)|account (?:details|number)|"
    r"(?:receiving|beneficiary|remittance|collection|settlement) account)\b|"
    r"\b(?:our|my) (?:bank|banking|payment|account) details (?:have|has) (?:been )?(?:changed|updated)\b|"
    # (the old account said closed, the new one to be used: "Our previous bank account is closed, kindly use the new
    # one")
    r"\b(?:previous|old|former|usual|existing) (?:bank |banking |receiving |beneficiary )?"
    r"account (?:is|was|has been) closed\b|"
    r"\bour (?:[\w-]+ )?(?:bank |banking )?account (?:is|was|has been) (?:closed|deactivated)\b"
    r"[^.!?\n]{0,80}?\b(?:pay|payment|payments|remit|transfer|send|wire|invoice)\b|"
    # ("we have changed banks", "payments for invoice 4471 must now go to:")
    r"\b(?:changed|switched) banks\b|"
    # ("our company has moved its USD collections to the account below")
    r"\b(?:moved|transferred|switched|changed) (?:our|its|their|my) (?:[\w-]+ ){0,2}(?:collections?|receivables?|"
    r"remittances?|payments?) to (?:the|a|our|this|its) (?:new |following |below )?(?:account|bank)\b|"
    r"\b(?:payments?|remittances?|transfers?|funds)\b[^.!?\n]{0,40}?"
    r"\b(?:must|should|will|are to) now (?:go|be (?:made|sent|paid|remitted|wired|transferred|directed)) (?:to|into)\b|"
    # ("our account has moved to Revolut")
    r"\b(?:our|my) (?:bank |banking |receiving )?account (?:has|have) (?:moved|been moved|switched|changed) to\b|"
    # (money moved there: "log in to the new account" is a login)
    r"\b(?:pay|paid|payments?|remit\w*|send|transfer\w*|wire|deposit\w*|funds?|money|amount|invoices?)\b"
    r"(?:[^.!?\n]|\.(?=\d)){0,40}?\b(?:to|into|in) (?:our|the|this|my) "
    r"(?:new|updated|changed|different|alternative|alternate|temporary) account\b|"
    r"\bopened a new (?:\w+ ){0,2}account\b(?! (?:manager|executive|rep|team|portal|login))|"
    # our new collection / premium / HKD account (not a new account manager or login)
    r"\b(?:our|my) new (?:[\w-]+ ){0,2}account\b(?! (?:manager|executive|rep|representative|team|portal|login|"
    r"number format|opening))|"
    # (a bank account, not a login: 更改账号密码, 变更账号绑定的手机)
    r"(?:更换|变更|更改)(?:了)?(?:公司)?(?:的)?(?:收款)?(?:银行)?(?:账户|账号|帐户|户口)"
    r"(?!密码|绑定|手机|登录|名|信息安全)|"
    r"(?:收款|银行)(?:账户|账号|帐户|户口)(?:信息)?(?:已)?(?:发生)?(?:变更|更换|更改)|"
    # (因公司账户调整，请汇入以下账户; a third company's account counted as ours: 款到即视为我司收款)
    r"(?:公司|我司)(?:的)?(?:对公|收款)?(?:账户|帐户|账号)(?:信息)?(?:调整|变动|升级)|(?:款到|到账)即?视为(?:我司|我公司|我方)收款|"
    # (the accounts moved to a new bank: "our accounts moved to our new banking partner")
    r"\b(?:accounts?|banking) (?:have |has )?(?:moved|been moved|transferred) to (?:our|a) new bank(?:ing)?\b|"
    r"(?<![更刷重创])(?:新|临时|备用)(?:的)?(?:收款)?(?:银行)?(?:账户|账号|帐户|户口)|"
    # money directed to another of "our" accounts, instead of the usual one
    # (its lines wrapped anywhere: "to our UK subsidiary\r\naccount instead")
    r"\b(?:pay|remit|transfer|direct|send|wire|refund|return)\w*\b" + _LINE_GAP + r"{0,60}?\bto" + _GAP +
    r"(?:our|the|a)" + _GAP + r"(?:[\w-]+" + _GAP + r")?(?:alternative|other|another|subsidiary|settlement|secondary|"
    r"offshore|overseas)" + _GAP + r"account\b|"
    r"\b(?:pay|remit|transfer|direct|send|wire)\w*\b(?:[^.!?\n]|\.(?=\d)){0,60}?\bto (?:our|the|a) "
    r"(?:offshore|overseas) [\w-]+ account\b|\b(?:to|with|at) (?:our|the|the group's|its|a) new bank\b|"
    r"\binstead of (?:the|our) usual (?:one|account)\b|"
    # the payroll diversion: the employee's salary to a new account or card
    r"\b(?:update|change|switch)\w* my (?:direct deposit|payroll|salary|bank)\b|\b(?:my|the) (?:salary|pay) "
    r"(?:in|to)to? (?:my|the) new (?:account|card)\b|"
    r"(?:工资|薪水|薪资|薪金)[^。！？\n]{0,15}?(?:发|打|转)(?:到|至|入)[^。！？\n]{0,6}?"
    r"(?:新|另一张|另外一张|另一个|下面|以下|这张|我爱人|我老公|我老婆|我丈夫|我妻子|我家人|我朋友|我父亲|我母亲|我妈|我爸)"
    r"(?:的)?[^。！？\n]{0,4}?(?:卡|账户|账号|银行卡|户口)|换了(?:新的?)?(?:工资卡|银行卡)|"
    # the payment re-routed (请改汇到以下账户, 这次请付到我们代理商的账户)
    r"改(?:汇|转|付|打)(?:款)?(?:到|至|入)|(?:这次|本次|此次)[^。！？\n]{0,8}?(?:付|汇|转)(?:款)?(?:到|至|入)|"
    # (the old account not to be paid any more, another company now collecting: 原账户请勿再付, 改用香港公司收款)
    r"原(?:公账|账户|帐户|账号|收款账户)[^。！？\n]{0,6}?(?:请勿|不要|停止|不再)(?:再)?(?:付|汇|转|使用|打)|"
    r"改用[^。！？\n]{0,12}?(?:收款|账户|帐户)|"
    r"(?:代理商|第三方|合作方|关联公司|合作结算|合作收款)的?(?:账户|帐户|账号)|"
    # (another company of the group to collect: 所有运费及退款统一由我司香港关联公司收取; the payee changed:
    # 变更收款主体)
    r"(?:关联公司|子公司|母公司|姐妹公司|兄弟公司|香港公司|海外公司)[^。！？\n]{0,6}?(?:收取|收款|代收)|"
    r"(?:变更|更换|更改)收款(?:主体|单位|公司|抬头|人)|"
    # ("all freight payments … shall be remitted to our affiliate company")
    r"\b(?:payments?|remittances?|invoices?|freight)\b[^.!?\n]{0,60}?\b(?:shall|should|must|will|are to|is to) "
    r"(?:now |henceforth |from now on )?be (?:remitted|paid|made|sent|transferred|wired|settled) to (?:our|the|its) "
    r"(?:(?:affiliate|sister|subsidiary|parent|associated|related|holding)(?: company| entity| firm)?|"
    r"group (?:company|entity|firm))\b|"
    # (the payee's bank said changed: "due to a change in our settlement bank", details "no longer valid")
    r"\b(?:change|changes|changed) (?:in|of|to) (?:our|its|the) (?:settlement |receiving |remittance |collection )?"
    r"bank(?:ing)?(?: details| account| partner)?\b|"
    # (not 请勿转入任何个人账户: rules.scam_signals reads the word before)
    r"(?:汇入|转入|打入|付至|汇至|转至|转到|打到|汇到|付到|退到|退至|退入|退回到|退回至|退还到|退还至)[^，。！？\n]{0,8}?"
    r"(?:个人|私人)(?:账户|帐户|账号|银行卡|卡|户)|"
    # (or to a person named by role, the company's own or the family's: 先转入我部负责人账户, 直接汇入患儿父亲账户)
    r"(?:汇入|转入|打入|付至|汇至|转至|转到|打到|汇到|付到)(?:我部|我司|我们|我方|公司|本部)?(?:的)?"
    r"(?:负责人|经理|总经理|老板|财务|会计|出纳|法人|业务员|父亲|母亲|家属|家长|爸爸|妈妈)(?:的)?(?:个人)?"
    r"(?:账户|帐户|账号|银行卡|卡)|"
    # (a refund sent on to someone else's account: "kindly send the refund to our logistics partner's account")
    r"\b(?:refund|return|send|remit|transfer|pay|wire)\w*\b[^.!?\n]{0,60}?\bto (?:our|the|a|my) (?:[\w-]+ ){0,2}"
    r"(?:partner|agent|forwarder|affiliate|associate|third[- ]party)'?s? (?:bank )?account\b|"
    # (a refund sent to a relative's or a friend's account: "please send to my sister account in Malaysia",
    # 退到我朋友的账户)
    r"\b(?:refund|return|send|remit|transfer|pay|wire)\w*\b[^.!?\n]{0,40}?\bto (?:my|our|his|her) (?:[\w-]+ )?"
    r"(?:sister|brother|friend|cousin|relative|wife|husband|mother|father|son|daughter|uncle|aunt|nephew|niece)"
    r"(?:'s|s)? (?:bank )?account\b|"
    r"(?:退到|退至|退入|退回到|退回至|转到|转至|汇到|汇至|打到|退给|转给|汇给|打给)(?:我|他|她)(?:的)?(?:朋友|亲戚|"
    r"姐姐|妹妹|哥哥|弟弟|表哥|表姐|表弟|表妹|舅舅|叔叔|阿姨|同事|老乡|老公|老婆|丈夫|妻子)(?:的|那里|那儿)?"
    r"[^。！？\n]{0,8}?(?:账户|帐户|账号|银行卡|卡号|卡)|"
    r"\b(?:refund|return|send|remit|transfer|pay|wire)\w*\b[^.!?\n]{0,40}?\bto my (?:sister|brother|friend|cousin|"
    r"wife|husband|mother|father|son|daughter|uncle|aunt|partner)\b[^.!?\n]{0,10}?[.,;:]?\s{0,3}(?:his|her|their) "
    r"(?:bank(?: details| account)?|details|account|iban)\b|"
    # (a refund that "should go to our logistics partner"; "send back the CNY 18,400 to our Alipay or WeChat account")
    r"\brefund (?:should|must|needs to|can|is to|will need to)" + _GAP + r"(?:go|be sent|be paid|be transferred|"
    r"be wired|be made)" + _GAP + r"to" + _GAP + r"(?:our|my|the|a)" + _GAP + r"(?:[\w-]+" + _GAP + r"){0,2}"
    r"(?:partner|agent|forwarder|affiliate|associate|supplier|representative)\b|"
    r"\b(?:send|refund|return|transfer|pay)\w* (?:it |them |the \w+ )?back\b[^.!?\n]{0,40}?\bto (?:our|my) "
    r"(?:alipay|wechat|paypal|wise|venmo|cash ?app)\b|"
    # (the excess of a transfer said doubled, sent on to an account it names: 多转的…直接转到婚庆公司账户)
    # (not back the way it came, to the reader's own account: 原路退回至贵司付款账户)
    r"(?:多转|多付|多汇|多出)(?:[^。！？\n]|\n(?!\s*\n)){0,40}?(?<!原路)(?:转到|退到|汇到|打到|付到|退至|转至|退回到|退回至)"
    r"(?!原|我司原|我们的?原|贵司|贵公司|您|你)[^，。！？\n]{0,12}?(?:账户|帐户|账号)|"
    # (a regulator's or an insurer's fee paid to a private "collection partner")
    # (not a debt "handed to our collection agency": the dunning letter's threat, rules.scam_words' pressure)
    r"\b(?:pay|paid|transfer|remit|wire|send)\w*\b[^.!?\n]{0,60}?(?<!handed )(?<!passed )(?<!referred )(?<!over )"
    r"(?<!sent )(?<!turned )\bto (?:our|the|its) (?:\w+ )?(?:collection|collecting) (?:partner|agent|agency|account)\b|"
    # (the excess of an overpaid cheque wired on to a third party: "wire the difference to our agent in Ghana")
    r"\b(?:wire|send|remit|transfer|refund|return|pay)\w* (?:back )?(?:the )?"
    r"(?:difference|excess|surplus|overpaid amount)\b[^.!?\n]{0,60}?\bto (?:our|my|the|a|an|his|their) "
    r"(?:[\w-]+ ){0,2}(?:agent|partner|forwarder|shipper|driver|associate|representative|friend|supplier)\b|"
    r"\b(?:to|into) (?:my|his|her|a|the \w+'s) (?:own )?personal (?:bank )?account\b|"
    # (a refund sent to another company of the group: "send to our mother company account in Turkey"; "refund the
    # duplicate to their account", the other office that paid it)
    r"\b(?:refund|return|send|remit|transfer|pay|wire)\w*\b[^.!?\n]{0,60}?\bto (?:their|our|the) (?:[\w-]+ ){0,2}"
    r"(?:(?:mother|parent|sister|holding|group) (?:company|firm)|head office)(?:'s)? (?:[\w-]+,? ){0,3}account\b|"
    r"\b(?:refund|return|send|remit|transfer|pay|wire)\w*\b[^.!?\n]{0,60}?\bto the (?:bank )?account of "
    r"(?:our|their|the) (?:[\w-]+ ){0,2}(?:(?:mother|parent|sister|holding|group) (?:company|firm)|head office)\b|"
    r"\b(?:refund|return)(?:s|ing)?\b" + _LINE_GAP + r"{0,60}?\bto" + _GAP + r"(?:their|the" + _GAP +
    r"[\w-]+" + _GAP + r"office's)" + _GAP + r"(?:own" + _GAP +
    r")?account\b(?![^.!?\n]{0,30}?\b(?:it came from|original|as on your))")
_DATA_STRONG_WORDS = (
    "card details|(?:credit|debit) cards?|card information|expiry date|security codes?|bank (?:account )?details|"
    "bank accounts?(?: numbers?)?|account numbers?|routing numbers?|sort codes?|card numbers?|cvv|cvc|pin|"
    "passwords?|passcodes?|one-time (?:pass)?codes?|otp|verification codes?|social security|ssn|"
    "passport (?:copy|number|scan)|date of birth|login (?:details|credentials|information)|"
    "(?:a )?(?:copy|scan|photo) of your (?:id|id card|passport|identity card|driv(?:er'?s|ing) licen[cs]e)|"
    "sign-in (?:details|credentials)|credentials|apple id|"
    "(?:(?:online|internet)[- ]|e-)banking (?:login|password|credentials|details|user ?id|user list|users)|"
    "token codes?|security token|token serial numbers?|"
    "2fa codes?|user ?id and password|"
    "(?:microsoft|microsoft 365|m365|office ?365|outlook|email|e-mail|mailbox) (?:account|password|credentials)|"
    "(?:corporate|company|work) (?:password|credentials)|"
    "信用卡号|信用卡资料|信用卡信息|以信用卡|用信用卡|银行卡号|银行卡信息|银行账号|银行卡|卡号|账号密码|密码|验证码|身份证号码?|身份证照片|身份证|支付宝账号|开户行|"
    "银行资料|收款账户|银行账户|银行户口|户口资料|户口号码|登录信息|账户信息|账号信息|登录账号|网银|(?<![a-z0-9_])u盾|"
    "身分证(?:号码|字号)?|银行帐户|银行帐号|收款帐户|帐户信息|帐号信息|帐号密码")
# (a bare "address", "age" or "country" is in every signature and shipping note: asked for, they are "your")
_DATA_WEAK_WORDS = "full name|home address|your address|postal address|delivery address|phone numbers?|" \
                   "telephone numbers?|mobile numbers?|id card(?! numbers?)|your age|" \
                   "occupation|your country|country of residence|姓名|全名|住址|" \
                   "(?<!收货|送货|发货|公司|办公|平台|网站|网页|登录|邮件|邮箱|链接)(?<!服务器)地址|手机号|电话号码|年龄|职业"


def _as_words(words: str) -> str:
    """``words`` (an alternation) with each English branch bounded as the keyword scan bounds
    the anchors that open its windows (:data:`rules.alternation.ASCII_START`): a word the scan
    does not see ("passwordless", "postage") is no word here either, and one it sees beside a
    Chinese character (请提供password) is one."""
    return "|".join(f"{ASCII_START}{w}(?![a-z0-9_])" if w.isascii() else w for w in top_level_branches(words))


_DATA_STRONG = _as_words(_DATA_STRONG_WORDS)
_DATA_WEAK = _as_words(_DATA_WEAK_WORDS)
# the strong words, then the weak ones, as one alternation searched branch by branch
# (rules.alternation); which branch matched tells strong from weak
_DATA_FLAT = re.compile(f"{_DATA_STRONG}|{_DATA_WEAK}")
_DATA_STRONG_BRANCHES = len(top_level_branches(_DATA_STRONG))
# particulars asked to send something to the reader (an organiser's prize "to arrange delivery … for the courier",
# 提供收件人姓名、收件地址…以宅配寄出): where a parcel goes, not who the reader is
FOR_DELIVERY = re.compile(r"\bto arrange (?:the )?(?:delivery|shipping|shipment)\b|\bfor the courier\b|"
                          r"\b(?:we|the organi[sz]ers?) will (?:ship|send|courier|post|deliver) "
                          r"(?:it|the prize|your prize)\b|"
                          r"收件人|收件地址|收货地址|宅配|(?:以|用)?(?:快递|邮寄|顺丰)(?:方式)?寄(?:出|送)")
_ASK = re.compile(r"(?:\b(?:send|provide|reply|respond|confirm|fill|enter|update|verify|give|share|submit|include|"
                  r"furnish|forward|with your|need your|needs your|have your|will need|'ll need)\b|"
                  r"提供|发送|填写|回复|告知|输入|登记|上传|提交|发给|发我|(?:请|需要?|立即|务必|须)[^。！？\n]{0,8}?(?:验证|核验|核实)|"
                  r"补充|完善|更新|使用(?:您|你)的|使用(?:企业|公司)|用(?:您|你)的)"
                  + _S + r"{0,60}$")
# a Chinese request with 把/将 puts its verb after what it asks for: 你把银行卡号和开户行发我
_BA = re.compile(r"[把将][^。！？.!?\n]{0,30}$")
_ASK_AFTER = re.compile(r"[^。！？.!?\n]{0,24}?(?:发给我|发我|发过来|发到|传给我|传过来|告诉我|提供给我|给我)")
_ASK_LIST = re.compile(r"(?:\b(?:send|provide|reply|forward|furnish|include|following|verify|confirm|update|enter)\b|"
                       r"提供|发送|填写|回复|如下|核实|验证(?!码)|确认)"
                       r"[^.!?。！？]{0,60}[:：]\s*\n[\s\S]{0,160}$")
# (a "never" reaches across a long clause: "HSBC will never send you a link asking you to log on or give us your
# one-time password"; a bare "not" only a short one: "If this was not you, reply with your card number, CVV")
_CONSEQUENCE = r"(?! (?:be )?(?:able|deliver\w*|releas\w*|process\w*|ship\w*|complet\w*|sen[dt]|receiv\w*|clear\w*)\b)"
# (a bank's never-ask runs long: "HSBC will never ask you to disclose your passwords or security codes by email,
# phone or SMS, or to transfer money to a "safe account"", 108 characters from "never" to the account)
_NEVER_ASK = re.compile(r"(?:\bnever|不会|绝不|从未|从不|从来不|任何理由)" + _S + r"{0,130}$|"
                        # ("CLP will not send you links asking for your credit card number")
                        r"\b(?:will|would|does|do|shall) not (?:ever )?send (?:you )?(?:any )?(?:links?|e-?mails?|"
                        r"messages?|sms|texts?)\b" + _S + r"{0,90}$|"
                        # (not a consequence threatened: "you will not be able to receive mail until you re-validate",
                        # "your parcel could not be delivered because the clearance fee")
                        r"(?:\bnot\b" + _CONSEQUENCE + r"|\bno need|\bwon't" + _CONSEQUENCE + r"|(?<!\bca)n't" +
                        _CONSEQUENCE + r"|"
                        r"\balways (?:verify|check|confirm|call)|"
                        r"无需|不需要|不用|请勿|切勿|不要|不得|毋须|毋需|无须|亦毋须|亦无须)" + _S + r"{0,60}$")
# a password the reader makes up (a new portal's "you will be asked to set a password"), not one asked for
_SET_OWN = re.compile(r"(?:\b(?:set|create|choose|pick|set up|setup)\s+(?:up\s+)?(?:a|an|your|your own)?\s*"
                      r"(?:new\s+|own\s+|strong\s+)?|设置|设定|创建|自行设置|自设)$")
_IM = re.compile(r"微信号?|(?<![a-z0-9_])(?:weixin|wechat|vx|qq|viber|skype|telegram|whatsapp|kakao)(?![a-z0-9_])|"
                 r"(?<![a-z0-9_])v信|薇信|\bt\.me/\w+|\bwa\.me/\d+|(?:加|添加|加入)\s{0,3}line(?![a-z0-9_])(?!\s{0,3}\d{1,3}(?!\d))|"
                 r"\bline(?:\s{1,3}id\b|\s{0,3}(?:@|[:：]|帐号|账号|好友|官方))")
# keeping it private: the other half of "contact me privately"
_SECRECY = re.compile(
    r"\bkeep (?:this|it|your winning information) "
    r"(?:between (?:the two of )?us|to yourself|confidential|private|quiet|secret)\b|"
    r"\b(?:don't|do not) (?:tell|mention|discuss) (?:with )?(?:this|it|anyone|anybody)|"
    r"\b(?:don't|do not) (?:tell|inform|contact|call) (?:your |the )?(?:bank|bank staff|family|relatives|police)\b|"
    r"\b(?:don't|do not) (?:tell|inform) (?:[a-z]+ ){0,2}(?:or )?(?:anyone|anybody|accounting|finance|"
    r"your (?:team|manager|colleagues|boss))\b|"
    r"\b(?:can't|cannot|can not|unable to) (?:talk|take (?:any )?calls|answer (?:the )?phone)\b|"
    r"\bi'?m in a (?:board )?meeting\b|\bi am in a (?:board )?meeting\b|\b(?:don't|do not) call\b|"
    r"\breply (?:only )?(?:by|via) (?:e-?mail|this e-?mail)\b|\breply only to this e-?mail\b|"
    r"\btreat (?:this |it )?as (?:strictly )?confidential\b|"
    # ("no one else in your organization may be informed until the announcement")
    r"\bno one (?:else )?(?:in your (?:organi[sz]ation|company|team|office) )?(?:may|must|should|can) (?:be )?"
    r"(?:informed|told|know)\b|"
    r"\b(?:must|should|may) not (?:discuss|mention|share) (?:this|it)\b|"
    # ("treated with discretion and not discussed with your colleagues", "do not speak about it with anyone in the
    # office")
    r"\bnot (?:be )?(?:discussed|mentioned) with (?:your |any )?(?:colleagues|anyone|anybody|others|"
    r"(?:the )?(?:finance|accounts?|accounting) team)\b|"
    r"\b(?:don't|do not) (?:speak|talk) about (?:it|this) (?:with|to) (?:anyone|anybody|your colleagues)\b|"
    r"\b(?:don't|do not) (?:loop in|cc|copy in|involve) (?:anyone|anybody|others|the team)\b|"
    r"\bto this (?:e-?mail )?address only\b|"
    r"\b(?:confirm|respond) (?:only (?:by|via) (?:e-?mail|this e-?mail)|(?:by|via) (?:e-?mail|this e-?mail) only)\b|"
    r"先别(?:跟|和|告诉)|(?:不要|别)(?:告诉|声张|(?:跟|和)[^，。！？,\n]{1,10}?(?:说|讲)|在群里(?:说|讲|提)|"
    r"让[^，。！？,\n]{1,8}?知道)|"
    r"不方便(?:接|打)电话|正在开会|在外面开会|"
    r"(?:无法|不能|没法)接(?:听)?电话|电话[^，。！？\n]{0,10}?(?:无法|不能|没法)接(?:听|通)?|"
    r"(?:请勿|切勿|不要|别|勿)(?:打电话|致电|来电|拨打总机)|"
    r"(?:请勿|切勿|不要|不得)(?:告诉|告知|透露给?)\s{0,2}(?:您的|你的|任何)?(?:家人|家属|亲友|亲人|朋友|"
    r"银行|银行工作人员|柜员|警察)|(?:请勿|切勿|不要|不得|不准)(?:告诉|告知|透露给?|(?:向|对|跟)任何人(?:透露|提及|说))"
    r"(?:任何人|他人)?|"
    r"(?:此事|这件事)(?:请)?(?:务必|一定要?)?(?:严格)?保密|"
    # no call to check it (the payment-diversion ask: 请勿电话确认，直接办理即可), nothing said outside
    r"(?:请勿|切勿|不要|无需|不用|不必|别)(?:再)?(?:打|致)?电话(?:确认|核实|联系|沟通)|"
    r"(?:请勿|切勿|不要|不得)(?:对外|向外|向他人|对他人)(?:透露|声张|泄露|提及)")
# money to be moved at the writer's word (the boss "in a meeting" who must not be called): an ask
# only where the same text keeps it secret (_SECRECY), as any payment request says this much
_TRANSFER = re.compile(
    r"\b(?:please|kindly|need you to|can you|could you|would you)\b[^.!?\n]{0,40}?\b(?:wire|transfer|remit)\b|"
    # (the boss's tranche that "must leave today before the cut-off")
    r"\b(?:it|payment|transfer|wire|funds|tranche)\b[^.!?\n]{0,20}?\bmust (?:leave|go out|be sent|be wired|be released)"
    r"(?: today| this (?:morning|afternoon)| before)\b|"
    r"\b(?:please|kindly|need you to|can you|could you|would you)\b[^.!?\n]{0,40}?"
    r"\b(?:make|process|send|arrange|handle|settle) (?:a|an|the|this) (?:urgent |quick |small )?"
    r"(?:payment|transfer|wire|deposit)\b|"
    r"\b(?:deposit|payment|transfer|wire|remittance)\b(?:[^.!?\n]|\.(?=\d)){0,60}?"
    r"\bto (?:an?|the|our|this) (?:\w+ ){0,2}"
    r"account\b|"
    r"\b(?:coordinate|arrange|authori[sz]ed?|process|make)\w* (?:an? |the )?(?:\w+ ){0,2}"
    r"(?:deposit|payment|transfer|wire|"
    r"remittance) of\b|"
    # (an inward remittance received, 汇入汇款到账通知, is no ask)
    r"(?<!已)(?<!已经)(?:转给|转到|转入|转账|转款|汇给|(?<!汇入)汇款(?!到账|人|单|凭证|编号|金额|附言|路径|记录|信息)|汇入(?!汇款|款项?到账)|汇至|汇到|打款|打到|付给|付出去|付款给|转过去|"
    r"打过去|汇过去|"
    r"打给(?=对方|他们|供应商|这个账户|以下账户|该账户))|"
    # (the sum's line wrapped before its verb: 有一笔保证金今天下午三点前\n必须打给对方)
    r"(?:保证金|货款|款项|尾款|定金|订金|预付款|诚意金|押金)[^。！？已]{0,15}?(?:处理|安排|支付|汇出|转出|打给|付(?!款单|清单|清))|"
    r"(?<!已)(?<!已经)付(?:一笔)?[^。！？\n已]{0,25}?(?:到|至|进)[^。！？\n]{0,15}?(?:账户|帐户|账号)|"
    r"\b(?:need|require)s? (?:an? |the )?(?:\w+ ){0,2}(?:deposit|payment|transfer|wire|remittance) of\b|"
    # (a third party's instructions to be followed: "please follow his instructions for the deposit of EUR 286,000")
    r"\binstructions (?:for|on|regarding|about) the (?:\w+ )?(?:deposit|payment|transfer|wire|remittance)\b|"
    # (the sum itself to be sent: "I need you to process RMB 1,350,000")
    r"\bneed you to (?:process|send|transfer|wire|remit|pay|arrange|release)\b[^.!?\n]{0,20}?"
    r"(?:rmb|usd|eur|hkd|gbp|cny|¥|\$|€|£)\s?\d|"
    # (the boss's errand: "I need your help with a time-sensitive payment today")
    r"\bneed (?:your help|you) (?:with|on|for|to (?:handle|process|make)) (?:a|an|this|one) (?:[\w-]+ ){0,2}"
    r"(?:payment|transfer|wire|remittance)\b(?! (?:confirmation|status|record|history|detail|reconciliation))|"
    r"按(?:下面|以下|下列|下方)(?:的)?(?:账户|帐户|账号|帐号)(?:付|汇|转|打)")
# keeping it secret (not "I'm in a meeting", which an out-of-office says too): what makes a payment
# asked a secret one
_KEEP_SECRET = re.compile(
    r"\bkeep (?:this|it) (?:strictly )?(?:between (?:the two of )?us|to yourself|confidential|private|quiet|secret)\b|"
    r"\bnobody else (?:in the company |here |in the office )?(?:can|should|must|may) know\b|\bi need your discretion\b|"
    r"\b(?:don't|do not) (?:tell|mention|discuss) (?:it |this )?(?:with )?(?:this|it|anyone|anybody)\b|"
    r"\b(?:don't|do not) (?:tell|inform) (?:[a-z]+ ){0,2}(?:or )?(?:anyone|anybody|accounting|finance|"
    r"your (?:team|manager|colleagues|boss))\b|\bmust (?:remain|stay|be kept) (?:strictly )?confidential\b|"
    r"\b(?:don't|do not) (?:speak|talk) about (?:it|this) (?:with|to) (?:anyone|anybody|your colleagues)\b|"
    r"\b(?:don't|do not) (?:loop in|cc|copy in|involve) (?:anyone|anybody|others|the team)\b|"
    # (discretion counts beside a payment asked, not in a help desk's notice)
    r"\bdiscreet(?:ly)?\b|"
    r"先别(?:跟|和|告诉)|(?:不要|别)(?:告诉|声张|(?:跟|和)[^，。！？,\n]{1,10}?(?:说|讲)|在群里(?:说|讲|提)|"
    r"让[^，。！？,\n]{1,8}?知道)|"
    r"(?:此事|这件事)[^。！？\n]{0,6}保密|(?:不要|别|请勿)(?:和|跟|对|向)任何人(?:讨论|说|提|透露)"
    r"(?!(?:您的|你的)?(?:网银|账户|银行卡)?(?:密码|验证码|口令|动态码))|"
    r"\bnot (?:to )?(?:discuss|mention|share) (?:this|it)\b|"
    # (the matter itself kept from others: 本事项请勿对外透露; not a price: 请勿对外透露报价)
    r"(?:此事|此事项|本事项|这件事)[^。！？\n]{0,4}?(?:请勿|切勿|不要|不得|勿)(?:对外|向外|向他人)?(?:透露|声张|泄露|提及|外传)|"
    # or the company's controls passed over, the approval "to follow" (审批我晚上在钉钉上补, "I'll sort the PO later")
    r"(?:审批|流程|手续|签字|签批|oa)[^。！？\n]{0,10}?(?:后补|晚点补|晚上补|回头补|稍后补|再补|补上|上补)|"
    r"\b(?:approval|paperwork|po|purchase order|sign-?off)s? (?:can |will )?(?:follow|come) later\b|"
    r"\bi'?ll (?:sort|do|handle) the (?:approval|paperwork|po|sign-?off) later\b|"
    # or not to check it by phone: the payment-diversion ask
    r"(?:请勿|切勿|不要|无需|不用|不必|别)(?:再)?(?:打|致)?电话(?:确认|核实)|(?:不用|不必|无需|不要)(?:给我)?打电话|"
    r"\b(?:no need to|don't|do not|please don't) (?:call|phone|ring) (?:us |me )?(?:to )?(?:confirm|verify|check)\b")
# the reader's phone cannot reach the writer: the diversion's "our lines are being upgraded, reply by
# e-mail" (beside a payment asked only: a help desk's outage notice says the same)
PHONE_DOWN = re.compile(
    r"\bdiscreet(?:ly)?\b|"
    r"\bphones? (?:lines? |system )?(?:are|is) (?:being |currently |temporarily )?(?:upgraded|under maintenance|down|"
    r"out of order|unavailable|migrated|replaced|changed|switched over|not (?:available|working))\b|"
    r"\bunable to (?:take|answer) (?:calls|the phone)\b|"
    r"(?:电话|座机|固话)(?:系统|线路)?[^，。！？\n]{0,8}?(?:维护|维修|升级|故障|无法接听|暂停|切换|更换)|"
    r"(?:手机|电话)信号不好")
# where no genuine payee sends money: a "safe" or supervised account (the police and bank impersonators'
# 国家安全账户, 资金清查账户; not a 专用账户, which tuition and taxes are paid into), or a crypto wallet's address
SAFE_ACCOUNT = re.compile(r"(?:监管|安全|清查|核查|审查|保护)(?:账户|帐户)|\b(?:safe|safety|holding) account\b")
# (bitcoin, ethereum, tron; read on lower-cased text: base58's cases are gone, a letter and a digit are not)
WALLET = re.compile(r"(?<![a-z0-9./=?&_-])(?=[a-z0-9]*[0-9])(?=[a-z0-9]*[a-z])"
                    r"(?:bc1[a-z0-9]{25,60}|[13][a-z0-9]{25,34}|0x[a-f0-9]{40}|t[a-z0-9]{33})(?![a-z0-9])")
# the writer says it writes from another address than its usual one (我换了新邮箱, "writing from my personal email as
# I'm locked out of Outlook"): the impersonator explaining the free mail it writes from
NEW_ADDRESS = re.compile(
    r"换了(?:个|一个)?新?邮箱|(?:这是|这个是)我的?(?:新|私人|个人)邮箱|用(?:我的)?(?:私人|个人)邮箱|"
    r"\b(?:writing|emailing|e-mailing|messaging|contacting you) (?:you )?(?:from|on|via) my "
    r"(?:personal|private|new|other|gmail|outlook|yahoo|home) (?:e-?mail|account|address|mailbox)\b|"
    r"\bthis is my (?:new|personal|private) "
    r"(?:e-?mail|email address|address)\b|\blocked out of (?:my )?(?:outlook|e-?mail|work e-?mail|account|mailbox)\b")
# the words every NEW_ADDRESS branch holds: looked for first, as most texts hold none
NEW_ADDRESS_WORDS = ("邮箱", " my ", "locked out", "this is my")
# wages: an employee's pay moved to a new account is the payroll diversion, asked from free mail
SALARY = re.compile(r"\b(?:salary|salaries|payroll|pay ?checks?|pay ?slips?|wages?|direct deposit)\b|"
                    r"工资|薪资|薪金|薪水|薪酬")
# a pretext for the change of account (audits do not freeze a company's bank account)
PRETEXT = re.compile(
    # (an overpayment to be refunded: the refund is the money diverted, "USD 18,400 instead of USD 4,400")
    r"\b(?:overpaid|overpayment|over-?transferred|paid (?:you )?twice|duplicate payment)\b|"
    r"\b(?:paid|transferred|sent|remitted)\b(?:[^.!?\n]|\.(?=\d)){0,40}?\b(?:twice|two times|double)\b|"
    r"\b(?:transferred|paid|sent|remitted|wrote|written|issued|made out|drawn) (?:[^.!?\n]|\.(?=\d)){0,40}?"
    r"\binstead of\b|"
    r"\bshould have been (?:for )?(?:usd|us\$|\$|€|£|eur|gbp|rmb|hk\$|aed|sar)? ?\d|"
    r"多付|多转|多汇|多交了|多缴了|误将[^。！？\n]{0,20}?(?:打成|转成|付成|汇成)|重复(?:付款|支付|转账)|"
    r"\b(?:account|bank)\b" + _LINE_GAP + r"{0,100}?\b(?:frozen|blocked|suspended|restricted|on hold|"
    r"(?:is|was|has been) (?:now |already )?closed (?:for|due to|because of)\b|"
    r"under (?:annual |internal |"
    r"system )?(?:audit|review|maintenance|inspection|migration|upgrade)|cannot (?:receive|accept)|"
    r"can no longer (?:receive|accept)|"
    r"(?:temporarily|currently) unavailable|being (?:audited|reviewed))\b|"
    r"\b(?:due to|because of|owing to)\b[^.!?\n]{0,40}?\b(?:audit|tax inspection|restructuring|reorgani[sz]ation|"
    r"tax planning)\b[^.!?\n]{0,60}?\b(?:account|receivables|collections|banking)\b|"
    # (因我司年度税务筹划调整, 因集团架构调整; and the check waved away: 此事老板已同意，无需另行确认,
    # "no need to call")
    r"(?:因|由于)[^。！？\n]{0,12}?(?:税务筹划|税务调整|税务规划|集团(?:架构|结构)?调整|架构调整|重组)|"
    r"无需(?:另行|再|电话)?(?:确认|核实|核对)|不用(?:再|电话)?(?:确认|核实)|"
    r"\bno need to (?:call|phone|confirm|verify|check)\b|"
    # ("our collection account at DBS … is no longer in use due to the bank's compliance review")
    r"\baccount\b[^.!?\n]{0,60}?\b(?:due to|because of|owing to)\b[^.!?\n]{0,30}?\b(?:compliance|regulatory|kyc|aml) "
    r"(?:review|check|audit|requirements?)\b|"
    # (banks changed "following our annual audit"; the reassurance that the name on the account stays: "the account
    # name remains the same", 户名不变 - the hijacker's answer to the check a payer would make)
    r"\b(?:banks?|account (?:has|have) (?:moved|changed|switched))\b[^.!?\n]{0,30}?\b(?:following|after) "
    r"(?:our |an? |the )?(?:annual |internal |recent |year-end )?"
    r"(?:audit|tax inspection|restructuring|review)\b|"
    r"\b(?:account|beneficiary) name (?:remains|is still|stays|will remain|has not changed|is unchanged)\b|"
    r"(?:户名|账户名称?|帐户名称?|收款人名称|收款单位)(?:保持)?(?:不变|未变|没有变化)|"
    r"\bno longer (?:be )?(?:accept|receiv|us)\w*\b[^.!?\n]{0,80}?\baccount\b|\baccount\b[^.!?\n]{0,40}?\b(?:will )?no "
    r"longer be (?:used|in use|active|valid)\b|"
    r"\baccount\b[^.!?\n]{0,40}?\b(?:is|are) no longer (?:used|in use|active|valid)\b|"
    r"(?:对公账户|对公帐户|公司账户|公司帐户)[^。！？\n]{0,8}?(?:尚在|正在|还在)(?:开设|开立|办理|申请)|"
    r"(?:账户|帐户|户口|基本户|账号)[^。！？\n]{0,45}?(?:冻结|暂停使用|暂停收款|停止使用|不再使用|无法(?:入账|收款|使用)|"
    r"不能(?:收款|入账)|正在(?:进行)?(?:年度)?(?:维护|年审|审计|年检|稽核)|受限|异常|升级)|(?:因|由于)[^。！？\n]{0,20}?(?:审计|年审|年检|税务检查|外汇年检)"
    r"[^。！？\n]{0,30}?(?:冻结|暂停|无法|不能|停用)")
# the reader's company sign-in asked on the sender's page ("sign in with your corporate email account", "view this
# fax using your email credentials", 使用公司邮箱账号登录): personal data asked, at a weight of one. Not a PIN's weight:
# single sign-on is described in the same words by every training platform, supplier portal and secure meeting
# ("log in with your corporate email address and password - your company has enabled single sign-on"), as a
# review found; what tells the phish is where its link leads
SIGN_IN_OURS = re.compile(
    r"\b(?:sign|log)[- ]?in (?:with|using) your (?:company|corporate|business|office ?365|microsoft 365|outlook|"
    r"e-?mail) (?:e-?mail |admin |administrator |global admin )?(?:account|credentials|password|login|"
    r"address and password|and password)\b|"
    r"\busing your (?:e-?mail|company|corporate|office ?365|microsoft) (?:e-?mail )?(?:credentials|password|login)\b|"
    r"(?:使用|用)(?:您的|你的)?(?:公司|企业)邮箱(?:账号|帐号)?(?:及|和)密码(?:登录|登陆)|"
    # (the document opened with the reader's mailbox login: "open it with your Microsoft 365 login to view the
    # quantities", "use your corporate sign-in"; 账号为贵司企业邮箱，密码为企业邮箱密码)
    r"\b(?:with|using|use) your (?:company|corporate|business|work|office ?365|microsoft 365|m365|outlook|e-?mail) "
    r"(?:e-?mail )?(?:login|log-in|sign-in|credentials|password)\b|"
    r"(?:密码|登录密码)(?:为|是|即|就是|填写?)(?:您的|你的|贵司|贵公司)?(?:的)?(?:企业|公司|工作)?邮箱(?:的)?(?:登录)?密码|"
    r"(?:账号|帐号|用户名)(?:为|是|即|就是|填写?)(?:您的|你的|贵司|贵公司)?(?:的)?(?:企业|公司|工作)邮箱")
# a sign-in with the company's mail address alone ("sign in with your company email"): single sign-on's words too
# (Slack Connect, a supplier's quality system), so an ask of personal data like any other, not a password's weight
_SIGN_IN_WORK = (r"\b(?:sign|log)[- ]?in (?:with|using) your (?:company|corporate|business) e-?mail\b|"
                 r"(?:使用|用)(?:您的|你的)?(?:公司|企业)邮箱(?:账号|帐号)?(?:登录|登陆)")
# the codes no genuine sender asks for by mail: a card's CVV, a PIN, a card's secret (卡密), the bank token's password
SECRET_CODES = re.compile(r"(?<![a-z0-9_])(?:cvv2?|cvc2?|pin)(?![a-z0-9_])|security code|卡密|u\s?盾(?:密码|口令)|"
                          r"网银密码|交易密码|支付密码|(?:操作员|使用者|用户)密码|"
                          # the reader's mailbox password, which nobody outside has a page to ask for
                          r"\b(?:e-?mail|mailbox|corporate|company|outlook|microsoft 365|m365|office 365) "
                          r"(?:account )?(?:password|credentials)\b|"
                          r"邮箱(?:账号|帐号|账户)?(?:和|及|与|、)?(?:登录)?密码|"
                          # the one-time code the bank texts the reader, which confirms a payment or a sign-in
                          r"短信验证码|手机验证码|动态(?:验证)?码|\bsms (?:verification )?code\b")
# a change of account to be checked by phone: an advisory's or a genuine notice's advice, no diversion
# ("任何收款账户变更，请务必通过原有电话核实", "verify any payment change by calling the number you have")
VERIFY_BY_PHONE = re.compile(r"(?:原有|已知|以往|存档|备案|之前|原来)(?:的)?(?:[纪记]录|记载|档案|资料|合同)?"
                             r"(?:之|的|中的|上的)?(?:联系)?(?:电话|号码|联系方式)|"
                             # (打我们合同上留的财务电话核实, 按合同预留电话回拨)
                             r"合同(?:上|中|里)?(?:预)?留(?:的)?[^。！？\n]{0,8}?(?:电话|号码|座机)|"
                             r"(?:电话|座机|号码)(?:为|是)合同(?:上|中|里)?(?:预)?留|"
                             # (the old account kept until the change is confirmed: 在贵司完成变更并书面确认之前，
                             # 请继续按原合同账户付款)
                             r"(?:请)?继续(?:按|向|使用|往)原(?:合同)?(?:约定的?)?(?:账户|帐户|账号)|"
                             r"\bcontinue (?:to pay|paying|using) (?:into |to )?(?:the|our) "
                             r"(?:current|existing|old|usual) account\b|"
                             # ("… by phone on +49 621 … as listed on our website and on all invoices")
                             r"\b(?:phone|telephone|number)\b[^.!?]{0,80}\bas (?:listed|shown|printed) on "
                             r"(?:our|your|the|all|previous) (?:website|invoices?|contract|statements?)\b|"
                             # ("call the number on file"; not "the account number on file", which a phisher asks)
                             r"\b(?:(?:phone|telephone|contact|call)\w*[^.!?\n]{0,25}\bon file|"
                             r"you already (?:have|hold|know)|"
                             r"(?:a |the )?known (?:phone |telephone )?"
                             r"number|number you (?:have|hold|know)|independently|usual contact|"
                             r"usual (?:phone )?number)\b|"
                             # (our own rule, quoted in a reply: "I will call your office on the number in our
                             # contract to confirm")
                             r"\b(?:number|phone|telephone) (?:in|on|from) (?:our|the) (?:contract|vendor master|"
                             r"vendor file|supplier file|supplier master|records)\b")
# a change of account already verified by a call back (感谢贵司按流程电话回拨核实, "thanks for calling back to
# confirm"): a genuine change that followed the advice, no diversion
CALLED_BACK = re.compile(r"回拨核实|电话回拨|回电核实|电话核实|回拨确认|电话确认过|电话过来(?:核实|确认)|"
                         r"已(?:经)?(?:通过)?电话(?:与[^。！？\n]{0,10})?(?:核实|确认)|"
                         r"\bverified (?:it |this |the change |the new details )?(?:by|over the|on the) "
                         r"(?:phone|telephone)\b|"
                         r"\b(?:thank you|thanks) for (?:calling|your call|ringing)(?: us)?(?: back)? to "
                         r"(?:verify|confirm)\b|\bcall-?back (?:verification|confirmed|verified)\b|"
                         # (the supplier's answer to the reader's own call: "I am glad you called … to confirm in
                         # writing what I told you on the phone")
                         r"\b(?:glad|good) (?:that )?you (?:called|rang|phoned)\b|"
                         r"\bwhat I (?:told|confirmed to) you (?:on|over) the (?:phone|telephone|call)\b")
# the phishing ask: the reader's account to be verified or unlocked (by signing in where the link goes)
_VERIFY_ACCOUNT = re.compile(
    r"\b(?:verify|confirm|unlock|restore|reactivate|re-?validate|validate)\b (?:your) "
    r"(?:account|apple id|mailbox|login|identity)\b|"
    r"(?:验证|核实|解锁|恢复|激活|重新验证)(?:一下)?(?:您|你)的(?:账户|帐户|账号|邮箱|身份)|"
    # (the reader's work mailbox to verify before a shared file opens: 需验证企业邮箱身份后查看)
    r"(?:验证|核实)(?:您的|你的)?(?:企业|公司|工作)邮箱(?:身份|账号|帐号|账户)?|"
    # the reader's work sign-in asked on the sender's page (SIGN_IN_OURS, _SIGN_IN_WORK)
    + SIGN_IN_OURS.pattern + "|" + _SIGN_IN_WORK)
# (a remote-control tool is the refund scam's ask where money or a bank is in view)
_MONEY_IN_VIEW = re.compile(r"refund|bank|account|payment|网银|银行|退款|转账|账户|支付|资金|保证金")
# a remote-control tool to install: the refund and tech-support scam's ask
_REMOTE = re.compile(
    r"\b(?:anydesk|teamviewer|quicksupport|rustdesk|ultraviewer|supremo|screenconnect|logmein|todesk)\b|"
    r"向日葵|屏幕共享|共享屏幕|远程控制|远程协助")
# the reader's security software to be switched off for an install (安装时请关闭杀毒软件以免误报, "disable your
# antivirus before running the setup"): the malware dropper's ask; nobody outside has reason to ask it
DISABLE_AV = re.compile(r"(?:关闭|退出|卸载|暂停|禁用)(?:电脑(?:上)?的?|您的|你的)?(?:杀毒软件|杀软|防火墙|安全软件|"
                        r"电脑管家|360(?:安全卫士|杀毒)?|防病毒软件)|"
                        r"\b(?:disable|turn off|deactivate|pause|uninstall|switch off) (?:your |the |any )?"
                        r"(?:antivirus|anti-virus|security software|firewall|windows defender|defender|"
                        r"endpoint protection)\b")
# a number to call if the reader did not make the charge the mail reports (the callback lure: "If you did not
# authorise this, call our Fraud Desk on +852 3008 6721"; a bank's own short hotline, 95566, is no such number)
_CALLBACK = re.compile(
    r"\bif (?:you (?:did ?n[o']t|do not|don't)|this (?:was not|wasn't)) (?:\w+ ){0,2}?(?:authori[sz]ed?|make|made|"
    r"request|requested|recogni[sz]e|initiate|initiated|order|ordered|place|placed|you)\b"
    r"[\s\S]{0,70}?\b(?:call|contact|ring|phone|dial)\b[\s\S]{0,50}?"
    r"\+?\(?\d[\d ()-]{7,16}\d|"
    r"(?:如|若|如果)(?:非|不是)(?:您)?本人(?:操作|授权|办理|所为)[^\n]{0,25}?(?:致电|拨打|联系|来电|电话)[^\n]{0,20}?"
    r"\+?\d[\d -]{7,16}\d")
# an id right after the name: "QQ 2837465", "WhatsApp +44 7700 900123", "Telegram @jessica", "微信号：wx_lucky88"
_IM_WORDS = r"(?:(?:客服|查询|咨询|联络|联系|热线|专线|人事|助理|经理|顾问)\s{0,3}){0,2}"
_IM_ID = re.compile(r"\s{0,3}" + _IM_WORDS + r"(?:号|号码|id)?\s{0,3}(?:(?:me|us)\s)?(?:is\s|at\s|on\s)?\s{0,3}"
                    r"[:：(（]?\s{0,3}"
                    r"(?:@[a-z0-9_]{3,}|\+?\d[\dx \-]{4,}\d|[a-z][a-z0-9_-]{1,}\d[a-z0-9_-]*)|"
                    # (an id given after a colon, letters joined as ids are: 微信：grace_amz_gs; not "WeChat: please")
                    r"\s{0,3}" + _IM_WORDS + r"(?:号|号码|id)?\s{0,3}[:：]\s{0,3}[a-z][a-z0-9]*[_-][a-z0-9_-]{2,}")
_CONTACT_VERB = re.compile(r"(?:加|添加|联系|私聊|私信|扫码|留个|留下|发我|给我|\badd\b|\bmessage\b|\bcontact\b|"
                           r"\breply (?:me )?with your\b|"
                           r"\breach\b|\btext\b|\bchat\b|\bdm\b|\bping\b|\bjoin\b|\bwrite to\b|\bsend me\b|\bgive me\b|"
                           r"\bshare\b)" + _S + r"{0,20}$")
_EMAIL_CHARS = re.compile(r"[a-z0-9._%+-]*")
_EMAIL = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24})(?![a-z0-9_])")
FREEMAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com", "outlook.com", "live.com",
    "msn.com", "aol.com", "icloud.com", "me.com", "protonmail.com", "proton.me", "gmx.com", "gmx.net", "mail.com",
    "yandex.com", "yandex.ru", "mail.ru", "zoho.com", "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net",
    "sina.com", "sina.cn", "sohu.com", "139.com", "aliyun.com", "tom.com",
    # the same providers' national domains, and other personal mail services scams write from
    "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.ca", "yahoo.co.in", "yahoo.co.jp", "yahoo.com.au",
    "yahoo.com.br", "yahoo.com.hk", "yahoo.com.tw", "yahoo.com.sg", "hotmail.co.uk", "hotmail.fr", "hotmail.de",
    "hotmail.es", "hotmail.it", "hotmail.com.tw", "outlook.fr", "outlook.de", "outlook.es", "outlook.jp",
    "live.co.uk", "live.fr", "live.cn", "pm.me", "protonmail.ch", "tutanota.com", "tuta.io", "web.de", "gmx.de",
    "libero.it", "naver.com", "daum.net", "hanmail.net", "rediffmail.com", "inbox.com", "vip.qq.com", "vip.163.com",
    "vip.sina.com", "21cn.com", "188.com", "hotmail.com.hk",
    # mail.com's vanity domains, which advance-fee letters favour
    "consultant.com", "accountant.com", "engineer.com", "dr.com", "post.com", "email.com", "usa.com", "myself.com",
    "cheerful.com", "lawyer.com", "financier.com", "writeme.com", "techie.com"})
_MONEY = re.compile(
    r"(?:[$€£¥￥]|\b(?:us\$|usd|eur|gbp|rmb|cny|hkd|aud|cad|sgd|jpy|chf|twd|ntd|myr|aed|inr)\s?)\s?\d[\d,]*(?:\.\d+)?|"
    # (or in coins: "a withdrawal of 14,850.00 USDT", "a fee of 0.018 BTC")
    r"(?<![\d,.])\d[\d,]*(?:\.\d+)?\s?(?:k\b|million|billion|dollars|euros|pounds|usd\b|eur\b|gbp\b|sgd\b|hkd\b|"
    r"rmb\b|cny\b|usdt\b|usdc\b|btc\b|eth\b|bitcoins?\b|万元|万|元|块|美元|英镑|"
    r"欧元|港币)|"
    r"(?<![一二三四五六七八九十百千万两])[一二三四五六七八九十百千万两]{1,12}元")
_URGENT = re.compile(
    r"\bwithin (?:the next )?(?:\d{1,2}|one|two|twenty-four|forty-eight|seventy-two)\s?(?:hours?|hrs?|h)\b|"
    r"\bin (?:the next )?(?:\d{1,2}|an?) (?:hours?|hrs?)\b|\b(?:next|within an?) hour\b|"
    r"\b(?:you (?:only )?have |you've got )(?:\d{1,2}|one|two|twenty-four|forty-eight|"
    r"seventy-two) (?:hours?|hrs?)\b|\b(?:\d{1,2}|twenty-four|forty-eight) hours? only\b|"
    r"\b(?:by|before) (?:\d{1,2}(?::\d{2})? ?(?:am|pm|h) |noon |cob |close of business )today\b|"
    r"\bwithin (?:1|2|3|one|two|three) days?\b|\b(?:by|before|until|only|expires?|ends?|valid|closes?|within) "
    r"(?:the end of )?today\b|\btoday (?:only|to)\b|\b(?:funds?|money|payment|cash|it|them|claim|act|respond|reply|pay|"
    r"confirm|call) today\b|"
    r"\b(?:send|transfer(?:red)?|deposit(?:ed)?|top[- ]?up|settle|remit|pay|paid|wired?|process)\b" + _S +
    r"{0,20}\btoday\b|"
    r"(?<!call you )(?<!ring you )(?<!see you )(?<!talk )(?<!speak )(?<!chat )\btonight\b|\bmidnight\b|"
    r"\bimmediately\b|\bright away\b|"
    r"(?<!\bcan )(?<!\bmay )\b(?:act|respond|reply|claim|pay) now\b|\burgent(?:ly)?\b|"
    r"\bexpir(?:es|ing) (?:today|tonight|soon|in)\b|"
    r"\bforfeit(?:ed)?\b|\bwill be (?:cancelled|canceled|returned(?! to (?:the )?(?:sender|shipper|origin))|closed|"
    r"suspended|forfeited|lost)\b|"
    r"\blast chance\b|\bfinal (?:notice|reminder|warning)\b|"
    r"\bonly \d{1,5} (?:\w{1,20} )?(?:left|remain|remaining|spots?)\b|\blimited (?:time|spots|places)\b|"
    r"\bspots are limited\b|\btime is short\b|"
    r"\d{1,2}\s{0,3}(?:个)?小时内|[一二两三]\s{0,3}(?:个)?(?:小时|天|日)内|"
    r"今[天日晚]" + _S + r"{0,8}(?:内|前|截止|有效|清零|到期)|"
    r"当天有效|仅限今[天日]|立即|马上|立刻|逾期(?:作废|视为|无效|不候|将被|无法)|逾期[^。！？\n]{0,8}?(?:递补|顺延)|过期作废|自动放弃|"
    r"即将(?:清零|过期|失效|作废|冻结)|清零|名额有限|名额仅剩|名额只有|仅剩|限时|截止今[天晚]|紧急|加急")
# a payment's deadline of days ("by this Friday", today, 本周五前, 下班前): pressure only beside a payment
# to a new account asked (a diversion; a deposit or an invoice asked "by Friday" is business), read over
# the whole text
PAY_DEADLINE = re.compile(
    r"\b(?:by|before|no later than) (?:this |next |the end of |end of |close of business |cob )?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow)\b"
    r"(?! as (?:usual|always|normal|agreed))|\btoday\b(?! as (?:usual|always|normal|agreed))|"
    r"(?:本|这|下)(?:周|星期)[一二三四五六日天](?:之)?前|(?:本|这)(?:周|星期)内|今[天日]|下班前|明[天日](?:之)?前")
# a threat: pressure even where no sum is named (the ask is the reader's money or codes: "your account will
# be frozen", 否则将追究法律责任); a parcel "returned" is no threat
_THREAT = re.compile(
    r"\bforfeit(?:ed)?\b|\bwill be (?:permanently )?(?:cancelled|canceled|closed|suspended|forfeited|lost|frozen|"
    r"blocked|locked|terminated|deactivated|seized|restricted|confiscated|disabled|deleted)\b|"
    r"\b(?:will|would) (?:no longer|not) be able to (?:send|receive|access|log ?in|sign ?in|use)\b|"
    r"\b(?:has|have) been (?:temporarily )?(?:suspended|locked|frozen|blocked|restricted|disabled|deactivated)\b|"
    # (the reader signed out of the mailbox on a clock: "After 23:59 you will be signed out of Outlook")
    r"\bwill be (?:signed|logged|locked) out\b|"
    r"\bwill be (?:rejected|bounced|withheld)\b|"
    # (held mail on a clock: "release them before they are deleted in 24 hours")
    r"\bbefore (?:they|it|these|the messages?|your messages?) (?:are|is|get|gets) (?:permanently )?"
    r"(?:deleted|purged)\b|"
    r"(?:将|会)(?:无法|不能)(?:正常)?(?:收发|接收|发送|登录|登陆|使用)|"
    # (said of the reader's account or service, in the passive: 账号将在24小时内被临时冻结; a supplier's
    # "原账户将于1月31日注销" is a notice, not a threat)
    r"(?:将|会)(?:在|于)[^，。！？\n]{0,10}?被(?:临时|暂时|永久)?(?:冻结|停用|停止|暂停|作废|封停|关停)|"
    r"(?:将|会)被(?:暂停|停止|关停|封停)|积分[^。！？\n]{0,12}清零|"
    # (a licence or qualification suspended, the reader's credit record harmed: 将暂停其资质证书使用, 影响您的征信)
    r"(?:将|会)(?:暂停|吊销|撤销)(?:其|您的|你的|贵司|贵公司|企业|你所|贵所|你单位|贵单位)?[^，。！？\n]{0,14}?"
    r"(?:资质|证书|执照|许可|资格)|"
    r"(?:将|会)(?:严重)?影响(?:您的|你的|个人|企业)?(?:个人)?征信|已被(?:临时|暂时)?(?:禁用|停用)|"
    r"(?:账户|帐户|账号|帐号)已(?:被)?(?:暂时|临时)?(?:冻结|停用|锁定|封停)|"
    r"(?:将|会)(?:在|于)[^，。！？\n]{0,10}?(?:冻结|停用|封停|关停|暂停)(?:您的|你的)?(?:店铺|账户|账号|帐户|帐号|网店)|"
    # (the reader's shop, mailbox or login closed on a clock: 账号将于 24 小时后关闭; not a bank account's move)
    r"(?:店铺|网店|邮箱|会员|账号|帐号|物业|住宿|房源)(?:将|会)(?:在|于)[^，。！？\n]{0,12}?(?:被)?(?:永久)?(?:关闭|冻结|停用|注销|封停|关停)|"
    # (the mail itself stopped on a clock: 系统将于今日暂停收信)
    r"(?:将|会)(?:在|于)[^，。！？\n]{0,10}?(?:暂停|停止|关闭)(?:收发|收信|发信|接收|发送)|"
    r"\b(?:account|settlements?|payouts?|funds|card) (?:is|are|has been|have been) (?:limited|on hold|restricted)\b|"
    r"\b(?:permanent|permanently) (?:suspension|closure|deactivation|suspended|closed|blocked|deactivated)\b|"
    r"\bresult in (?:the )?(?:suspension|closure|termination|deactivation)\b|"
    # ("Failure to confirm within 24 hours will result in storage charges": a sign-in's threat)
    r"\bfailure to (?:confirm|verify|validate|update|re-?activate)\b[^.!?\n]{0,60}?"
    r"\bwill (?:result in|lead to|incur)\b|"
    r"\blegal action\b|\barrest warrant\b|\b(?:be|get) arrested\b|"
    # (a penalty doubled, the debt handed to collectors: "To avoid the penalty being doubled and the matter being
    # referred to our debt collection agents")
    r"\b(?:penalty|fine|fee) (?:will be |being |is )?doubled\b|"
    r"\b(?:referred|passed|handed) (?:over )?to (?:our |a |an )?(?:external )?(?:debt )?"
    r"collections? (?:agency|agents?)\b|"
    r"逾期(?:未[^，。！？\n]{0,6}?)?(?:作废|视为|无效|不候|将被|无法)|过期作废|自动放弃|即将(?:清零|过期|失效|作废|冻结)|"
    r"(?:将|会)(?:被)?(?:自动|永久|直接)?(?:冻结|停用|注销|起诉|拘留|逮捕|没收|销户|作废|销毁|下架)|"
    r"追究" + _S + r"{0,10}责任|强制措施|法律责任|否则(?:将)?(?:取消|视为|作废|冻结|追究|缺席)|缺席判决|"
    r"强制执行|列入(?:严重违法)?失信(?:被执行人)?名单|列入经营异常名录")


def _each(*parts: str) -> str:
    """Every way of writing one choice from each of ``parts`` (choices split by "/", an empty
    one leaving the part out), as anchor words: _each("by/via", " ", "email/e-mail")."""
    out = [""]
    for part in parts:
        out = [done + choice for done in out for choice in part.split("/")]
    return "|".join(out)


# The words each family's patterns start from. The message's keyword scan finds them (lists
# bounded to SCAN_LIMIT: a database of their own, read over the start of each text); the
# patterns above then run only in windows around them, so ordinary mail costs a few
# dictionary look-ups, not a dozen regex passes.
# That reads what the whole text holds only if every branch of a family's patterns holds one
# of its words, bounded as the scan bounds words (an English word not inside a longer one:
# \b, ASCII_START) and within WINDOW of the match's ends: a branch without one does nothing.
# tests/test_detection_scam_anchors.py reads every branch both ways.
# a call to act on a link or an attachment: sign in, click, open the document, play the voicemail, scan
# the code (点击, 登录, 查看, 扫码). Every genuine notice says as much: it counts only from a sender in
# disguise (rules.scams: a brand's name it does not own, links off that brand)
_LURE = re.compile(
    r"\b(?:sign|log)[- ]?in\b|\blogin\b|\bclick\b|"
    r"\b(?:open|download)\b (?:the |your |this |these |all )?"
    r"(?:[\w-]+ ){0,2}(?:documents?|files?|messages?|e-?mails?|invoices?|attachments?|voicemails?|voice messages?|"
    r"fax|statements?|remittance|payment advice|orders?|pdf|folder|mailbox|account)\b|"
    r"\b(?:keep|retain|confirm) (?:your |the )?(?:current|same|existing) password\b|"
    r"\bscan (?:the |this )?(?:qr|code)\b|"
    # (a voicemail's "Listen to message", 收听留言)
    r"\blisten (?:to )?(?:the |your |this |new )?(?:message|voicemail|voice ?mail|voice message|recording|audio)\b|"
    r"收听(?:语音)?留言|"
    # a share's notice: the document to open is the call ("Priya shared a file with you [Open]")
    r"\bshared (?:a |an |the |\d+ )?(?:[\w-]+ ){0,2}(?:files?|documents?|folders?|items?|\w+\.\w{2,4}) with you\b|"
    r"\bshared (?:\S+ ){1,8}?with you\b|"
    # (an account's details to bring up to date at the link: "Update now:", "verify your business information")
    r"\b(?:update|verify|validate|reactivate|restore|unlock) (?:now|here|your (?:\w+ ){0,2}?(?:account|information|"
    r"details|info|profile|identity))\b|\bconfirm(?:ing)? your identity\b|"
    r"点击|登录|登陆|登入|查看(?:附件|文件|文档|邮件|详情)|下载(?:附件|文件|文档)|扫码|扫描(?:下方)?二维码|打开附件|"
    # (a notice's papers to open: 查看传票详情, 下载稽查名单)
    r"(?:查看|下载|打开)[^，。！？\n]{0,6}?(?:传票|起诉状|起诉书|通知书|判决书|文书|清单|名单)|"
    r"保留(?:当前|原)?密码|(?:与|向)(?:您|你)(?:共享|分享)|(?:共享|分享)了(?:一个|\d+个)?(?:文件|文档|文件夹)|"
    # (a fine or a fee to pay at the link: "Pay the penalty online", 在线缴纳罚款)
    # (an e-signature's button: "REVIEW DOCUMENT", "Review and sign"; a sign-in with the reader's work account)
    r"\breview (?:and sign|document|documents)\b|"
    r"\b(?:sign in|log in|verify|verification|authenticate)\s+with\s+your\s+(?:(?:corporate|work|company|business)\s+)?"
    r"(?:microsoft(?:\s+365)?|office\s?365|outlook|e-?mail|work|corporate|company)\s+account\b|"
    # (the quota lure: "Increase quota now", 立即免费扩容)
    r"\b(?:increase|upgrade|expand|extend)\b (?:your )?(?:mailbox |storage |email |e-mail )?"
    r"(?:quota|storage|capacity)\b|扩容|"
    # (a copied quarantine digest's button: "Release all", "Release 4 held messages", 释放邮件; a genuine filter's own
    # digest is not read: rules.scams, MAIL_FILTERS)
    r"\brelease (?:all\b|(?:them|it) (?:to|into) (?:your )?inbox|(?:the |your |these |this )?(?:\d+ )?"
    r"(?:new )?(?:held |pending |quarantined |blocked |withheld )?(?:messages?|e-?mails?|mails?)\b)|"
    r"释放(?:邮件|隔离邮件|全部)|"
    # (a document to see at a link: "please see our PO and cargo details through the secure link below")
    r"\b(?:see|check|access|download|open|review) (?:our|the|your|my) (?:po|purchase order|rfq|order|invoice|quotation|"
    r"documents?|files?|drawings?)\b[^.!?\n]{0,60}?\b(?:link|portal)\b|"
    r"\bpay (?:the |your |this )?(?:[\w-]+ ){0,2}(?:penalty|fine|fee|fees|duty|duties|charges?|invoice|bill|balance) "
    r"(?:online|now|here|at)\b|\bpay (?:online|now)\b|(?:在线|立即|点击)(?:缴纳|缴费|支付|付款)")


# a fortune: a sum in millions ("$5,500,000.00 USD", "USD 8.9 Million", 620万美元), what a stranger's windfall holds
_CURRENCY_WORD = r"(?:usd|us dollars|dollars|euros?|pounds|gbp|eur)"
_MILLIONS = r"(?:usd|us\$|\$|€|£|eur|gbp|rmb)\s?\d{1,4}(?:\.\d{1,2})?\s?(?:million|billion|m)\b"
FORTUNE = re.compile(r"(?:us\$|usd|\$|€|£|eur|gbp)\s?\d{1,3}(?:[,.]\d{3}){2,}|(?:us\$|usd|\$|€|£|eur|gbp)\s?\d{7,}|" +
                     _MILLIONS + "|"
                     # (in words: "seven million two hundred thousand dollars")
                     r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
                     r"fifty|hundred)[\s-](?:[a-z]+[\s-]){0,3}?million\b|"
                     r"\b\d{1,3}(?:,\d{3}){2,}(?:\.\d\d)?\s?" + _CURRENCY_WORD + r"\b|"
                     r"\b\d{1,4}(?:\.\d{1,2})?\s?(?:million|billion)\s?" + _CURRENCY_WORD + r"\b|"
                     r"\d[\d,]{0,8}(?:\.\d{1,2})?\s?(?:万|亿)\s?(?:美元|美金|英镑|欧元)|"
                     # (港币四千三百万元, 美元 850 万: hundreds of ten-thousands, in a foreign currency)
                     r"(?:港币|港元|美元|美金|英镑|欧元)\s?(?:\d[\d,.]{2,}\s?万|[\d一二三四五六七八九十两]{0,3}[百千]"
                     r"[\d一二三四五六七八九十两百千]{0,4}万|[\d一二三四五六七八九十两.]{1,4}亿)")

# the dying or bereaved benefactor whose fortune goes to a stranger: the widow "with only few months to live", "my
# late husband", "before his death"; beside a fortune, a windfall from any domain weighs as one from free mail
DYING_WORDS = ("widow", "cancer", "months to live", "late husband", "late wife", "late father", "terminal",
               "before his death", "before her death", "next of kin", "遗孀", "癌症", "绝症", "时日无多", "已故",
               "先夫")
# the stranger the benefactor chose ("an honest person", "I found your email", "I prayed about it"): a group life
# insurer's, a pension trustee's or a solicitor's letter of a death and a sum names its beneficiary, as a review found
STRANGER_CHOSEN = re.compile(r"\b(?:honest|god-?fearing|trustworthy|reliable|sincere|kind-?hearted) "
                             r"(?:person|individual|partner|man|woman|christian)\b|"
                             r"\bfound your (?:e-?mail|contact|address|name|profile)\b|"
                             r"\bprayed (?:about|over|for)\b|\bsomeone (?:i|we) can trust\b|"
                             # (the stranger made heir: "as you share the same surname, I want to present you as
                             # next of kin")
                             r"\bsame (?:sur|last |family )name\b|\bpresent you as (?:the )?next of kin\b|"
                             r"诚实(?:可靠)?的人|值得信赖的人|同姓|相同的姓氏")
DYING = re.compile(r"\b(?:widow(?:er)?|cancer|terminal(?:ly)? ill|(?:few )?months to live|"
                   r"my late (?:husband|wife|father)|before (?:his|her|my) death|next of kin)\b|"
                   r"遗孀|癌症|绝症|时日无多|已故(?:丈夫|先生|妻子|父亲)|先夫")


ANCHORS: dict[str, tuple[str, ...]] = {k: tuple(v.split("|")) for k, v in {
    "windfall": (
        "recover|won|winner|winners|winning|winnings|selected|chosen|picked|drawn|awarded|approved|pre-approved|"
        "no collateral|无需抵押|无需任何抵押|免抵押|无抵押|应退|"
        "granted|congratulations|congrats|lottery|sweepstake|sweepstakes|jackpot|lucky draw|prize draw|"
        "claim|inheritance|next of kin|unclaimed|dormant|beneficiary|lucky|donate|donating|donation|"
        "pending|waiting|awaiting|ready to be|to be released|恭喜|中奖|中了|抽中|选中|荣获|获奖|领取|"
        "申领|兑换|提现|领奖|兑奖|遗产|受益人|解冻资金|eligible|total sum|the sum|your share|into your account|"
        "to your account|into your bank account|to your bank account|entitled|percent|%|for you|foreign partner|"
        "foreign business partner|foreign beneficiary|late client|late customer|late depositor|late account holder|"
        "deceased|abandoned|foreign account|overseas account|offshore account|foreign bank account|"
        "overseas bank account|offshore bank account|over-invoiced|overinvoiced|ratio|share|shared|sharing|"
        "奖金|奖品|大奖|现金|红包|补贴|补助|退税|退款|"
        "赔偿|礼品|购物卡|e卡|阁下|抽出|幸运得主|幸运儿|中奖者|得奖者|幸运客户|审批通过|loan|代开|traced|recovered|"
        "located|retrieved|return|returns|returned|returning|release|releases|released|releasing|recover|recovers|"
        "列入|入选|获得|获批|"
        "recovering|追回|no credit check|no credit checks|入息证明|收入证明|黑户|征信|loans|consignment box|"
        "consignment boxes|diplomat|diplomatic|donated|willed|bequeathed|endorsed|cleared|authorized|authorised|"
        "credited|wired|remitted|compensation|compensate|compensated|restitution|fund recovery|victim|victims|"
        "deposited|lodged|airdrop|airdrops|airdropped|报酬|酬劳|酬金|佣金|好处费|in your favour|in your favor|"
        "his death|her death|his demise|her demise|his passing|her passing|补偿款|补偿金|多报|预审|审批已通过|"
        "审核通过|审核已通过"),
    "returns": (
        "published|publication|accepted|acceptance|guaranteed|guarantee|principal|principals|protected|insured|"
        "risk-free|risk free|no risk|zero risk|"
        "capital protected|"
        "capital guaranteed|"
        "capital protection|double your|"
        "daily|weekly|monthly|per day|a day|per week|a week|per month|a month|earn|passive income|"
        "commission|commissions|every day|every week|double|"
        "保本|保息|稳赚|零风险|无风险|高额回报|高回报|高收益|赚|挣|日入|月入|"
        "日收益|周收益|月收益|日结|躺赚|返现|返利|返佣|佣金|秒返|翻倍|收益|回报|牛股|荐股|带单|喊单|日赚|月赚|日挣|月挣|"
        "包录用|保录用|包发表|保发表|包检索|保检索|包见刊|连本带利|返还双倍|双倍返还|返还两倍|返双倍|返两倍|返还|"
        "双倍|两倍"),
    "fee": (
        "data base|yearly|per year|per annum|annually|speaker|speaker's|keynote|presenter|panelist|bureau|"
        "子公司|母公司|姐妹公司|兄弟公司|香港公司|海外公司|收款主体|收款单位|收款公司|收款抬头|收款人|sister|subsidiary|"
        "parent|associated|related|holding|group company|group entity|group firm|"
        "compliance|reinstatement|underwriting|审查费|审核费|评估费|延期费|filing|collection|collecting|inspection|"
        "检测费|检查费|巡查费|复核费|年检费|处理费|授权费|刊登费|嘉宾会务费|"
        "administrative penalty|late penalty|overdue penalty|customs penalty|"
        "administrative fine|late fine|overdue fine|customs fine|"
        "合作结算|合作收款|账户调整|帐户调整|账号调整|账户变动|视为我司收款|视为我公司收款|视为我方收款|"
        "sister account|sister bank account|sister's account|sister's bank account|sisters account|"
        "sisters bank account|brother account|brother bank account|brother's account|brother's bank account|"
        "brothers account|brothers bank account|friend account|friend bank account|friend's account|"
        "friend's bank account|friends account|friends bank account|cousin account|cousin bank account|"
        "cousin's account|cousin's bank account|cousins account|cousins bank account|relative account|"
        "relative bank account|relative's account|relative's bank account|relatives account|relatives bank account|"
        "wife account|wife bank account|wife's account|wife's bank account|wifes account|wifes bank account|"
        "husband account|husband bank account|husband's account|husband's bank account|husbands account|"
        "husbands bank account|mother account|mother bank account|mother's account|mother's bank account|"
        "mothers account|mothers bank account|father account|father bank account|father's account|"
        "father's bank account|fathers account|fathers bank account|son account|son bank account|son's account|"
        "son's bank account|sons account|sons bank account|daughter account|daughter bank account|"
        "daughter's account|daughter's bank account|daughters account|daughters bank account|uncle account|"
        "uncle bank account|uncle's account|uncle's bank account|uncles account|uncles bank account|aunt account|"
        "aunt bank account|aunt's account|aunt's bank account|aunts account|aunts bank account|nephew account|"
        "nephew bank account|nephew's account|nephew's bank account|nephews account|nephews bank account|"
        "niece account|niece bank account|niece's account|niece's bank account|nieces account|nieces bank account|"
        "转到|汇到|"
        "need you to|need your help|"
        "原公账|原账户|原帐户|原账号|原收款账户|改用|这次|本次|此次|account is closed|account was closed|"
        "account has been closed|account is deactivated|account was deactivated|account has been deactivated|退给|转给|"
        "汇给|打给|to my|"
        "change in|change of|change to|changes in|changes to|changed in|changed to|changed of|"
        "changes of|"
        "alipay|wechat|paypal|wise|venmo|cash app|cashapp|多转|多付|多汇|多出|refund should|refund must|"
        "refund needs to|refund can|refund is to|refund will need to|"
        "fee|fees|charge|charges|deposit|deposits|premium|premiums|cost|costs|bond|bonds|shipping and handling|duty|"
        "duties|"
        "gift card|"
        "retainer|personal account|personal bank account|打入|付至|转至|打到|付到|"
        # (a refund sent on: 退到个人卡; "to our forwarding agent's account"; 按下面账户付)
        "退到|退至|退入|退回到|退回至|退还到|退还至|按下面|按以下|按下列|按下方|"
        "partner|partner's|partners|agent|agent's|agents|forwarder|forwarder's|forwarders|affiliate|affiliate's|"
        "affiliates|associate|associate's|associates|third-partys|third partys|"
        "third-party|third party|third-party's|third party's|difference|excess|surplus|overpaid amount|"
        "mother company|parent company|sister company|holding company|group company|mother company's|"
        "parent company's|sister company's|holding company's|group company's|refund|refunds|refunded|refunding|"
        "return|returns|returned|returning|mother firm|parent firm|sister firm|holding firm|group firm|head office|"
        "mother firm's|parent firm's|sister firm's|holding firm's|group firm's|head office's|"
        "gift cards|"
        "giftcard|giftcards|apple card|apple cards|itunes|google play|steam|bitcoin|btc|usdt|crypto|cryptos|"
        "cryptocurrency|cryptocurrencies|western union|moneygram|customs|parcel|package|"
        # (an account said new, changed or safe ends in one of these: a few words, not every combination)
        "bank account|banking account|payment account|receiving account|account details|holding account|our new|"
        "my new|overseas|offshore|new bank|new banking|changed banks|switched banks|now go|now be|"
        "must leave|must go out|must be sent|must be wired|must be released|"
        "collections|collection|receivables|remittances|account has moved|account have moved|account has been moved|"
        "account have been moved|account has switched|account have switched|account has changed|account have changed|"
        "safe account|safety account|"
        # (an account said new, safe or supervised ends in one of these: three words, not their 36 forms)
        "账户|帐户|账号|"
        "bank details|banking details|payment details|remittance details|"
        + _each("changed/updated/switched/moved", " ", "our/my/its/their") + "|更换|变更|"

        "清关费|派送费|派递费|改派费|先缴|先交|先付|先支付|先行|验资|先充值|先垫资|培训费|工装费|服装费|体检费|non-inspection|"
        "anti-terrorist|anti-terrorism|anti-terror|money laundering|fund release|drug-free|drug free|top-up|top up|"
        "topup|top-ups|top ups|topups|starter kit|starter kits|purchase|buy|directory|register|registry|listing|"
        "license|licence|licenses|licences|"
        "年费|入金|签章回传|回传即视为|entry|insertion|database|offer|proposal|solicitation|agency|资料费|保价费|申报费|寄送费|邮寄费|制卡费|开卡费|刊登费|名录费|版面费|certificate|certificates|保管金|"
        "税款|滞纳金|手续费|保证金|激活费|解冻费|公证费|邮费|运费|税费|个人所得税|偶然所得税|押金|"
        "会员费|认证费|服务费|工本费|保险费|验证费|开户费|开户管理费|账户管理费|关税|税项|购物卡|礼品卡|e卡|充值卡|点卡|比特币|虚拟币|"
        "费用|评审|公示|评选|入选|证书|牌匾|授牌|atm|解除分期|取消分期|解除扣款|取消扣款|解除自动扣款|"
        "取消自动扣款|解除重复扣款|取消重复扣款|转过去|打过去|汇过去|"
        # (_TRANSFER's words)
        "wire|wired|wiring|transfer|transfers|transferred|transferring|remit|remitted|remitting|payment|remittance|"
        "转给|转到|转入|转账|转款|汇给|汇款|汇入|汇至|汇到|打款|打到|付给|付出去|付款给|保证金|货款|款项|尾款|定金|预付款|"
        "new account|updated account|changed account|different account|alternative account|"
        "alternate account|temporary account|opened a new|户口|改汇|改转|改付|改打|罚款|罚锾|罚金|fine|penalty|"
        "instead|other account|alternative account|another account|subsidiary account|settlement account|"
        "secondary account|offshore account|overseas account|my direct deposit|my payroll|my salary|my bank|"
        "new card|工资|薪水|薪资|薪金|工资卡|银行卡|withdraw|withdrawal|"
        "付到|付至|付入|转至|付款到|付款至|付款入|汇款到|汇款至|汇款入|转款到|转款至|转款入|汇至|汇入|转入|代理商|第三方|合作方|关联公司|垫付|诚意金|订金|"
        "details have|details has"),
    "personal_data": (
        "sign in with your|sign-in with your|signin with your|log in with your|log-in with your|login with your|"
        "sign in using your|log in using your|using your email|using your e-mail|using your company|"
        "using your corporate|using your work|using your office|using your microsoft|公司邮箱|企业邮箱|工作邮箱|"
        "with your company|with your corporate|with your business|with your work|with your office365|"
        "with your office 365|with your microsoft 365|with your m365|with your outlook|with your email|"
        "with your e-mail|using your business|using your office365|using your office 365|using your microsoft 365|"
        "using your m365|using your outlook|use your company|use your corporate|use your business|use your work|"
        "use your office365|use your office 365|use your microsoft 365|use your m365|use your outlook|"
        "use your email|use your e-mail|"
        "card details|credit card|credit cards|debit card|debit cards|card information|expiry date|security code|"
        "security codes|bank details|bank account|bank accounts|account number|account numbers|routing number|"
        "routing numbers|sort code|sort codes|card number|card numbers|cvv|cvc|pin|password|passwords|passcode|"
        "passcodes|one-time code|one-time codes|one-time passcode|one-time passcodes|otp|verification code|"
        "verification codes|social security|ssn|passport|date of birth|full name|home address|your address|"
        "postal address|delivery address|phone number|phone numbers|telephone number|telephone numbers|id card|"
        "mobile number|mobile numbers|your age|occupation|your country|"
        "country of residence|login details|login credentials|login information|"
        "sign-in details|sign-in credentials|credentials|apple id|your account|your apple id|your mailbox|your login|"
        "your identity|banking|token|token code|token codes|security token|2fa code|2fa codes|user id|userid|"
        "网银|u盾|microsoft account|信用卡号|信用卡资料|信用卡信息|以信用卡|用信用卡|"
        "office 365 account|office365 account|outlook account|email account|e-mail account|mailbox account|"
        "microsoft 365 account|microsoft 365 password|microsoft 365 credentials|m365 account|m365 password|"
        "m365 credentials|office 365 password|office 365 credentials|"
        "email password|e-mail password|mailbox password|"
        "corporate password|company password|work password|microsoft password|outlook password|email credentials|"
        "corporate credentials|company credentials|work credentials|microsoft credentials|"
        "您的账户|您的帐户|您的账号|您的邮箱|您的身份|你的账户|你的帐户|你的账号|你的邮箱|你的身份|"
        "银行资料|收款账户|银行账户|银行户口|户口资料|户口号码|登录信息|账户信息|账号信息|登录账号|"
        "身分证|身分证号码|身分证字号|银行帐户|银行帐号|收款帐户|帐户信息|帐号信息|帐号密码|"
        "copy of your|scan of your|photo of your|"
        "银行卡|银行账号|卡号|密码|验证码|身份证|支付宝账号|全名|开户行|姓名|住址|地址|手机号|电话号码|年龄|职业|"
        # (_REMOTE's words)
        "anydesk|teamviewer|quicksupport|rustdesk|ultraviewer|supremo|screenconnect|logmein|向日葵|todesk|屏幕共享|"
        "共享屏幕|远程控制|远程协助|"
        # (DISABLE_AV's words)
        "杀毒软件|杀软|防火墙|安全软件|电脑管家|360|防病毒软件|antivirus|anti-virus|security software|firewall|"
        "windows defender|defender|endpoint protection|"
        # (_CALLBACK's words)
        "if you did not|if you didn't|if you didnot|if you did n't|if this was not|if this wasn't|if you do not|"
        "if you don't|如非|若非|如果非|如不是|若不是|如果不是"),
    "private_channel": (
        "微信|weixin|wechat|vx|v信|薇信|qq|telegram|whatsapp|viber|skype|kakao|t.me|wa.me|line id|line|"
        "lineid|between us|between the two of us|to yourself|keep this|keep it|keep the|keep your|"
        "discussed with|mentioned with|speak about it|speak about this|talk about it|talk about this|loop in|"
        "cc anyone|cc anybody|cc others|cc the team|copy in|involve anyone|involve anybody|involve others|"
        "involve the team|"
        "告诉|告知|透露|保密|任何人|no one|"
        "don't tell|do not tell|don't mention|do not mention|don't discuss|do not discuss|can't talk|cannot talk|"
        + _each("don't /do not ", "inform/contact/call") + "|"
        "can not talk|unable to talk|answer phone|answer the phone|take calls|take any calls|in a meeting|"
        "board meeting|don't call|do not call|" + _each("by/via", " ", "/this ", "email/e-mail") + "|"
        "reply only|address only|treat|not discuss|not mention|not share|"
        "打电话|致电|来电|拨打总机|"
        "先别|不要跟|不要和|不要在群里|不要让|别跟|别和|别让|别在群里|别告诉|声张|不方便|开会|无法接|不能接|没法接|电话确认|电话核实|电话联系|电话沟通|泄露|提及|"
        + "|".join(sorted(FREEMAIL))),
    "pressure": (
        "within|in the next|hour|hours|hr|hrs|day|days|today|tonight|midnight|immediately|right away|now|"
        "urgent|urgently|expires|expiring|forfeit|forfeited|cancelled|canceled|returned|closed|frozen|blocked|"
        "locked|terminated|deactivated|seized|restricted|confiscated|suspension|closure|termination|deactivation|"
        "legal action|signed out|logged out|locked out|"
        "arrest warrant|arrested|disabled|deleted|purged|be able to|rejected|bounced|withheld|"
        "停止|暂停|吊销|撤销|征信|禁用|作废|封停|关停|否则|缺席判决|强制执行|失信|经营异常|on hold|limited|积分|锁定|"
        "无法|不能|冻结|停用|注销|起诉|拘留|逮捕|没收|销户|追究|强制措施|法律责任|关闭|销毁|下架|"
        "suspended|lost|last chance|final|left|remain|remaining|spot|spots|limited|"
        "time is short|小时|天内|日内|"
        "今天|今日|今晚|当天有效|立即|马上|立刻|逾期|过期作废|自动放弃|即将|清零|名额|仅剩|限时|截止|"
        "紧急|加急|failure to|will result in|will lead to|will incur|doubled|collection agency|collection agents|"
        "collections agency|collections agents|collection agent|collections agent"),
    "lure": (
        # ("view" is left out: the scan would meet it inside every "review")
        "sign in|sign-in|signin|log in|log-in|login|click|open|download|current password|same password|"
        # (not 在线: its variants hold Taiwan's 線上 but not 线上, which the scan would then find unlike the normalised
        # text; the payment words open those windows)
        "existing password|scan|listen|收听|"
        "点击|登录|登陆|登入|查看|下载|扫码|扫描|打开附件|保留|shared|共享|分享|pay|立即|"
        "update|verify|validate|reactivate|restore|unlock|confirm your identity|confirming your identity|"
        "缴纳|缴费|支付|付款|"
        "quota|storage|capacity|扩容|review and sign|review document|review documents|with your|release|释放|link|"
        "portal"),
}.items()}
# characters read either side of an anchor word: as far as the family's patterns reach from it
# ("congratulations … approved" spans a paragraph; a fee's "shipping and handling" is itself)
WINDOW = {"windfall": 150, "returns": 80, "fee": 120, "personal_data": 120, "private_channel": 80, "pressure": 40,
          "lure": 90}


# what makes a percentage a price or a business share ("20% of the first-year subscription revenue"), read
# after it (beyond the window, as in the whole text)
_PRICE = re.compile(r" ?(?:[\w-]+ ){0,2}(?:off|discount|cash ?back|rebate|commission|margin|markup)\b|"
                    r" of (?:the |your |our |their |all |each |every )?(?:[\w-]+ ){0,3}(?:revenues?|sales|profits?|"
                    r"turnover|margins?|fees?|subscriptions?|billings?|income)\b")
