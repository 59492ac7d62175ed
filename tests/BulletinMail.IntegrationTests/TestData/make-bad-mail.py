#!/usr/bin/env python3
"""Writes one mail file per class of bad input that intake must survive (bad/*.eml).
Run from this folder; the outputs are committed, so tests never run this."""
import base64

def write(name, text):
    with open(f"bad/{name}.eml", "wb") as f:
        f.write(text if isinstance(text, bytes) else text.replace("\n", "\r\n").encode("utf-8"))

REST = ("To: submit@bulletin.example.org\n"
        "Subject: =?UTF-8?B?" + base64.b64encode("苏州市科协6月工作情况".encode()).decode() + "?=\n"
        "Date: Fri, 01 Jul 2016 09:30:00 +0800\n")
# What our MTA (authserv-id mx.bulletin.example.org) stamps on mail whose sender it authenticated.
HEAD = ("From: report@suzhou.example.org\n" + REST
        + "Authentication-Results: mx.bulletin.example.org; dmarc=pass header.from=suzhou.example.org\n")
BODY = "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n6月3日,召开理事会。\n"

write("truncated-mime", HEAD + "Message-ID: <truncated@t>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n"
      "6月3日,召开理事会;6月5日,举办年会\n--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAAA")
write("bad-base64", HEAD + "Message-ID: <bad-base64@t>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n\n!!!!%%%%not base64 at all****\n")
write("wrong-charset", (HEAD + "Message-ID: <wrong-charset@t>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: 8bit\n\n").replace("\n", "\r\n").encode() + "6月3日,朱镕基科技奖评审会召开。\r\n".encode("gbk"))
nested = HEAD + "Message-ID: <deep-nesting@t>\nMIME-Version: 1.0\n"
for i in range(200):
    nested += f"Content-Type: multipart/mixed; boundary=\"n{i}\"\n\n--n{i}\n"
nested += "Content-Type: text/plain; charset=utf-8\n\n6月3日,召开理事会。\n"
for i in reversed(range(200)):
    nested += f"--n{i}--\n"
write("deep-nesting", nested)
write("auto-reply", HEAD.replace("Subject: ", "Subject: =?UTF-8?B?" + base64.b64encode("自动回复:".encode()).decode() + "?= ")
      + "Message-ID: <auto-reply@t>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
      "我正在休假,6月30日返回。\n")
write("bounce", "From: MAILER-DAEMON@mx.example.org\nTo: submit@bulletin.example.org\nSubject: Undelivered Mail Returned to Sender\n"
      "Message-ID: <bounce@t>\nDate: Fri, 01 Jul 2016 09:30:00 +0800\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n--r\nContent-Type: text/plain\n\n"
      "This is the mail system. 6月3日 your message could not be delivered.\n--r\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\n--r--\n")
write("hostile-names", HEAD + "Message-ID: <hostile-names@t>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"h\"\n\n"
      "--h\nContent-Type: text/plain; charset=utf-8\n\n6月3日,召开理事会。\n"
      "--h\nContent-Type: text/plain; charset=utf-8; name=\"../../../etc/passwd\"\nContent-Disposition: attachment; filename=\"../../../etc/passwd\"\n\n6月5日,举办年会。\n"
      "--h\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=\"report\u202Etxt.exe\"\n\n6月8日,开展科普。\n"
      "--h\nContent-Type: text/html; charset=utf-8\nContent-Disposition: attachment; filename=\"" + "长" * 400 + ".html\"\n\n<p>6月9日,参加展览。</p>\n--h--\n")
write("no-message-id", HEAD + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n6月3日,召开理事会。\n")
write("not-mail", bytes(range(256)) * 20)
write("untrusted", HEAD + "Message-ID: <untrusted@t>\n"
      "Authentication-Results: mx.bulletin.example.org; dkim=fail header.d=suzhou.example.org; spf=pass smtp.mailfrom=suzhou.example.org\n"
      "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n6月3日,召开理事会。\n")
write("forged-results", HEAD + "Message-ID: <forged-results@t>\n"
      "Authentication-Results: attacker.example.net; dkim=fail header.d=suzhou.example.org\n"
      "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n6月3日,召开理事会。\n")
write("list-mail", HEAD + "Message-ID: <list-mail@t>\nList-Id: <news.example.org>\nPrecedence: bulk\n"
      "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n6月3日,订阅通讯。\n")
# The sender forged: a display name that decodes to another address, passing DMARC for the attacker's own domain.
write("forged-display-name", "From: =?utf-8?b?" + base64.b64encode("Suzhou <report@suzhou.example.org>,".encode()).decode()
      + "?= <attacker@evil.example.net>\n" + REST + "Message-ID: <forged-display-name@t>\n"
      "Authentication-Results: mx.bulletin.example.org; dmarc=pass header.from=evil.example.net\n" + BODY)
# A pass our MTA gave another domain says nothing about the From domain.
write("unaligned", "From: report@suzhou.example.org\n" + REST + "Message-ID: <unaligned@t>\n"
      "Authentication-Results: mx.bulletin.example.org; dkim=pass header.d=evil.example.net; spf=pass smtp.mailfrom=bounce@evil.example.net\n" + BODY)
# From headers that name no one readable, or several.
write("unreadable-from", ("Message-ID: <unreadable-from@t>\n" + REST).replace("\n", "\r\n").encode()
      + b"From: \x00\xff\xfe garbage \x01\r\n" + ("Authentication-Results: mx.bulletin.example.org; dmarc=pass header.from=suzhou.example.org\n" + BODY).replace("\n", "\r\n").encode())
write("several-senders", "From: report@suzhou.example.org, other@suzhou.example.org\n" + REST + "Message-ID: <several-senders@t>\n"
      "Authentication-Results: mx.bulletin.example.org; dmarc=pass header.from=suzhou.example.org\n" + BODY)
