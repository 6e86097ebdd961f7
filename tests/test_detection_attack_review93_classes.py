"""A second attack review of this session's scam readings (on 8923527), kept as tests (issue 19).

GENUINE: 82 messages written against the new readings (Traditional-Chinese mail from Taiwan and Hong Kong folded
more widely, conference and training fees, customs brokers and data vendors named 海关…, a service account
"deactivated", a customer paying "from our BNZ account", a broker relaying a real customs inquiry, a recruiter whose
candidates "feel lonely", companies on .com.de/.sa.com/.co.com, ZoomInfo, Groupe ADP, an IRCC-registered consultant…),
all delivered. Six were held by 8923527 (会务费 with 名额有限, 培训费 "以确认席位", 海关数据科技, "our Zoom account was
deactivated", the broker's relayed inquiry, the recruiter's "feel lonely") and are delivered now; three the review
listed are left out: an alumna who writes "I feel a bit lonely here … my WeChat" (the romance opener's shape), a
recruitment site's renewal from a look-alike of 51job.com and a supplier's quote whose import duty is "borne by you"
with "confirm urgently" (both held by e94512c too).

SCAMS: rewordings delivered by 8923527, held now: the overpayment "to my wife … Her bank", "nominated you to
headline … speaker package", "should not be shared with your colleagues or bank", "wire the surplus to them", "came
across your page … living alone", 退给我表弟."""

from __future__ import annotations

import pytest

from tests.test_detection_attack_review91_classes import _action

GENUINE = [
    (
        'tw_invoice_jinkuai',
        '林美華',
        'mhlin@hsinchu-precision.com.tw',
        '3月份請款單',
        '陳經理您好：\n\n附件為3月份請款單（發票號碼 AB12345678），金額新台幣186,000元，付款條件為月結60天，已到期'
        '。\n請儘快安排付款至本公司帳戶：\n台灣銀行 新竹分行 帳號 012-345-67890-1\n戶名：新竹精密股份有限公司\n\n如'
        '有任何問題，歡迎與我聯繫。\n\n林美華 敬上\n新竹精密股份有限公司 會計部',
        {},
    ),
    (
        'hk_invoice_wire',
        'Mandy Chan',
        'mandy.chan@kowloon-packaging.com.hk',
        '發票 INV-2291',
        '陳先生：\n\n附上本月發票 INV-2291，金額港幣48,600元。請於本週五前滙款至本公司滙豐銀行戶口：\n滙豐銀行 004-'
        '123-456789-001\n戶口名稱：九龍包裝有限公司\n滙款後請將入數紙電郵給我們。\n\n謝謝！\nMandy',
        {},
    ),
    (
        'hk_rent_deposit',
        'Harbour Property Mgmt',
        'leasing@harbourprop.com.hk',
        '新租約 - 按金及保証金安排',
        '陳先生：\n\n多謝貴公司租用觀塘寫字樓 12 樓 A 室。根據租約，請於簽約時繳付租務保証金港幣90,000元（即三個月'
        '租金）及首月租金，支票抬頭「海港物業管理有限公司」。\n\n如有疑問請致電 2345 6789。\n\n海港物業管理有限公司'
        ' 租務部',
        {},
    ),
    (
        'hk_iso_cert',
        'HKQAA 客戶服務',
        'cs@hkqaa-audit.com.hk',
        'ISO 9001 年度監督審核',
        '貴公司負責人：\n\n貴公司 ISO 9001 証書將於2026年5月到期。年度監督審核安排於4月10日進行，認証費港幣12,000元'
        '，請於審核前繳付。\n\n審核員名單及流程見附件。\n\n客戶服務部',
        {},
    ),
    (
        'hk_staff_card',
        '人力資源部 - 港灣物流',
        'hr@harbour-logistics.com.hk',
        '補領員工証',
        '各位同事：\n\n如員工証遺失，請到人力資源部填表補領，製卡費港幣50元，於下月薪金中扣除。\n\n人力資源部',
        {},
    ),
    (
        'hk_onboarding',
        'Jessica Wong',
        'jessica.wong@pacificbuild.com.hk',
        '入職資料',
        '陳先生：\n\n恭喜你獲聘為項目工程師，入職日期為4月1日。請於入職當日帶備身份証、住址證明及學歷証書正本，並填'
        '妥附件的僱員資料表（包括姓名、住址、手機號碼）。\n\n如有查詢請與我聯繫。\n\nJessica Wong\n人力資源部',
        {},
    ),
    (
        'tw_conference_reg',
        '台灣智慧製造論壇',
        'forum@tsmf.org.tw',
        '2026 台灣智慧製造論壇報名確認',
        '陳先生您好：\n\n感謝您報名參加本論壇。註冊費為新台幣3,000元，請於5月1日前完成繳費，註冊完成後將寄送電子入'
        '場証。\n\n主辦單位 敬上',
        {},
    ),
    (
        'tw_speaker_fee',
        '王教授',
        'wang@ntu.edu.tw',
        '演講邀請',
        '陳總經理您好：\n\n敬邀您於6月12日擔任本校產學論壇之主題演講嘉賓，講題由您決定。本校將支付嘉賓費新台幣10,00'
        '0元及交通費。\n\n敬請回覆是否方便。\n\n王大明 敬上',
        {},
    ),
    (
        'tw_boss_visit',
        '張志明',
        'cmchang@taichung-machinery.com.tw',
        '下週拜訪',
        '陳經理您好：\n\n我們老闆下週三會到上海，想順道拜訪貴公司，討論明年的採購合約。請問您是否方便？另外上週寄出'
        '的樣品已簽收了嗎？\n\n張志明',
        {},
    ),
    (
        'tw_line_contact',
        'Amy Huang',
        'amy@tainan-textile.com.tw',
        '樣品寄出通知',
        '陳先生您好：\n\n樣品已於今天寄出，追蹤號碼 TW123456789。如有任何問題，歡迎透過LINE與我聯繫，LINE ID: amy_t'
        'ainan。\n\nAmy',
        {},
    ),
    (
        'tw_signing',
        '業務部',
        'sales@kaohsiung-steel.com.tw',
        '合約簽署',
        '陳經理您好：\n\n附件為年度供貨合約，請簽字蓋章後回傳。簽約後我們將於一週內安排第一批出貨，貨款請依合約匯款'
        '至本公司帳戶。\n\n業務部',
        {},
    ),
    (
        'hk_bank_acct_cancel',
        'Kelvin Lau',
        'kelvin@lau-trading.com.hk',
        '公司資料更新',
        '陳生：\n\n通知一聲，我們已於上月註銷舊的中銀戶口，但收款戶口不變，仍然係滙豐 004-567-890123-838。請繼續按'
        '原合同戶口付款。\n\nKelvin',
        {},
    ),
    (
        'hk_anniv',
        'SOGO 會員服務',
        'member@sogo-hk-mail.com',
        '週年慶會員優惠',
        '親愛的會員：\n\n崇光週年慶將於9月1日開始，會員憑卡可享額外九折，抽獎活動獎品包括旅遊套票。詳情請瀏覽官網。'
        '\n\n如不欲再收到本通訊，請回覆取消。',
        {},
    ),
    (
        'tw_verify_code',
        '台新銀行',
        'service@taishinbank.com.tw',
        '網路銀行登入通知',
        '親愛的客戶您好：\n\n您已於 2026/03/02 10:31 登入網路銀行。本行不會以電子郵件要求您提供密碼或驗証碼。如非本'
        '人操作，請立即致電客服。\n\n台新銀行',
        {},
    ),
    (
        'hk_cantonese',
        '阿明',
        'ming@hkfood-supply.com.hk',
        'Re: 訂單',
        '陳生：\n\n呢張單係上個月嘅，我哋已經出咗貨。餘款港幣8,600，麻煩儘快滙入我哋戶口，多謝晒！\n\n阿明',
        {},
    ),
    (
        'cn_conf_notice',
        '中国机械工程学会',
        'meeting@cmes-conf.org.cn',
        '关于召开2026年全国智能制造学术年会的通知',
        '各有关单位：\n\n2026年全国智能制造学术年会定于5月20-22日在杭州召开。\n\n一、会务费：正式代表1800元/人，学'
        '生1000元/人，含资料费、餐费。住宿统一安排，费用自理。\n二、缴费方式：请于5月10日前将会务费汇至以下账户，汇'
        '款时请注明“年会+姓名”。\n户名：中国机械工程学会\n开户行：工商银行北京海淀支行\n账号：0200 0045 0900 1234 5'
        '67\n三、名额有限，请尽快报名，报名截止日期为5月10日。\n\n联系人：李老师 010-6851 2345\n\n中国机械工程学会'
        '\n2026年3月1日',
        {},
    ),
    (
        'cn_training_seat',
        '华南质量培训中心',
        'train@scqtc.com',
        'IATF16949内审员培训报名确认',
        '陈经理您好：\n\n贵司报名的IATF16949内审员培训（4月15-17日，广州）已收到。培训费每人2,800元，请于4月5日前汇'
        '款以确认席位，逾期名额将释放给候补学员。发票在培训结束后开具。\n\n培训部 刘老师',
        {},
    ),
    (
        'cn_guest_fee',
        '复旦大学管理学院',
        'events@fudan-som.edu.cn',
        '论坛演讲邀请',
        '陈总您好：\n\n诚挚邀请您担任6月8日“数字化供应链论坛”的主题演讲嘉宾。学院将支付嘉宾费人民币8,000元（税前）'
        '，并承担往返交通及住宿。请于4月30日前回复确认。\n\n复旦大学管理学院 活动部',
        {},
    ),
    (
        'cn_assoc_annual',
        '深圳市电子商会',
        'service@szec.org.cn',
        '2026年度会员年费缴纳通知',
        '尊敬的会员单位：\n\n根据商会章程，2026年度会员年费为人民币5,000元，请于3月31日前汇至商会账户（见附件），逾'
        '期未缴纳的会员单位将暂停会员服务。\n\n深圳市电子商会秘书处',
        {},
    ),
    (
        'cn_license_annual',
        '用友软件',
        'service@yonyou-partner.com',
        '软件年度服务续费',
        '陈总您好：\n\n贵司U8软件年度授权费为人民币12,000元，将于4月30日到期。请在到期前完成续费，以免影响正常使用'
        '。付款账户见附件报价单。\n\n用友软件 客户成功部',
        {},
    ),
    (
        'cn_award_review',
        '中国包装联合会',
        'award@cpf.org.cn',
        '2026中国包装设计奖参评通知',
        '各参评单位：\n\n感谢贵司提交参评作品。评审费为每件作品人民币600元，请于5月15日前汇至组委会账户，评审结果将'
        '于7月公布。\n\n组委会',
        {},
    ),
    (
        'cn_freight_borne',
        '周经理',
        'zhou@yida-packaging.com',
        '订单确认',
        '陈总您好：\n\n订单PO-8821已确认。按合同约定，运费及保险费需贵司承担，我司将代为安排物流，费用随货款一起结'
        '算。请于发货前支付30%预付款。\n\n易达包装 周敏',
        {},
    ),
    (
        'en_po_terms',
        'Procurement - Nordwind GmbH',
        'procurement@nordwind-gmbh.de',
        'Purchase order 4500123 – terms',
        'Dear Supplier,\n\nPlease find attached purchase order 4500123. Delivery DDP Hamburg. Any inspection fee fo'
        "r re-inspection after a failed first article is the supplier's responsibility. Payment 60 days net after r"
        'eceipt of goods.\n\nPlease confirm the order within 3 days.\n\nNordwind GmbH Procurement',
        {},
    ),
    (
        'en_quote_borne',
        'Li Wei',
        'liwei@ningbo-fasteners.com',
        'Quotation QT-2291',
        'Dear Tom,\n\nPlease see our quotation QT-2291: EXW Ningbo, USD 0.42/pc. Import duty, VAT and customs clear'
        'ance fees at destination are borne by you. Payment: 30% T/T deposit, balance before shipment.\n\nBest rega'
        'rds,\nLi Wei',
        {},
    ),
    (
        'en_conf_reg_bracket',
        'ICSM 2026',
        'info@icsm-conference.org',
        'ICSM 2026 - author registration reminder',
        'Dear Author,\n\nCongratulations again on the acceptance of paper #214. At least one author must complete t'
        'he author registration (USD 690) by 15 May for the paper to be included in the proceedings. Register at ht'
        'tps://icsm-conference.org/register.\n\nICSM 2026 Organising Committee',
        {},
    ),
    (
        'en_speaking_slot',
        'Programme Committee – EuroPack Summit',
        'programme@europacksummit.eu',
        'Your abstract has been accepted',
        "Dear Dr Chen,\n\nWe are pleased to inform you that your abstract 'Recyclable barrier films' has been accep"
        'ted for an oral presentation. To secure your speaking slot, please register by 30 April; the presenter reg'
        'istration fee is EUR 450 (reduced from EUR 690).\n\nKind regards,\nProgramme Committee',
        {},
    ),
    (
        'en_featured_speaker',
        'Sarah Miller',
        'sarah.miller@packexpo-events.com',
        'Invitation: featured speaker at PackTech Forum',
        'Dear Dr Chen,\n\nOur programme committee has selected you as a featured speaker for the PackTech Forum in '
        'Chicago on 12 October, based on your talk at interpack. We will cover your travel and two hotel nights. Yo'
        'ur colleagues can attend at the discounted delegate fee of USD 395 with code SPEAKER25.\n\nBest,\nSarah Mi'
        'ller\nProgramme Director',
        {},
    ),
    (
        'en_membership_suspend',
        'Chartered Institute of Procurement & Supply',
        'membership@cips.org',
        'Your CIPS membership renewal',
        'Dear Tom,\n\nYour CIPS membership expires on 31 March. To avoid suspension of your MCIPS status, please re'
        'new online; the annual membership fee is GBP 245. If you have already renewed, please ignore this email.\n'
        '\nCIPS Membership Team',
        {},
    ),
    (
        'en_accreditation_fee',
        'UKAS',
        'accounts@ukas.com',
        'Annual accreditation fee invoice',
        'Dear Customer,\n\nPlease find attached invoice 77120 for your annual accreditation fee of GBP 3,950 for la'
        'boratory 2291. Payment is due within 30 days to the account shown on the invoice.\n\nUKAS Finance',
        {},
    ),
    (
        'en_wes_evaluation',
        'World Education Services',
        'notifications@wes.org',
        'WES evaluation - payment received',
        'Dear Applicant,\n\nWe have received your application for a Course-by-Course evaluation. The evaluation fee'
        ' of USD 245 plus delivery fee is payable online before we begin the review. Your reference number is 12345'
        '678.\n\nWES',
        {},
    ),
    (
        'en_biometrics_lawyer',
        'Emma Clarke',
        'e.clarke@clarke-immigration.co.uk',
        'Your visa application - next steps',
        'Dear Mr Chen,\n\nWe have submitted your Skilled Worker application. The next step is your biometrics appoi'
        'ntment at the VFS centre in Shanghai. The biometrics fee is included in the UKVI fee you already paid; an '
        'optional priority service costs GBP 500 if you want a faster decision.\n\nKind regards,\nEmma Clarke\nSoli'
        'citor',
        {},
    ),
    (
        'en_hotel_auth',
        'Marriott Reservations',
        'reservations@marriott-hotels.com',
        'Reservation confirmation 88123',
        'Dear Mr Chen,\n\nThank you for your reservation at Shanghai Marriott, 12-15 May. Please note a pre-authori'
        'sation charge of USD 150 per night will be placed on your card at check-in to cover incidentals.\n\nMarrio'
        'tt Reservations',
        {},
    ),
    (
        'cn_training_seat2',
        '华南质量培训中心',
        'train@scqtc.com',
        'IATF16949内审员培训报名确认',
        '陈经理您好：\n\n贵司报名的IATF16949内审员培训（4月15-17日，广州）已收到。培训费每人2,800元，请于4月5日前汇'
        '款以确认席位。本期名额有限，先到先得。发票在培训结束后开具。\n\n培训部 刘老师',
        {},
    ),
    (
        'cn_conf_notice_tw',
        '台灣機械工程學會',
        'meeting@csme.org.tw',
        '2026年會通知',
        '各位會員：\n\n本會2026年會訂於5月20日在台中舉行。會務費每人新台幣2,500元，請於5月1日前匯款至本會帳戶（台灣'
        '銀行 帳號 012-345-678901）。名額有限，請儘早報名。\n\n台灣機械工程學會 秘書處',
        {},
    ),
    (
        'cn_conf_notice2',
        '全国高校物流教学研讨会',
        'hy2026@wuliu-edu.cn',
        '第十二届全国高校物流教学研讨会（第二轮通知）',
        '各位老师：\n\n会议时间：2026年7月10-12日，地点：成都。\n会务费：1500元/人（含会议资料、餐费），交通住宿自'
        '理。请于6月20日前通过银行转账缴纳会务费，备注“单位+姓名”，报到时领取发票。\n因会场座位有限，请尽快回执报名'
        '。\n\n会务组',
        {},
    ),
    (
        'en_zoom_deactivated',
        'Peter Novak',
        'peter.novak@alpinesensors.at',
        "Today's call - new link",
        "Hi Tom,\n\nQuick note: our Zoom account was deactivated last week after the licence change, so today's 3pm"
        ' call will be on Teams instead. Link: https://teams.microsoft.com/l/meetup-join/abc. The agenda is the Q3 '
        'forecast and the open invoice 2291 for EUR 18,400.\n\nPeter',
        {},
    ),
    (
        'en_dhl_account_closed',
        'Sales - Kestrel Tools',
        'sales@kestreltools.co.uk',
        'Shipping update',
        'Hi Chen,\n\nJust to let you know our DHL account was closed at the end of March, so from now on we ship wi'
        'th FedEx. Transit times are the same. Invoice 5512 (GBP 2,340) is attached, payable to our usual Barclays '
        'account as before.\n\nRegards,\nKestrel Tools',
        {},
    ),
    (
        'en_customer_closed',
        'Accounts - Harbour Foods',
        'accounts@harbourfoods.co.nz',
        'Remittance advice',
        "Hi,\n\nOur Westpac account has been closed, so going forward we will pay you from our BNZ account. Today's"
        ' remittance for invoices 905 and 912 (NZD 8,420) is attached.\n\nThanks,\nSara',
        {},
    ),
    (
        'en_refund_spouse_customer',
        'Mary Jones',
        'mary.jones@btinternet.com',
        'Refund for cancelled order 4471',
        "Hello,\n\nI cancelled order 4471 yesterday. The payment was made with my husband's card, so please refund "
        "it to my husband's account - the same card it was paid from.\n\nThanks,\nMary Jones",
        {},
    ),
    (
        'cn_refund_colleague',
        '王芳',
        'wangfang@hzkeji.com',
        '退款',
        '李经理您好：\n\n上次培训的费用是我同事垫付的，现在课程取消了，麻烦把培训费退回到我同事的账户（原路退回即可'
        '）。\n\n谢谢！王芳',
        {},
    ),
    (
        'cn_continue_old',
        '财务部',
        'finance@sz-dianzi.com',
        '关于我司银行账户信息的说明',
        '贵司财务部：\n\n近期有不法分子冒充我司发送变更收款账户的邮件。特此说明：我司收款账户没有任何变更，请继续按'
        '原合同账户付款。若日后收到任何本公司变更账户的通知，请先致电合同上预留的座机号码确认。\n\n深圳电子有限公司'
        ' 财务部',
        {},
    ),
    (
        'com_de_company',
        'Jürgen Weber',
        'j.weber@weber-metall.com.de',
        'Rechnung 2026-0311',
        'Sehr geehrter Herr Chen,\n\nanbei unsere Rechnung 2026-0311 über EUR 4.860,00 für die Lieferung vom 2. Mär'
        'z. Zahlbar innerhalb 30 Tagen auf unser Konto bei der Sparkasse Stuttgart, IBAN DE12 6005 0101 0001 2345 6'
        '7.\n\nMit freundlichen Grüßen\nJürgen Weber\nWeber Metallbau GmbH',
        {},
    ),
    (
        'sa_com_company',
        'Khalid Al-Harbi',
        'khalid@gulfpipes.sa.com',
        'Invoice 8812',
        'Dear Mr Chen,\n\nPlease find attached invoice 8812 for the flanges shipped on 3 March, amount USD 12,450, '
        'payable to our account with Al Rajhi Bank, IBAN SA03 8000 0000 6080 1016 7519.\n\nRegards,\nKhalid Al-Harb'
        'i\nGulf Pipes Trading',
        {},
    ),
    (
        'co_com_company',
        'Andrés Gómez',
        'agomez@flores-andinas.co.com',
        'Factura FA-221',
        'Dear Tom,\n\nAttached is invoice FA-221 for the March flower shipment, USD 6,300, payable to our Bancolomb'
        'ia account as usual.\n\nBest,\nAndrés',
        {},
    ),
    (
        'it_com_company',
        'Marco Rossi',
        'marco@rossi-valvole.it.com',
        'Offerta e fattura proforma',
        'Dear Mr Chen,\n\nAttached is our proforma invoice PF-118 for 200 ball valves, EUR 9,800, 30% advance to ou'
        'r account at Intesa Sanpaolo (IBAN IT60 X054 2811 1010 0000 0123 456).\n\nBest regards,\nMarco Rossi',
        {},
    ),
    (
        'eu_org_ngo',
        'OpenHardware Association',
        'board@openhw.eu.org',
        'Membership invoice 2026',
        'Dear member,\n\nThank you for renewing your corporate membership. The invoice (EUR 500) is attached; pleas'
        'e pay by bank transfer to the IBAN on the invoice.\n\nThe Board',
        {},
    ),
    (
        'se_com_schneider',
        'Schneider Electric',
        'no-reply@mail.se.com',
        'Your order confirmation SO-771231',
        'Dear Customer,\n\nThank you for your order SO-771231. Estimated delivery: 14 March. Your invoice will be s'
        'ent separately and payment is due per your account terms.\n\nSchneider Electric Customer Care',
        {},
    ),
    (
        'hk_deposit2',
        'Harbour Property Mgmt',
        'leasing@harbourprop.com.hk',
        '新租約 - 保証金安排',
        '陳先生：\n\n多謝貴公司租用觀塘寫字樓12樓A室。請於3月15日前繳納租務保証金港幣90,000元至本公司戶口（滙豐 004'
        '-123-456789-001），逾期單位將推出市場。\n\n海港物業管理有限公司 租務部',
        {},
    ),
    (
        'hk_iso_cert2',
        'HKQAA 客戶服務',
        'cs@hkqaa-audit.com.hk',
        'ISO 9001 年度監督審核',
        '貴公司負責人：\n\n貴公司 ISO 9001 証書將於2026年5月到期。請於4月1日前繳納年度認証費港幣12,000元，逾期証書'
        '將被暫停。\n\n客戶服務部',
        {},
    ),
    (
        'tw_conf_reg2',
        '台灣智慧製造論壇',
        'forum@tsmf.org.tw',
        '報名確認',
        '陳先生您好：\n\n感謝您報名本論壇。請於5月1日前繳納註冊費新台幣3,000元，名額有限，逾期將取消報名資格。\n\n'
        '主辦單位 敬上',
        {},
    ),
    (
        'hk_card_fee2',
        '中銀信用卡',
        'card@bochk-notice.com.hk',
        '補發信用卡',
        '親愛的客戶：\n\n閣下申請補發信用卡，需繳付製卡費港幣100元，將於下期月結單扣除。\n\n中銀信用卡中心',
        {},
    ),
    (
        'tw_bank_jinkuai',
        '玉山銀行 企業金融',
        'corp@esunbank.com.tw',
        '帳戶資料更新',
        '陳經理您好：\n\n依洗錢防制法規定，本行需定期更新企業客戶資料。請儘快提供公司負責人身份証影本及最新登記資料'
        '，並於3月31日前寄回分行。\n\n玉山銀行 企業金融部',
        {},
    ),
    (
        'zoominfo',
        'ZoomInfo',
        'no-reply@zoominfo.com',
        'Your weekly intent report',
        'Hi Tom,\n\nYour weekly buyer intent report is ready. 14 companies in your territory are researching packag'
        'ing automation. Sign in to view: https://app.zoominfo.com/\n\nZoomInfo',
        {},
    ),
    (
        'zoomcar',
        'Zoomcar',
        'bookings@zoomcar.com',
        'Booking confirmed',
        'Hi Tom, your Zoomcar booking ZC-88121 is confirmed for 12 March. Security deposit of INR 2,000 will be ref'
        'unded within 7 days of return. Manage booking: https://www.zoomcar.com/bookings',
        {},
    ),
    (
        'adp_architects',
        'Jane Smith',
        'jane.smith@adp-architecture.co.uk',
        'Fee proposal - warehouse extension',
        'Dear Tom,\n\nAttached is our fee proposal for the warehouse extension, GBP 18,500 for RIBA stages 2-4, wit'
        'h 20% invoiced on appointment. Please sign and return the appointment letter if you are happy to proceed.'
        '\n\nJane Smith\nADP Architecture',
        {},
    ),
    (
        'groupe_adp',
        'Groupe ADP',
        'partenaires@groupeadp.fr',
        'Airport partner portal - invoice available',
        'Dear partner,\n\nYour invoice for March terminal advertising space is available in the partner portal. Ple'
        'ase log in with your usual credentials to download it.\n\nGroupe ADP',
        {},
    ),
    (
        'rcic_ircc',
        'Maple Leaf Immigration – IRCC Authorized Representative',
        'info@mapleleaf-immigration.ca',
        'Work permit application - documents needed',
        "Dear Mr Chen,\n\nTo complete your employee's work permit application, please send a copy of her passport a"
        'nd the signed job offer. The IRCC processing fee (CAD 155) and biometrics fee (CAD 85) will be paid online'
        ' by us and invoiced to you.\n\nMaple Leaf Immigration',
        {},
    ),
    (
        'uscis_lawyer',
        'Berry Appleman USCIS Filings',
        'filings@bal.com',
        'H-1B receipt notice',
        "Dear Tom,\n\nUSCIS has issued the receipt notice for Li Wei's H-1B petition (receipt EAC2612345678). The p"
        'remium processing fee was paid from our client account and will be invoiced to your company.\n\nBAL Immigr'
        'ation',
        {},
    ),
    (
        'turnitin_school',
        'Turnitin Admin - Westfield College',
        'it@westfield.ac.uk',
        'Turnitin accounts for new staff',
        'Hi all,\n\nNew teaching staff: your Turnitin instructor account is created; sign in with your college emai'
        'l via the Moodle link. Contact IT if you have problems.\n\nIT Services',
        {},
    ),
    (
        'customs_broker_display',
        '宁波海关报关服务中心',
        'service@nbbaoguan.com',
        '报关费用清单',
        '陈总您好：\n\n3月份报关费用清单见附件，共计人民币6,820元，请于月底前支付至我司对公账户。\n\n宁波报关服务中'
        '心',
        {},
    ),
    (
        'trade_data_keji',
        '杭州海关数据科技有限公司',
        'sales@hgdata.cn',
        '海关数据年费续费',
        '陈经理您好：\n\n贵司订阅的海关进出口数据服务将于4月30日到期，续费年费为人民币12,800元，请在到期前付款以免'
        '服务中断。\n\n杭州海关数据科技有限公司',
        {},
    ),
    (
        'port_services',
        '上海港海关查验办公室服务台',
        'service@shport-service.com',
        '查验预约',
        '您好，贵司柜号 TGHU1234567 已预约3月12日查验，查验费及搬移费人民币1,200元请于查验前支付至码头账户。',
        {},
    ),
    (
        'hk_seminar_wire',
        '香港物流協會',
        'events@hklogistics-assn.org.hk',
        '研討會報名確認',
        '各位會員：\n\n感謝報名參加3月28日「跨境電商物流研討會」。每位費用港幣800元，請於3月20日前滙款至本會滙豐銀'
        '行戶口 004-567-890123-001，並將入數紙電郵至本會。名額有限，額滿即止。\n\n香港物流協會 秘書處',
        {},
    ),
    (
        'hk_supplier_wire_today',
        'Kelvin Lau',
        'kelvin@lau-trading.com.hk',
        '貨款',
        '陳生：\n\n貨物已於今日出倉，請儘快將尾數港幣36,000元滙入我哋公司戶口（滙豐 004-567-890123-838），收到款後'
        '即安排送貨。\n\nKelvin',
        {},
    ),
    (
        'hk_reg_deposit',
        'Pacific Expo',
        'sales@pacificexpo.com.hk',
        '展位確認',
        '陳先生：\n\n已為貴公司保留展位 3C-12，請於簽約後7天內繳付展位按金港幣20,000元（滙款至本公司滙豐戶口），逾'
        '期展位將自動釋放。名額有限。\n\nPacific Expo 銷售部',
        {},
    ),
    (
        'tw_weekly',
        'Amy Huang',
        'amy@tainan-textile.com.tw',
        '本週出貨與付款',
        '陳先生您好：\n\n本週五將出貨，請於出貨前支付30%訂金至本公司帳戶（見附件形式發票）。\n另外我們老闆說上週報'
        '價有效期只到本週，請儘快確認。\n\nAmy',
        {},
    ),
    (
        'bank_token_serial',
        'HSBC Business Banking',
        'businessbanking@hsbc.co.uk',
        'Replacing your Security Devices',
        'Dear Customer,\n\nWe are replacing Security Devices for all online banking users in your company. Your sys'
        'tem administrator can see the token serial numbers of each user in HSBCnet under Security > Devices. We wi'
        'll never ask you for your codes by email.\n\nHSBC',
        {},
    ),
    (
        'erp_token_serial_vendor',
        'Li Ming',
        'li.ming@shenzhen-it-services.com',
        'RSA token replacement',
        'Hi Tom,\n\nFor the token replacement project, please send me the list of online banking users and their to'
        'ken serial numbers so we can order the replacements from the bank before 31 March.\n\nLi Ming\nIT Services',
        {},
    ),
    (
        'po_open_outlook',
        'Procurement - Nordwind',
        'procurement@nordwind-gmbh.de',
        'RFQ 2291 - drawings on our supplier portal',
        'Dear Supplier,\n\nThe drawings for RFQ 2291 are on our SAP Ariba supplier portal. Open it with your Ariba '
        'login to view the quantities. If you do not have an account, use your company email to register.\n\nNordwi'
        'nd Procurement',
        {},
    ),
    (
        'cn_portal_mailbox',
        '采购部',
        'purchase@midea-supplier.com',
        '供应商门户开通',
        '各位供应商：\n\n我司供应商协同平台已上线，网址 https://srm.midea.com 。账号为贵司在我司登记的企业邮箱，初'
        '始密码已通过短信发送，首次登录后请修改密码。\n\n美的集团 采购部',
        {},
    ),
    (
        'police_seminar',
        '经侦支队 宣传科',
        'fzxc@gaj.sz.gov.cn',
        '防范电信诈骗宣传',
        '各企业财务人员：\n\n近期出现冒充公检法诈骗：骗子称您涉嫌洗钱，要求配合调查，并要求不要告诉任何人。请记住：'
        '公安机关不会通过邮件办案，如遇此类情况请拨打110。',
        {},
    ),
    (
        'law_firm_dawn_raid',
        'Allen & Partners',
        'm.lee@allenpartners-law.com',
        'Customs investigation - privileged',
        'Dear Tom,\n\nAs discussed, HMRC Customs has opened an inquiry into the classification of your March import'
        's; they have not alleged smuggling but are reviewing undervaluation. The investigating officer, Mr Reid, m'
        'ay call you. Please contact the officer only through us, and do not discuss this with anyone outside the b'
        'oard until we have advised.\n\nBest regards,\nMichael Lee\nPartner',
        {},
    ),
    (
        'cn_customs_broker_case',
        '张经理',
        'zhang@hfcustoms-broker.com',
        '关于贵司报关单被海关调查的情况',
        '陈总您好：\n\n贵司2月的一票进口货物因申报价格偏低，海关缉私部门怀疑涉嫌低报价格，已立案调查，需要贵司配合'
        '调查，提供合同和付款凭证。办案人员可能会直接联系您。此事在结案前请勿对外透露。\n\n张伟 宏丰报关行',
        {},
    ),
    (
        'recruiter_profile',
        'Linda Park',
        'linda.park@talentbridge.com',
        'Opportunity in Singapore',
        'Hi Tom,\n\nI saw your profile on LinkedIn and was impressed. Many of my candidates who relocate say the fi'
        'rst months feel lonely, so our client offers a relocation coach. Happy to chat on WhatsApp (+65 9123 4567)'
        ' if the Head of Supply Chain role interests you.\n\nLinda',
        {},
    ),
    (
        'cheque_landlord',
        'James Holt',
        'james.holt@holt-lettings.co.uk',
        'Deposit return',
        'Dear Tom,\n\nWe received the company cheque for the deposit and the first month. As agreed, the excess of '
        'GBP 200 will be paid to the landlord directly as his cleaning charge, and the balance returned to you.\n\n'
        'James Holt\nHolt Lettings',
        {},
    ),
    (
        'cn_banquet_seat',
        '香格里拉酒店宴会部',
        'banquet@shangri-la-sz.com',
        '年会宴会预订确认',
        '陈经理您好：\n\n贵司1月18日年会晚宴（20桌）已为您预留宴会厅。请于12月20日前支付定金人民币30,000元以确认席'
        '位，春节前宴会厅档期紧张，逾期将不再保留。\n\n宴会销售部 刘小姐',
        {},
    ),
    (
        'cn_expo_guest',
        '中国国际进口博览会',
        'forum@ciie-forum.org.cn',
        '分论坛嘉宾邀请',
        '陈总您好：\n\n诚邀您作为特邀嘉宾出席11月6日虹桥国际经济论坛分论坛并发言。本次论坛不收取任何嘉宾费或会务费'
        '，食宿由主办方承担。请于10月15日前回复确认，名额有限。\n\n论坛秘书处',
        {},
    ),
    (
        'en_acct_deactivated_saas',
        'Mia Jensen',
        'mia.jensen@nordicdesign.dk',
        'Re-sharing the files',
        'Hi Tom,\n\nOur Dropbox account was deactivated when we moved to SharePoint, so the old links no longer wor'
        "k. I've re-shared the artwork files here: https://nordicdesign.sharepoint.com/s/artwork. Please download t"
        'hem by Friday - the print slot is Monday.\n\nMia',
        {},
    ),
    (
        'cn_hg_keji_invoice',
        '上海海关通科技有限公司',
        'finance@hgtong-tech.com',
        '3月服务费发票',
        '您好，附件为3月份报关系统服务费发票，金额人民币2,400元，请按合同约定支付。\n\n上海海关通科技有限公司 财务部',
        {},
    ),
]

SCAMS = [
    (
        'byp_acct_shut',
        'Accounts - Lin Metals',
        'accounts@lin-metals.com',
        'Updated remittance details',
        'Dear Customer,\n\nPlease be advised that our Citibank account has been shut down following our annual audi'
        't. Kindly remit the outstanding invoice INV-2291 (USD 48,200) to our Standard Chartered account below toda'
        'y:\nAccount: 0102-3344-5566\nSWIFT: SCBLHKHH\n\nRegards,\nAccounts',
        {},
    ),
    (
        'byp_relative_wife',
        'David Brown',
        'david.brown77@gmail.com',
        'Refund request order 8812',
        'Hello,\n\nI overpaid order 8812 by USD 2,400. Since my card is blocked, please send the overpaid amount to'
        ' my wife instead. Her bank: Emirates NBD, IBAN AE07 0331 2345 6789 0123 456, name Fatima Brown.\n\nThanks,'
        ' David',
        {},
    ),
    (
        'byp_zh_relative',
        '王先生',
        'wang8812@163.com',
        '退款',
        '你好，我多付了3000元，我的卡被冻结了，麻烦把多付的钱退给我表弟，他的建行卡号 6217 0012 3456 7890 123。谢谢',
        {},
    ),
    (
        'byp_keynote',
        'Global Leaders Summit',
        'invite@globalleaders-summit.com',
        'Speaker invitation',
        'Dear Mr Chen,\n\nOur advisory board has nominated you to headline the Global Leaders Summit in Dubai as a '
        'guest speaker. To confirm participation, speakers contribute a speaker package of USD 1,950 covering the g'
        'ala dinner and media kit.\n\nBest regards',
        {},
    ),
    (
        'byp_police_en',
        'Interpol Cybercrime Unit',
        'case.officer@interpol-cyber.org',
        'Case 2291 - confidential',
        'Dear Sir,\n\nYour company account has been linked to a money laundering case under investigation. You are '
        'required to contact the investigating officer, Inspector Morgan, on +44 7700 900123 within 24 hours. This '
        'matter is confidential and should not be shared with your colleagues or bank.\n\nCase Officer',
        {},
    ),
    (
        'byp_cheque',
        'Anna',
        'anna.mover@gmail.com',
        'Payment for the pallets',
        "Hi, I will send you a cashier's check for USD 6,500 for the pallets. It includes the pickup money for my s"
        'hipping company, so once it clears please wire the surplus to them. Thanks, Anna',
        {},
    ),
    (
        'byp_romance',
        'Sophia',
        'sophia.lin88@outlook.com',
        'hello',
        'Hello dear, I came across your page on LinkedIn and you look very kind. I am a widow living alone in Singa'
        'pore, life is quiet and I miss having someone to talk to. Write to me on WhatsApp +65 8123 4567.',
        {},
    ),
]


@pytest.mark.parametrize(("name", "display", "address", "subject", "body", "headers"), GENUINE,
                         ids=[g[0] for g in GENUINE])
def test_the_genuine_mail_is_delivered(name: str, display: str, address: str, subject: str, body: str,
                                       headers: dict[str, str]) -> None:
    assert _action(display, address, subject, body, headers) == "deliver"


@pytest.mark.parametrize(("name", "display", "address", "subject", "body", "headers"), SCAMS, ids=[s[0] for s in SCAMS])
def test_the_reworded_scams_are_held(name: str, display: str, address: str, subject: str, body: str,
                                     headers: dict[str, str]) -> None:
    assert _action(display, address, subject, body, headers) in ("quarantine", "reject")
