#!/usr/bin/env python3
"""Writes the test inputs that are awkward to keep as text: charset variants and .docx packages.
Run from this folder; the outputs are committed, so tests never run this."""
import io
import zipfile

REPORT = "6月15日,重庆固高科技长江研究院正式开业;6月18日,举办科技成果对接会。\n"
TRADITIONAL = "6月15日,舉辦科技成果對接會;6月18日,科協與學會簽訂合作協議。\n"

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

write("charsets/utf8-bom.txt", b"\xef\xbb\xbf" + REPORT.encode("utf-8"))
write("charsets/utf8.txt", REPORT.encode("utf-8"))
write("charsets/utf16le-bom.txt", b"\xff\xfe" + REPORT.encode("utf-16-le"))
write("charsets/utf16be-bom.txt", b"\xfe\xff" + REPORT.encode("utf-16-be"))
write("charsets/utf16le.txt", REPORT.encode("utf-16-le"))
write("charsets/gb18030.txt", REPORT.encode("gb18030"))
write("charsets/gbk.txt", REPORT.encode("gbk"))
write("charsets/gb2312.txt", REPORT.encode("gb2312"))
# 镕 and 喆 are outside GB2312: mail labelled gb2312 often carries them (GBK bytes).
write("charsets/gbk-beyond-gb2312.txt", "6月15日,朱镕基、陶喆出席活动。\n".encode("gbk"))
write("charsets/big5.txt", TRADITIONAL.encode("big5"))
write("charsets/binary.txt", bytes(range(256)) * 8)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

def para(text):
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"

def row(*cells):
    return "<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in cells) + "</w:tr>"

def docx(body, extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()

write("docx/report.docx", docx(
    para("苏州市科协6月工作情况")
    + para("6月3日,在张家港市举行群创成果推广活动;6月15日,赴苏州两家众创空间探讨合作。")
    + "<w:tbl>" + row("6月17日", "邀请苏州大学教授赴企业进行技术需求对接") + row("6月20日", "召开学会工作座谈会") + "</w:tbl>"
    + para("7月份工作计划")
    + para("1、举办科技工作者日活动")))
# 300 MB of zeros compresses to about 300 KB: refused before the Open XML SDK sees it.
write("docx/zip-bomb.docx", docx(para("6月1日,正常内容"), {"word/media/bomb.bin": b"\0" * (300 * 1024 * 1024)}))
write("docx/not-a-zip.docx", b"PK\x03\x04 this is not really a zip archive" * 10)
write("docx/legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)

# Mail: built with the standard library so that charsets and transfer encodings are exact.
import base64
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email import encoders

def raw_mail(name, headers, content_type, body_bytes, cte="base64"):
    headers = dict(headers, **{"Message-ID": f"<{name}@suzhou.example.org>"})
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    payload = base64.encodebytes(body_bytes).decode("ascii") if cte == "base64" else body_bytes.decode("latin-1")
    return (head + f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n" + payload).encode("latin-1")

HEAD = {"From": "report@suzhou.example.org", "To": "submit@bulletin.example.org",
        "Subject": "=?UTF-8?B?" + base64.b64encode("苏州市科协6月工作情况".encode()).decode() + "?=",
        "Date": "Fri, 01 Jul 2016 09:30:00 +0800", "Message-ID": "<r1@suzhou.example.org>"}
GBK_BODY = "各位好:\n\n6月3日,在张家港市举行群创成果推广活动;6月15日,朱镕基科技奖评审会召开。\n\n谢谢!\n王芳\n"
write("eml/gb2312-labelled-gbk.eml", raw_mail("gb2312-labelled-gbk", HEAD, "text/plain; charset=gb2312", GBK_BODY.encode("gbk")))
write("eml/no-charset-gbk.eml", raw_mail("no-charset-gbk", HEAD, "text/plain", GBK_BODY.encode("gbk"), cte="8bit"))
write("eml/big5-labelled-gb2312.eml", raw_mail("big5-labelled-gb2312", HEAD, "text/plain; charset=gb2312", "6月15日,舉辦科技成果對接會;6月18日,科協與學會簽訂合作協議。\n".encode("big5")))
write("eml/big5.eml", raw_mail("big5", HEAD, "text/plain; charset=big5", "6月15日,舉辦科技成果對接會;6月18日,科協與學會簽訂合作協議。\n".encode("big5")))
html = ("<html><head><style>p{color:red}</style><script>document.write('6月1日,脚本内容')</script></head>"
        "<body><p>6月3日,在张家港市举行群创成果推广活动;</p><div style='display:none'>6月9日,隐藏内容</div>"
        "<p>6月15日,赴苏州两家众创空间探讨合作。<img src=x onerror=alert(1)></p></body></html>")
write("eml/html-only.eml", raw_mail("html-only", HEAD, "text/html; charset=utf-8", html.encode("utf-8")))

def multipart(name, subject, parts, sender="report@suzhou.example.org"):
    m = MIMEMultipart("mixed")
    m["From"], m["To"], m["Subject"] = sender, "submit@bulletin.example.org", subject
    m["Date"], m["Message-ID"] = "Fri, 01 Jul 2016 09:30:00 +0800", f"<{name}@example.org>"
    for p in parts:
        m.attach(p)
    return m

def attachment(path, name, maintype, subtype):
    part = MIMEBase(maintype, subtype)
    with open(path, "rb") as f:
        part.set_payload(f.read())
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part

mail = multipart("docx-attachment", "苏州市科协6月工作情况", [MIMEText("各位好,附件是我市6月工作情况,请查收。\n谢谢!\n王芳", "plain", "utf-8"),
                                     attachment("docx/report.docx", "苏州6月.docx", "application", "vnd.openxmlformats-officedocument.wordprocessingml.document")])
write("eml/docx-attachment.eml", mail.as_bytes())
inner = MIMEText("6月3日,在张家港市举行群创成果推广活动;6月15日,赴苏州两家众创空间探讨合作。", "plain", "utf-8")
inner["From"], inner["Subject"], inner["Date"] = "report@suzhou.example.org", "苏州市科协6月工作情况", "Thu, 30 Jun 2016 18:00:00 +0800"
write("eml/forwarded.eml", multipart("forwarded", "Fwd: 苏州市科协6月工作情况", [MIMEText("转发一下。", "plain", "utf-8"), MIMEMessage(inner)], sender="editor@bulletin.example.org").as_bytes())
write("eml/legacy-doc-attachment.eml", multipart("legacy-doc", "宁波市6月工作情况", [MIMEText("见附件", "plain", "utf-8"), attachment("docx/legacy.doc", "report.doc", "application", "msword")]).as_bytes())
write("eml/zip-bomb-attachment.eml", multipart("zip-bomb", "宁波市6月工作情况", [MIMEText("5月31日,在宁波召开研讨会。", "plain", "utf-8"), attachment("docx/zip-bomb.docx", "report.docx", "application", "vnd.openxmlformats-officedocument.wordprocessingml.document")]).as_bytes())
