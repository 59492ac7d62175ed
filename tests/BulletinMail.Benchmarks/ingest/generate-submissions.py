#!/usr/bin/env python3
"""Writes N realistic submissions as Maildir files: 3-30 KB, a fifth with a .docx attachment,
mixed charsets (UTF-8, GBK, GB18030, Big5), from 40 registered units. Usage: generate-submissions.py DIR N"""
import io
import os
import random
import sys
import zipfile
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email import encoders

random.seed(2016)
ACTIVITIES = ["召开学会理事会", "举办科技成果对接会", "组织专家赴企业开展技术服务", "邀请院士作学术报告", "开展科普进社区活动",
              "与市政府签署创新驱动战略合作协议", "举办青少年科技创新大赛", "建立院士专家工作站", "组织科技工作者座谈会"]

PROSE = ("今年以来,我会认真贯彻落实中国科协九大精神,紧紧围绕创新驱动发展战略,坚持服务科技工作者、服务创新驱动发展、"
         "服务全民科学素质提高、服务党和政府科学决策的职责定位,扎实推进各项工作,取得了明显成效。")

def report(size):
    """A unit's monthly report as units write them: a greeting, a few to a few dozen dated
    activities, narrative paragraphs (which yield no entries) up to the size, a signature."""
    activities = ";".join(
        f"6月{random.randint(1, 30)}日,{random.choice(ACTIVITIES)},参加人员{random.randint(20, 300)}人次"
        for _ in range(random.randint(2, 40)))
    text = "各位领导:\n\n" + activities + "。\n\n"
    while len(text.encode("utf-8")) < size:
        text += PROSE * random.randint(1, 3) + "\n\n"
    return text + "此致\n敬礼!\n办公室\n"

def docx(text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        paras = "".join(f'<w:p><w:r><w:t>{p}</w:t></w:r></w:p>' for p in text.split("\n"))
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{paras}</w:body></w:document>')
    return buf.getvalue()

def main(directory, count):
    os.makedirs(directory, exist_ok=True)
    for i in range(count):
        unit = i % 40
        size = random.randint(3_000, 30_000)
        charset = random.choice(["utf-8", "utf-8", "gbk", "gb18030", "big5"])
        text = report(size)
        lead = text if i % 5 else "各位好,附件是我单位6月工作情况,请查收。"
        # Big5 lacks some simplified characters: they become '?' as a Big5 mail client would send them.
        body = MIMEText(lead.encode(charset, errors="replace").decode(charset), "plain", charset)
        if i % 5 == 0:
            message = MIMEMultipart("mixed")
            message.attach(body)
            attachment = MIMEBase("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
            attachment.set_payload(docx(text))
            encoders.encode_base64(attachment)
            attachment.add_header("Content-Disposition", "attachment", filename="report.docx")
            message.attach(attachment)
        else:
            message = body
        message["From"] = f"unit{unit}@units.example.org"
        message["To"] = "submit@bulletin.example.org"
        message["Subject"] = f"第{unit}号单位2016年6月工作情况"
        message["Date"] = "Fri, 01 Jul 2016 09:30:00 +0800"
        message["Message-ID"] = f"<bench-{i}@units.example.org>"
        with open(os.path.join(directory, f"{1467336600 + i}.{i}.bench:2,"), "wb") as f:
            f.write(message.as_bytes())

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
