"""An attack review of 7fb6a87 (this session's scam and data-loss readings), kept as tests (issue 19).

The reviewer wrote genuine mail shaped like each new reading and scams reworded past them:

- GENUINE: held by 7fb6a87 (21 of them) or by e94512c already (a customer's payment from its new account), all to be
  delivered: a supplier's "final quality check … transfer the balance (70%)"; a solicitor returning a cheque's excess
  to its client; a law firm's "there is no allegation of smuggling … do not discuss this with anyone"; a factory
  owner's "lonely job"; a headhunter's 一个人在外; a trademark agent's watch notice proposing an opposition; a directory
  the reader ordered; a booked magazine ad (逾期视为同意刊登); Deloitte's "payment confirmation"; Siemens' "open it with
  your company login" on its own site; Fragomen's "USCIS Team"; VFS for UK Visas; a reseller's "Microsoft
  Licensing"; companies on .uk.com and .us.com; customs brokers; payroll notices with SMS codes; genuine keynote
  invitations…
- SCAMS: delivered by 7fb6a87, all to be held: the fake buyer's "testing company we work with" and "the supplier's
  responsibility"; 接到了…的申请…登记网络品牌; "applying to us to use … as their online brand"; "our HSBC account has
  been deactivated"; "must not be shared with anyone" beside a laundering case; 此事请不要声张 (不法分子 is no
  denial); a cashier's check whose "extra" goes to "our shipper"; "selected you as a featured speaker … speaker
  registration fee"; 主题演讲嘉宾…嘉宾会务费…以确认席位; "refund … to my husband. His bank details…", 退到我表哥那里.

Two cases the review listed are left: a freight forwarder called "Zoom Logistics" (held by e94512c too: a brand's
name beside a word every courier uses), and a Colombian company on .com.co asking to change bank details (a real
country ending; tagged at most)."""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

GENUINE = [
    (
        'refund_relative_en',
        'Linda Wu',
        'linda.wu@brightpack-supplies.com',
        'Re: Credit note CN-2291',
        'Hi Tom,\n\nThanks for returning the damaged cartons. We have issued credit note CN-2291 for USD 1,240'
        ' against invoice 88120. It will be offset against your next order, so no refund is needed.\n\nSeparat'
        'ely, my sister account manager Jenny will take over your account while I am on maternity leave from 1'
        ' March.\n\nBest regards,\nLinda Wu\nSales Manager, BrightPack Supplies Ltd',
        {},
    ),
    (
        'refund_relative_en2',
        'Mark Evans',
        'mark.evans@evansmachining.co.uk',
        'Refund for returned tooling',
        'Hi Chen,\n\nAs agreed we will refund the GBP 850 for the returned fixture to your company account on '
        "file (HSBC, ending 4471) on Friday. Please note I will be out next week as I am flying to my brother'"
        's wedding; my colleague Sam will handle anything urgent.\n\nKind regards,\nMark Evans\nEvans Machinin'
        'g Ltd',
        {},
    ),
    (
        'refund_friend_personal',
        'Karen Li',
        'karen.li@gmail.com',
        'Dinner money',
        "Hi Wei,\n\nThanks for dinner on Saturday! I still owe you for my share. I'll transfer it to your acco"
        "unt tonight. Also, can you send the photos to my sister's account on WeChat? She wants them.\n\nKaren",
        {},
    ),
    (
        'refund_zh_friend',
        '王丽',
        'wangli@hengda-mould.cn',
        '关于退款事宜',
        '陈经理您好：\n\n上月多收的模具费人民币3,200元已于今日原路退回贵司对公账户，请查收。\n\n另外，我下周休'
        '假陪我母亲去医院复查，期间如有急事请联系我同事张伟（电话 138 0013 8000）。\n\n谢谢！\n王丽\n恒达模具'
        '有限公司 财务部',
        {},
    ),
    (
        'refund_zh_colleague',
        '李娜',
        'lina@xinhua-plastics.com.cn',
        '报销款',
        '张工，\n\n您上次出差垫付的样品快递费我已经核对过了，财务说统一打到你的工资卡里，下个月发工资时一起发'
        '。\n\n如果急用，可以先让财务转到你同事的账户，再由她转给你——不过一般不建议这样做。\n\n李娜',
        {},
    ),
    (
        'police_campaign_zh',
        '深圳市公安局南山分局',
        'fanzha@ga.sz.gov.cn',
        '【反诈提醒】警惕冒充公检法诈骗',
        '各企业单位：\n\n近期，冒充公检法诈骗案件高发。骗子常自称“办案民警”“检察官”，称您涉嫌洗钱、走私，要求'
        '您配合调查，并以“案件保密”为由要求您不要告诉任何人，最后诱骗您将资金转入所谓“安全账户”。\n\n请牢记：'
        '公安机关不会通过电话、邮件办案，不存在“安全账户”。如遇此类情况，请勿告诉骗子任何信息，立即拨打110或96'
        '110。\n\n深圳市公安局南山分局 反诈中心',
        {},
    ),
    (
        'police_campaign_zh_company',
        '行政部',
        'admin@ourpartner-hr.com',
        '转发：反诈宣传——冒充公检法',
        '各位同事：\n\n转发派出所反诈宣传。骗子会说“您的银行账户涉嫌洗钱，已被立案，请联系办案民警”，并要求“本'
        '案属于保密案件，不得告知家人”。请大家提高警惕，不要转账，不要透露验证码。\n\n行政部',
        {},
    ),
    (
        'bank_warning_en',
        'HSBC Fraud Prevention',
        'noreply@hsbc.com.hk',
        'Protect yourself from impersonation scams',
        'Dear Customer,\n\nWe are seeing more scams where criminals pretend to be police officers. They may sa'
        'y you are a suspect in a money laundering case, ask you to contact the investigating officer, and tel'
        "l you not to tell anyone, including your bank.\n\nReal police will never ask you to move money to a '"
        "safe account'. If you receive such a call or email, hang up and call us on the number on the back of "
        'your card.\n\nHSBC',
        {},
    ),
    (
        'bank_warning_en2',
        'Standard Chartered',
        'alerts@sc.com',
        'Scam alert: fake police calls',
        'Fraudsters claiming to be from the police may tell you there is an arrest warrant in your name for sm'
        'uggling, and say you must cooperate with the investigation and must not tell your family. This is a s'
        'cam. Never transfer money and never share your one-time password.\n\nStandard Chartered Bank (Hong Ko'
        'ng) Limited',
        {},
    ),
    (
        'cheque_legal',
        'Accounts Receivable',
        'ar@nordicsteel.se',
        'Payment by cheque - invoice 5510',
        'Dear Sirs,\n\nWe have received your cheque no. 004512 for EUR 12,400 in part payment of invoice 5510.'
        ' The balance of EUR 3,100 remains outstanding and we would be grateful if you could transfer the rema'
        'ining amount to our usual account by 31 January.\n\nKind regards,\nAccounts Receivable\nNordic Steel '
        'AB',
        {},
    ),
    (
        'cheque_refund_excess',
        'Jane Parker',
        'jane.parker@parkerlaw.co.uk',
        'Completion statement',
        'Dear Mr Zhang,\n\nFurther to completion, please find the completion statement attached. We hold your '
        'cheque for the deposit; once it has cleared we will return the excess of GBP 212.40 to your account b'
        'y BACS, as shown on the statement.\n\nYours sincerely,\nJane Parker\nParker & Co Solicitors',
        {},
    ),
    (
        'check_us',
        'Billing',
        'billing@midwestcastings.com',
        'Overpayment on invoice 7781',
        'Hi,\n\nYour check #10233 for $5,600 paid invoice 7781 ($5,200). We will refund the difference of $400'
        ' to your account by ACH this week, or we can apply it as a credit to your next invoice - let us know '
        'which you prefer.\n\nThanks,\nMidwest Castings Billing',
        {},
    ),
    (
        'tm_watch',
        'Trademark Watch Service',
        'watch@corsearch.com',
        'Trademark watch notice: conflicting application',
        'Dear Client,\n\nAs part of your trademark watch subscription, we have identified a new application th'
        'at may conflict with your mark EXAMPLE. We received a report that Shenzhen Example Technology Co., Lt'
        'd. applied for the trademark EXAMPLE TECH in Class 9 (application no. 7312345) at CNIPA. Please let u'
        's know by 15 March whether you wish to file an opposition.\n\nCorsearch',
        {},
    ),
    (
        'tm_lawfirm_zh',
        '王律师',
        'wang@junhe.com',
        '关于贵司商标申请的进展',
        '尊敬的客户：\n\n我所已收到国家知识产权局关于贵司“宜珂”商标注册申请的受理通知书（申请号 12345678），目'
        '前处于实质审查阶段。另据商标监测，我们收到某深圳公司提交的“宜珂科技”商标注册申请的公告，建议贵司考虑'
        '提出异议。\n\n如需代理提出异议，官费及代理费报价另附。\n\n君合律师事务所 知识产权部',
        {},
    ),
    (
        'tm_lawfirm_en',
        'Emma Clarke',
        'eclarke@marks-clerk.com',
        'Your UK trademark application UK00003912345',
        'Dear Mr Chen,\n\nWe have received an examination report from the UKIPO on your trade mark application'
        '. We also note that we have received a formal request from the examiner for clarification of the good'
        's in class 7. Please confirm the list of goods so we can respond before the deadline.\n\nKind regards'
        ',\nEmma Clarke\nMarks & Clerk LLP',
        {},
    ),
    (
        'registrar_renewal',
        'GoDaddy',
        'renewals@godaddy.com',
        'Your domain example-trading.com expires in 30 days',
        'Hi Tom,\n\nYour domain name example-trading.com is set to expire on 12 April 2026. To avoid losing it'
        ', renew now in your account. If auto-renew is on, no action is needed.\n\nGoDaddy',
        {},
    ),
    (
        'registrar_cn',
        '阿里云',
        'service@aliyun.com',
        '域名续费提醒',
        '尊敬的用户：您在阿里云注册的域名 example-trading.cn 将于2026年4月12日到期，请及时登录控制台续费，以免'
        '影响网站和邮箱使用。阿里云',
        {},
    ),
    (
        'uk_com_company',
        'Tom Baker',
        'tom.baker@stonebridge.uk.com',
        'Quote for 2,000 brackets',
        'Hi,\n\nThanks for the drawings. Please quote 2,000 pcs of bracket P/N 44-102 in zinc-plated steel, de'
        'livery to Birmingham. Our standard terms are 60 days from invoice.\n\nRegards,\nTom Baker\nPurchasing'
        ', Stonebridge Engineering',
        {},
    ),
    (
        'us_com_company',
        'Amy Ross',
        'amy@pacificgear.us.com',
        'PO 4471 shipping schedule',
        'Hi Chen,\n\nCould you confirm the ship date for PO 4471? We need the goods in Long Beach by 15 May.\n'
        '\nThanks,\nAmy Ross\nPacific Gear Inc.',
        {},
    ),
    (
        'de_com_company',
        'Klaus Weber',
        'k.weber@weber-technik.com.de',
        'Anfrage / enquiry',
        'Hello,\n\nwe are interested in your CNC turned parts. Please send your catalogue and price list.\n\nB'
        'est regards\nKlaus Weber\nWeber Technik GmbH',
        {},
    ),
    (
        'eu_com_company',
        'Sofia Rossi',
        's.rossi@italforme.eu.com',
        'Samples received',
        'Dear Chen,\n\nWe received the samples today, all good. We will place the order next week.\n\nBest reg'
        'ards,\nSofia Rossi',
        {},
    ),
    (
        'customs_broker_zh',
        '张经理',
        'zhang@hfcustoms-broker.com',
        '报关资料及查验通知',
        '陈总您好：\n\n贵司出口柜（提单号 COSU1234567）已被海关查验，海关查验中心通知明天上午查验，查验费及吊'
        '柜费约人民币1,800元，由我司先行垫付，后续与报关费一起开票。请提供装箱单和发票原件。\n\n谢谢！\n张伟 '
        '宏丰报关行',
        {},
    ),
    (
        'customs_aeo_zh',
        'AEO咨询',
        'service@aeo-consult.com.cn',
        'AEO认证辅导',
        '贵司好：\n\n根据海关AEO认证服务中心的最新要求，高级认证企业需每年进行内部审核。我司可提供辅导服务，费'
        '用按项目报价。如有需要请回复。\n\nXX企业管理咨询',
        {},
    ),
    (
        'payroll_sms',
        'ADP',
        'SecurityServices_NoReply@adp.com',
        'Your payslip is ready',
        'Your payslip for March is now available. Log in with your mobile number and the SMS code we send you '
        'at my.adp.com. ADP will never ask for your password by email.',
        {},
    ),
    (
        'payroll_sms_zh',
        '薪资服务',
        'noreply@payroll-service.cn',
        '3月工资条已发布',
        '您好，您的3月工资条已发布。请登录员工自助平台查看，登录方式为手机号加短信验证码。我们不会通过邮件向您'
        '索取验证码。',
        {},
    ),
    (
        'keynote_genuine',
        'Dr Helen Morris',
        'h.morris@ieee.org',
        'Invitation to give a keynote at ICMT 2026',
        'Dear Dr Chen,\n\nOn behalf of the organising committee, I am delighted to invite you to give a keynot'
        'e address at the International Conference on Manufacturing Technology (ICMT 2026), Singapore, 14-16 O'
        'ctober. Your travel and hotel will be covered by the conference and your registration fee is waived. '
        'Please let us know by 30 April.\n\nBest regards,\nHelen Morris\nGeneral Chair',
        {},
    ),
    (
        'keynote_genuine2',
        'Conference Secretariat',
        'secretariat@apcm2026.org',
        'Keynote invitation - APCM 2026',
        'Dear Prof. Li,\n\nWe are pleased to invite you as a keynote speaker at APCM 2026. As an invited speak'
        'er, you do not need to pay any registration fee. The conference will cover two nights of accommodatio'
        'n. We would appreciate your title and abstract by 1 June.\n\nKind regards,\nAPCM 2026 Secretariat',
        {},
    ),
    (
        'iso_renewal',
        'BSI',
        'invoices@bsigroup.com',
        'Invoice: ISO 9001 surveillance audit',
        'Dear Customer,\n\nPlease find attached invoice INV-778812 for the ISO 9001:2015 surveillance audit ca'
        'rried out on 3-4 March. The accreditation fee and audit days are itemised. Payment is due within 30 d'
        'ays to the account shown on the invoice.\n\nBSI Group',
        {},
    ),
    (
        'iso_renewal_suspension',
        'SGS Certification',
        'cert@sgs.com',
        'Certificate renewal reminder',
        'Dear Mr Chen,\n\nYour ISO 14001 certificate expires on 30 June. Please schedule the recertification a'
        'udit to avoid suspension of your certificate. The audit fee will be quoted after we receive the updat'
        'ed application form.\n\nSGS',
        {},
    ),
    (
        'directory_ordered',
        'Kompass',
        'orders@kompass.com',
        'Your Kompass listing - invoice',
        'Dear Customer,\n\nThank you for your order of a premium listing in the Kompass directory (order ref. '
        'K-99812, signed by your Ms Zhao on 12 Jan). Please find the invoice for the publication fee of EUR 69'
        '0 attached. To confirm your inclusion in the 2026 edition, please settle within 30 days.\n\nKompass',
        {},
    ),
    (
        'sso_partner',
        'Bosch Supplier Portal',
        'noreply@bosch.com',
        'New RFQ available on the supplier portal',
        'Dear Supplier,\n\nA new request for quotation (RFQ 2026-0412) is available. Please sign in to the Sup'
        'plier Portal at https://supplier.bosch.com and use your corporate sign-in if your company has federat'
        'ed access. Quotes are due by 20 April.\n\nBosch Global Purchasing',
        {},
    ),
    (
        'sso_partner2',
        'Siemens SCM STAR',
        'scm.star@siemens.com',
        'Document available',
        'Dear supplier,\n\nThe drawing for PO 4500123 is available on SCM STAR. Open it with your company logi'
        'n at https://scmstar.siemens.com. If you do not have an account, please contact your buyer.\n\nSiemen'
        's AG',
        {},
    ),
    (
        'bank_change_callback',
        'Accounts',
        'accounts@hengli-castings.com',
        'Change of bank details - please verify by phone',
        'Dear Customer,\n\nPlease be advised that our previous account is closed following our move to Bank of'
        ' China. Our new account details are on the attached letter signed by our director. For your security,'
        ' please call our finance manager Ms Zhou on +86 755 8888 1234 (the number on our website) to verify b'
        'efore making any payment. Do not rely on email alone.\n\nHengli Castings Co., Ltd. Finance Department',
        {},
    ),
    (
        'zoom_genuine',
        'Zoom',
        'no-reply@zoom.us',
        'Cloud recording available',
        'Hi Tom,\n\nYour cloud recording is now available.\nTopic: Weekly production meeting\nShare recording '
        'with viewers: https://zoom.us/rec/share/abc123\n\nThe Zoom Team',
        {},
    ),
    (
        'turnitin_genuine',
        'Turnitin',
        'noreply@turnitin.com',
        'Your submission receipt',
        "Dear Student,\n\nYou have successfully submitted the file 'QA report.docx' to the assignment Quality "
        'Management in the class MBA-2026. Submission ID: 2291991. \n\nTurnitin',
        {},
    ),
    (
        'adp_genuine',
        'ADP Workforce Now',
        'SecurityServices_NoReply@adp.com',
        'Your W-2 is available',
        'Your 2025 W-2 is now available in ADP Workforce Now. Sign in at https://workforcenow.adp.com to view '
        'it. Direct deposit details can be updated under Pay > Direct Deposit.',
        {},
    ),
    (
        'rfq_sgs',
        'Procurement',
        'procurement@globex-retail.com',
        'RFQ: 10,000 LED lamps',
        'Dear Supplier,\n\nPlease quote 10,000 pcs LED lamps, model GL-12, FOB Shenzhen. Before shipment, the '
        'goods must pass a pre-shipment inspection by SGS or Intertek; the inspection fee is borne by the supp'
        'lier as per our standard terms. Please include it in your price.\n\nRegards,\nGlobex Retail Procureme'
        'nt',
        {},
    ),
    (
        'rfq_sgs_zh',
        '采购部',
        'caigou@huaxin-retail.com',
        '询价：不锈钢保温杯',
        '供应商您好：\n\n我司需采购不锈钢保温杯5,000只，请报含税价。出货前需由第三方检测机构（SGS或Intertek，'
        '由贵司自行选择）出具检测报告，检测费用由贵司承担，请在报价中注明。\n\n华信商贸 采购部',
        {},
    ),
    (
        'quote_zh_borne',
        '周经理',
        'zhou@yida-packaging.com',
        '报价单',
        '陈总，您好！\n\n附件为纸箱报价单，单价含税含运费。如需特殊印刷，制版费500元由贵司承担，后续订单满5万'
        '可返还。\n\n易达包装 周敏',
        {},
    ),
    (
        'linkedin_single',
        'LinkedIn',
        'messages-noreply@linkedin.com',
        'Anna Smith sent you a message',
        'Anna Smith: Hi Chen, I saw your profile and noticed you work in injection moulding. We are looking fo'
        'r a single source supplier for our new product line. Could you share your WhatsApp so we can talk qui'
        'ckly?',
        {},
    ),
    (
        'linkedin_lonely',
        'LinkedIn',
        'messages-noreply@linkedin.com',
        'Message from Peter',
        'Peter Müller: Hello Chen, I saw your profile - great work on the new plant. Running a factory can be '
        'a lonely job; I run a peer group for manufacturing CEOs. Happy to chat on WhatsApp +49 151 2345678 if'
        ' interested.',
        {},
    ),
    (
        'hr_nocrime',
        '人事部',
        'hr@partner-staffing.cn',
        '入职材料清单',
        '您好，欢迎加入！入职需提交：身份证复印件、学历证明、无犯罪记录证明（无需缴纳任何费用，可到户籍所在地'
        '派出所免费开具）、体检报告。体检费入职后报销。\n\n人事部',
        {},
    ),
    (
        'hr_nocrime2',
        'HR',
        'hr@ourclient-staff.com',
        '背景调查',
        '王先生您好，根据公司规定，新员工需提供无犯罪记录证明，开具所需费用由个人承担，约20元。请于入职前提交。',
        {},
    ),
    (
        'balance_check_trade',
        'Kevin Liu',
        'kevin@sunrise-led.com',
        'PI 2291 - goods ready',
        'Dear Tom,\n\nThe goods for PI 2291 are ready and passed our final quality check this morning. Please '
        'transfer the balance of USD 18,600 (70%) so we can book the vessel.\n\nBest regards,\nKevin Liu\nSunr'
        'ise LED Co., Ltd.',
        {},
    ),
    (
        'balance_check_trade2',
        'Anna',
        'anna@dongguan-hardware.com',
        'Inspection result',
        'Hi Tom,\n\nAttached is the inspection report; the random check found no defects. Kindly arrange to re'
        'mit the remaining balance before 20 May.\n\nAnna',
        {},
    ),
    (
        'cheque_customer',
        'AP Team',
        'ap@harbourfoods.co.nz',
        'Remittance advice',
        'Hello,\n\nPlease find our cheque 22187 for NZD 4,300 in payment of invoices 901-903. We will pay the '
        'balance of the statement after we receive the corrected invoice 904.\n\nRegards\nAP Team, Harbour Foo'
        'ds',
        {},
    ),
    (
        'zh_check_balance',
        '刘会计',
        'liu@jinxin-trading.com',
        '货款支付',
        '陈总：\n\n上批货的支票已开出，金额30万元。余款8万元下周转到贵司账户，请查收。\n\n金鑫贸易 刘会计',
        {},
    ),
    (
        'statement_shidong',
        '华南物流',
        'kefu@huanan-logistics.com',
        '3月对账单',
        '陈总您好：\n\n附件为贵司3月运费对账单，合计运费人民币12,360元。请核对，如3日内未回复，视为同意对账结'
        '果，我司将据此开具发票。\n\n华南物流 客服部',
        {},
    ),
    (
        'to_confirm_place',
        'Canton Fair Services',
        'service@cantonfair-services.com',
        'Booth confirmation',
        'Dear Exhibitor,\n\nThank you for applying for booth 12.1 B22 at the 139th Canton Fair. To confirm you'
        'r place, please pay the booth fee of RMB 18,000 within 10 days, as per the contract you signed.\n\nCa'
        'nton Fair Services',
        {},
    ),
    (
        'assoc_keynote',
        'CMIA Secretariat',
        'events@cmia.org.cn',
        'Invitation: 2026 Annual Meeting',
        'Dear Member,\n\nWe are pleased to invite you to our 2026 Annual Meeting in Suzhou on 18 June. The key'
        'note will be delivered by Prof. Wang of Tsinghua University. The registration fee is RMB 800 for memb'
        "ers, payable by bank transfer to the association's account.\n\nCMIA Secretariat",
        {},
    ),
    (
        'keynote_invite_fee_other',
        'Dr Alan Kim',
        'alan.kim@kaist.ac.kr',
        'Keynote invitation and workshop',
        'Dear Dr Chen,\n\nI would like to invite you to give a keynote at our workshop on smart manufacturing,'
        ' 3 September at KAIST. We will cover your flight and hotel. Your two colleagues are welcome too; the '
        'registration fee for other attendees is USD 150.\n\nBest,\nAlan',
        {},
    ),
    (
        'license_fee_zh',
        '品牌授权部',
        'license@disney-cp.cn',
        '授权合同报价',
        '陈总您好：\n\n关于贵司申请的卡通形象授权，年度授权费为人民币50万元，另按销售额5%收取提成。合同附后，'
        '请审阅。\n\n品牌授权部',
        {},
    ),
    (
        'eval_fee_lab',
        'Intertek',
        'cs.china@intertek.com',
        'Quotation - EMC evaluation',
        'Dear Mr Chen,\n\nPlease find our quotation for the EMC evaluation of model GL-12. The evaluation fee '
        'is USD 1,850, payable before testing starts. Lead time is 7 working days.\n\nIntertek Testing Service'
        's',
        {},
    ),
    (
        'magazine_ad_zh',
        '《现代制造》广告部',
        'ad@modern-mfg.com.cn',
        '广告刊登确认',
        '陈经理：\n\n贵司在本刊2026年第6期的整版彩色广告已排版，刊登费为人民币12,000元，请于5月20日前支付。如'
        '有修改意见请于3日内回复，逾期视为同意刊登。\n\n《现代制造》广告部',
        {},
    ),
    (
        'hr_medical_refund',
        '人事部',
        'hr@yuanda-precision.com',
        '入职通知',
        '张先生您好，恭喜您通过面试！请于下周一前到指定医院完成入职体检，体检费约200元请先自行垫付，入职后凭发'
        '票全额报销。\n\n远大精密 人事部',
        {},
    ),
    (
        'new_system_zh',
        'IT服务台',
        'it@partner-oa-vendor.com',
        '新供应商平台上线通知',
        '各位供应商：\n\n我司新供应商协同平台已上线，网址 https://srm.bigbuyer.com 。账号为贵司企业邮箱，初始'
        '密码已通过短信发送，首次登录后请修改。\n\n采购部',
        {},
    ),
    (
        'new_system_zh2',
        '采购部',
        'purchase@bigbuyer.com',
        'SRM平台登录说明',
        '供应商您好：\n\nSRM平台已开通，用户名为您的企业邮箱地址，密码请点击“忘记密码”自行设置。\n\n大买家集团 采购部',
        {},
    ),
    (
        'portal_email_login',
        'Coupa',
        'do_not_reply@bigbuyer.coupahost.com',
        'Invitation to Coupa Supplier Portal',
        'Hello,\n\nBigBuyer invites you to join the Coupa Supplier Portal. Click the link below and sign in wi'
        'th your company email login, or create an account.\n\nhttps://supplier.coupahost.com/invite/abc123',
        {},
    ),
    (
        'customer_oldaccount',
        'Sara',
        'sara@harbourfoods.co.nz',
        'Payment sent from new account',
        "Hi,\n\nJust letting you know our old account was closed, so today's payment of NZD 4,300 came from ou"
        'r new ANZ account. Please update your records so it is matched to invoice 905.\n\nSara',
        {},
    ),
    (
        'audit_confirm',
        'Deloitte Confirmations',
        'confirmations@deloitte.com',
        'Audit confirmation request - Example Ltd',
        'Dear Sir/Madam,\n\nWe are the auditors of Globex Retail Ltd and need your help with the payment confi'
        'rmation for the year ended 31 December 2025. Please confirm the balance owed by Globex to you on the '
        'attached form and return it directly to us. Please do not discuss this with anyone at Globex.\n\nDelo'
        'itte',
        {},
    ),
    (
        'follow_instructions',
        'Accounts',
        'accounts@polymer-works.co.uk',
        'Invoice 22910',
        'Dear Customer,\n\nPlease find attached invoice 22910. Please follow the instructions for the payment '
        'shown on the invoice; our bank details have not changed.\n\nPolymer Works Ltd',
        {},
    ),
    (
        'buyer_designated_sgs',
        '采购部',
        'caigou@huaxin-retail.com',
        '订单PO-8812验货安排',
        '供应商您好：\n\n订单PO-8812出货前，我们指定SGS进行验货，验货费用由贵司承担，请与SGS深圳联系预约。\n\n'
        '华信商贸 采购部',
        {},
    ),
    (
        'buyer_forwarder',
        'Mike',
        'mike@globex-retail.com',
        'FOB order - forwarder',
        'Hi Kevin,\n\nFor PO 4471 (FOB Shenzhen), we have nominated our forwarder Kuehne+Nagel; our agent will'
        ' contact you for booking. Local charges at origin (THC, documentation fee) are for your account as pe'
        'r FOB terms.\n\nMike',
        {},
    ),
    (
        'law_client_customs',
        'Baker McKenzie',
        'david.li@bakermckenzie.com',
        'Privileged: customs inquiry',
        'Dear Mr Chen,\n\nAs discussed, the Customs Anti-Smuggling Bureau has opened an inquiry into the class'
        'ification of your 2024 imports. There is no allegation of smuggling against you personally. Please co'
        'operate with the investigation through us, and do not discuss this with anyone outside the legal team'
        '.\n\nDavid Li\nBaker McKenzie',
        {},
    ),
    (
        'law_client_customs_zh',
        '李律师',
        'lilawyer@kingandwood.com',
        '关于海关稽查的法律意见',
        '陈总：\n\n海关缉私局已就贵司2024年进口货物归类问题立案调查，目前并未认定贵司涉嫌走私。请配合调查，由'
        '我所代为沟通；在调查期间请勿向无关人员透露案情。\n\n金杜律师事务所 李律师',
        {},
    ),
    (
        'immig_lawyer',
        'Fragomen USCIS Team',
        'notices@fragomen.com',
        'H-1B petition receipt for Wang Lei',
        "Dear HR team,\n\nWe have received the USCIS receipt notice for Wang Lei's H-1B petition. The USCIS fi"
        'ling fee was paid from our trust account as per your approval. Please see the attached invoice for ou'
        'r legal fees, payable within 30 days.\n\nFragomen',
        {},
    ),
    (
        'vfs',
        'UK Visas and Immigration - VFS Global',
        'donotreply@vfshelpline.com',
        'Appointment confirmation',
        'Dear applicant,\n\nYour appointment at the Shanghai visa application centre is confirmed for 14 May a'
        't 10:30. Please bring your passport and the payment receipt for the visa fee.\n\nVFS Global',
        {},
    ),
    (
        'customs_data_company',
        '海关数据服务中心',
        'service@tradedata.cn',
        '海关数据试用',
        '您好，我们提供全球海关进出口数据查询，帮助外贸企业开发客户。可免费试用7天，正式版年费人民币9,800元。'
        '回复TD退订。',
        {},
    ),
    (
        'adp_de',
        'ADP',
        'noreply@adp.de',
        'Your payslip is available',
        'Your payslip for April is now available. Please sign in to ADP Mitarbeiterportal at https://mitarbeit'
        'er.adp.de to view it.',
        {},
    ),
    (
        'adp_payroll_partner',
        'ADP Payroll',
        'payroll@adp.com.au',
        'Payroll processed',
        'Your payroll for period ending 30 April has been processed. Please log in to review the payroll summa'
        'ry report at https://payroll.adp.com.au',
        {},
    ),
    (
        'zoomgov',
        'Zoom',
        'no-reply@zoomgov.com',
        'Meeting invitation',
        'Hi, you are invited to a Zoom meeting. Join: https://zoomgov.com/j/1234567890',
        {},
    ),
    (
        'ms_licensing_reseller',
        'Microsoft Licensing - SoftwareONE',
        'renewals@softwareone.com',
        'Your Microsoft 365 renewal quote',
        'Dear Tom,\n\nYour Microsoft 365 E3 subscription (120 seats) renews on 1 July. Please find our renewal'
        ' quote attached; please sign and return by 15 June to avoid a lapse.\n\nSoftwareONE',
        {},
    ),
    (
        'ms_licensing_reseller_pay',
        'Microsoft Licensing',
        'billing@crayon.com',
        'Invoice for Microsoft 365 licences',
        'Dear customer,\n\nPlease find invoice CR-22871 for your Microsoft 365 licences. Kindly pay by bank tr'
        'ansfer to the account shown on the invoice within 30 days.\n\nCrayon',
        {},
    ),
    (
        'linkedin_single_mother',
        'LinkedIn',
        'messages-noreply@linkedin.com',
        'Message from Maria',
        "Maria Lopez: Hi Chen, I saw your profile - I'm a single mother returning to work after five years, lo"
        'oking for a QA role in a factory like yours. Could I send you my CV on WhatsApp +34 612 345 678?',
        {},
    ),
    (
        'linkedin_recruiter_zh',
        '领英',
        'messages-noreply@linkedin.com',
        '猎头消息',
        '李女士：陈先生您好，我在领英上看到您的资料，我们客户在越南新建工厂，需要一位厂长，需要常驻，一个人在'
        '外可能会比较辛苦，但待遇优厚。方便加我微信 hr_li2026 详聊吗？',
        {},
    ),
    (
        'relatives_account_sme',
        'Sunny Chan',
        'sunny@chan-trading.hk',
        'Commission payment',
        'Hi Tom,\n\nThanks for the commission statement. As discussed on the phone, please pay it to our compa'
        "ny account at Hang Seng as usual, not to my wife's account I mentioned before - that was only for the"
        ' 2023 one-off.\n\nSunny',
        {},
    ),
    (
        'zh_colleague_account',
        '王丽',
        'wangli@hengda-mould.cn',
        '样品寄送',
        '陈经理：\n\n样品照片和报价单我已经转到我同事的账号上了（她的企业微信），她下午会联系您。\n\n王丽',
        {},
    ),
    (
        'ukcom_invoice',
        'Accounts',
        'accounts@stonebridge.uk.com',
        'Invoice 4471',
        'Dear Customer,\n\nPlease find attached invoice 4471 for GBP 3,200. Kindly pay by bank transfer to the'
        ' account below within 30 days.\n\nSort code 20-00-00, Account 12345678\n\nStonebridge Engineering Ltd',
        {},
    ),
    (
        'uscom_docs',
        'Amy Ross',
        'amy@pacificgear.us.com',
        'Drawings for PO 4471',
        'Hi Chen,\n\nThe updated drawings are on our SharePoint. Please sign in to view them: https://pacificg'
        'ear.sharepoint.com/sites/po4471\n\nAmy',
        {},
    ),
    (
        'portal_m365',
        'Supplier Quality',
        'sq@bigbuyer.com',
        'PPAP documents',
        'Dear supplier,\n\nPlease upload the PPAP documents to our supplier SharePoint. Guest access: use your'
        ' company email login (Microsoft 365) at https://bigbuyer.sharepoint.com/sites/suppliers.\n\nSupplier '
        'Quality',
        {},
    ),
    (
        'turnitin_reseller',
        'Turnitin Licensing',
        'sales@edtech-distributor.cn',
        'Turnitin licence renewal quote',
        'Dear customer,\n\nYour Turnitin licence renews on 1 September. Please find the renewal quote attached'
        '; kindly pay the licence fee by bank transfer to the account on the invoice.\n\nEdTech Distribution',
        {},
    ),
    (
        'zoom_reseller',
        'Zoom Meetings - Reseller Team',
        'sales@av-solutions.hk',
        'Zoom Rooms licence renewal',
        'Dear Tom,\n\nYour Zoom Rooms licences renew on 1 July. Please pay the attached invoice by bank transf'
        'er to the account shown.\n\nAV Solutions',
        {},
    ),
]

SCAMS = [
    (
        'fb_en',
        'James Carter',
        'james.carter@northstar-imports.com',
        'Purchase order for 20,000 units',
        'Dear Sales Manager,\n\nWe are ready to place an order for 20,000 units of your stainless steel bottle'
        's. Before we sign the contract, the product registration certificate must be issued by the testing co'
        "mpany we work with in Lagos, Primecert Ltd. The certificate cost of USD 480 is the supplier's respons"
        'ibility. Once you pay it, we will send the PO and 30% deposit.\n\nJames Carter',
        {},
    ),
    (
        'fb_zh',
        '李总',
        'lizong@hengtai-trade.com',
        '采购合同',
        '您好，我司确定向贵司采购5万只保温杯，签合同前需要办理产品质量检测报告，由我们合作的检测机构出具，检测'
        '费3,800元需供货方承担，费用付清后即可签约并支付定金。',
        {},
    ),
    (
        'ds_zh',
        '域名注册审核中心',
        'audit@cn-domainreg.com',
        '关于"宜珂"品牌注册的紧急通知',
        '尊敬的总经理：\n\n我们这边接到了广州某贸易有限公司的申请，他们要用“宜珂”作为品牌名登记网络品牌和cn、'
        '中国、asia等后缀。因涉及贵司名称，特来核实，请贵司在7个工作日内回复，否则我方将予以通过。',
        {},
    ),
    (
        'ds_en',
        'Domain Audit',
        'audit@asia-domain-center.com',
        'Brand name dispute',
        'Dear CEO,\n\nA company called Dalian Hengtai Ltd is applying to us to use "yike" as their online bran'
        'd and .cn/.asia addresses. Because it involves your name, we need to confirm whether you authorise th'
        'is. Please reply within 5 working days.',
        {},
    ),
    (
        'pa_en',
        'Linda Wu',
        'linda.wu@brightpack-supplies.com',
        'Invoice 88120 - payment',
        "Hi Tom,\n\nPlease note our previous bank account is currently under audit and can't receive funds. Ki"
        'ndly make the payment for invoice 88120 to our alternate account below:\n\nBank: Maybank\nAccount: 51'
        '40 2211 0098\n\nThanks, Linda',
        {},
    ),
    (
        'pa_en2',
        'Linda Wu',
        'linda.wu@brightpack-supplies.com',
        'Invoice 88120 - payment',
        'Hi Tom,\n\nOur HSBC account has been deactivated, so please send the payment for invoice 88120 to the'
        ' account in the attached letter instead.\n\nThanks, Linda',
        {},
    ),
    (
        'ms_en',
        'Kevin Liu',
        'kevin@sunrise-led.com',
        'Purchase order PO-2291',
        'Hi,\n\nPlease see our new purchase order in the secure link below. You will need to enter your Outloo'
        'k email and password to view the quantities.\n\nhttps://po-secure-docs.web.app/PO2291\n\nKevin',
        {},
    ),
    (
        'ms_en2',
        'Kevin Liu',
        'kevin@sunrise-led.com',
        'Purchase order PO-2291',
        'Hi,\n\nThe PO is protected. Please verify with your mailbox credentials to open it: https://po-secure'
        '-docs.web.app/PO2291\n\nKevin',
        {},
    ),
    (
        'ms_zh',
        '采购部',
        'caigou@huaxin-retail.com',
        '订单文件',
        '您好，订单文件已上传，查看时请输入您的邮箱账号和邮箱密码验证身份：https://huaxin-docs.web.app/po\n\n采购部',
        {},
    ),
    (
        'ms_zh2',
        '采购部',
        'caigou@huaxin-retail.com',
        '订单文件',
        '您好，订单文件已加密，打开方式：账号填您的邮箱地址，密码与您的邮箱登录密码相同。https://huaxin-docs.w'
        'eb.app/po',
        {},
    ),
    (
        'pol_en',
        'Hong Kong Police Force',
        'cid.officer@hkpolice-cid.com',
        'Case HK-2291 - your identity',
        'Dear Mr Chen,\n\nYour ID card was used to open a bank account linked to a money laundering case. Plea'
        'se call Inspector Wong on +852 5555 1234 today to clear your name. This matter is confidential and mu'
        'st not be shared with anyone, including your bank.\n\nCID',
        {},
    ),
    (
        'pol_zh',
        '上海市公安局经侦总队',
        'jingzhen@sh-police.org',
        '案件通知',
        '陈先生：\n\n经查，您的身份信息被不法分子用于一宗洗钱案件。请于今日联系王警官（电话 021-5555 1234）核'
        '实情况。此事请不要声张，以免影响调查。',
        {},
    ),
    (
        'ch_en',
        'Robert Miles',
        'robert.miles@gmail.com',
        'Order payment',
        "Hi,\n\nI'll take the 200 units. My client will mail you a cashier's check for $9,800, which includes "
        'the shipping. Once it clears, please pay the extra $2,300 to our shipper by Zelle so he can collect t'
        'he goods.\n\nRobert',
        {},
    ),
    (
        'ch_en2',
        'Robert Miles',
        'robert.miles@gmail.com',
        'Order payment',
        'Hi,\n\nA cheque for USD 9,800 is on its way. It covers your invoice plus USD 2,300 for my freight age'
        'nt - please deposit it and wire his portion to him by Western Union.\n\nRobert',
        {},
    ),
    (
        'kn_en',
        'Global Manufacturing Summit',
        'speakers@gms-summit2026.org',
        'Featured speaker - Global Manufacturing Summit 2026',
        'Dear Mr Chen,\n\nOur committee has selected you as a featured speaker at the Global Manufacturing Sum'
        'mit 2026 in Dubai. To secure your speaking slot, a speaker registration fee of USD 690 is payable wit'
        'hin 7 days.\n\nSpeaker Relations',
        {},
    ),
    (
        'kn_zh',
        '国际制造大会组委会',
        'zuweihui@imc2026.org',
        '大会演讲嘉宾确认',
        '陈总您好：\n\n经组委会评审，您被确定为2026国际制造大会主题演讲嘉宾。请于5日内缴纳嘉宾会务费人民币3,80'
        '0元以确认席位。',
        {},
    ),
    (
        'rr_en',
        'Amy Ross',
        'amy@pacificgear.us.com',
        'Refund for cancelled order',
        'Hi Chen,\n\nAs the order is cancelled, please refund the USD 4,200 deposit to my husband. His bank de'
        'tails are below since my account has a receiving limit.\n\nName: John Ross\nAccount: 88120011\n\nAmy',
        {},
    ),
    (
        'rr_zh',
        '王丽',
        'wangli@126.com',
        '退款',
        '陈经理：上次多付的3,200元麻烦退到我表哥那里，他的卡号是6222 0210 0112 3456 789，户名张伟。谢谢！',
        {},
    ),
    (
        'cl_brand_us_com',
        'PayPal',
        'service@paypal.us.com',
        'Your account is limited',
        'Dear customer,\n\nWe noticed unusual activity and your account is limited. Please sign in to restore '
        'access: https://paypal.us.com/restore\n\nPayPal',
        {},
    ),
    (
        'cl_ms_de_com',
        'Microsoft 365',
        'no-reply@microsoft365-admin.de.com',
        'Password expires today',
        'Your password expires today. Keep your current password: https://microsoft365-admin.de.com/keep',
        {},
    ),
    (
        'cl_customs_cn_com',
        '海关总署',
        'notice@customs-gov.cn.com',
        '缴纳关税通知',
        '您的进口货物需补缴关税人民币2,300元，请于今日内转入以下账户，逾期将被处罚。账户：6222 1234 5678',
        {},
    ),
    (
        'cl_co_com',
        'Brenner Guss',
        'einkauf@brenner-guss.co.com',
        'New bank details',
        'Dear customer, please note our new bank account for all payments: IBAN DE89 3704 0044 0532 0130 00.',
        {},
    ),
]


def _action(display: str, address: str, subject: str, body: str, headers: dict[str, str]) -> str:
    return _inbound_verdict(display, address, subject, body, **headers).to_json()["recipients"][US_INBOUND]["action"]


@pytest.mark.parametrize(("name", "display", "address", "subject", "body", "headers"), GENUINE,
                         ids=[g[0] for g in GENUINE])
def test_the_genuine_mail_is_delivered(name: str, display: str, address: str, subject: str, body: str,
                                       headers: dict[str, str]) -> None:
    assert _action(display, address, subject, body, headers) == "deliver"


@pytest.mark.parametrize(("name", "display", "address", "subject", "body", "headers"), SCAMS, ids=[s[0] for s in SCAMS])
def test_the_reworded_scams_are_held(name: str, display: str, address: str, subject: str, body: str,
                                     headers: dict[str, str]) -> None:
    assert _action(display, address, subject, body, headers) in ("quarantine", "reject")
