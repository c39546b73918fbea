"""Mails as they reach an office's mailbox, built here (no files): for the mailbox tests and the benchmark."""

from __future__ import annotations

import datetime as dt
import email.utils
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

# An hour ago: a mail that came in today, whenever the tests run.
DATE = email.utils.format_datetime(dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1))


def _crlf(raw: bytes) -> bytes:
    """Line ends as on the wire and as the server hands the message back."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def utf8_dutch(n: int = 1) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Zoë van Dijk <zoe@example.nl>"
    msg["To"] = "klachten@example.org"
    msg["Subject"] = f"Klacht over de maaltijdservice {n}"
    msg["Date"] = DATE
    msg["Message-ID"] = f"<utf8-{n}@example.nl>"
    msg.set_content("Geachte heer, mevrouw,\n\nDe maaltijd was koud en de bezorger was onbeleefd. "
                    "Ik verwacht een reactie.\n\nMet vriendelijke groet,\nZoë van Dijk\n")
    return _crlf(msg.as_bytes())


def windows_1252() -> bytes:
    text = "Beste medewerker,\n\nMijn factuur van € 45,- klopt niet: ik heb “niets” besteld.\n\nGroet,\nRené Müller\n"
    return (b"From: =?windows-1252?q?Ren=E9_M=FCller?= <rene@example.nl>\r\n"
            b"To: klachten@example.org\r\n"
            b"Subject: =?windows-1252?q?Factuur_klopt_niet_=80_45?=\r\n"
            b"Date: " + DATE.encode() + b"\r\n"
            b"Message-ID: <cp1252@example.nl>\r\n"
            b"MIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; charset=windows-1252\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + text.replace("\n", "\r\n").encode("cp1252"))


def html_only() -> bytes:
    msg = MIMEText("<html><body><p>Beste klachtenbureau,</p><p>De <b>rolstoelbus</b> kwam twee uur te laat.</p>"
                   "</body></html>", "html", "utf-8")
    msg["From"] = "Ahmed El Amrani <ahmed@example.nl>"
    msg["Subject"] = "Rolstoelbus te laat"
    msg["Date"] = DATE
    msg["Message-ID"] = "<html-only@example.nl>"
    return _crlf(msg.as_bytes())


def reply(number: str, sender: str = "jan@example.nl") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Jan de Boer <{sender}>"
    msg["Subject"] = f"Re: [{number}] Ontvangstbevestiging van uw klacht"
    msg["Date"] = DATE
    msg["Message-ID"] = f"<reply-{number}@example.nl>"
    msg["In-Reply-To"] = "<brief@klachtenbureau>"
    msg.set_content("Dank voor uw bericht. Ik wil nog toevoegen dat het vaker gebeurt.\n\n"
                    "Op 3 december 2026 schreef Klachtenbureau <klachten@example.org>:\n> Wij hebben uw klacht ontvangen.\n")
    return _crlf(msg.as_bytes())


def website_form() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Website <noreply@example.org>"
    msg["Subject"] = "Nieuw formulier: klacht"
    msg["Date"] = DATE
    msg["Message-ID"] = "<form-1@example.org>"
    msg.set_content("Naam: Petra Smit\nE-mail: petra.smit@example.nl\nTelefoon: 06 12345678\n"
                    "Omschrijving: De activiteit werd zonder bericht afgezegd.\n")
    return _crlf(msg.as_bytes())


def big_attachment(megabytes: int = 10) -> bytes:
    msg = MIMEMultipart()
    msg["From"] = "Kees Bakker <kees@example.nl>"
    msg["Subject"] = "Klacht met foto's"
    msg["Date"] = DATE
    msg["Message-ID"] = "<big@example.nl>"
    msg.attach(MIMEText("In de bijlage de scan van de brief die ik kreeg.", "plain", "utf-8"))
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * (megabytes * 4096)
    part = MIMEApplication(pdf, "pdf")
    part.add_header("Content-Disposition", "attachment", filename="brief.pdf")
    msg.attach(part)
    return _crlf(msg.as_bytes())


def malformed() -> bytes:
    return (b"From: \"Onvolledig <kapot@\r\nSubject: =?utf-8?q?Kapotte_kop=E2?=\r\nDate: gisteren ergens\r\n"
            b"Message-ID: <malformed@example.nl>\r\n"
            b"Content-Type: multipart/mixed; boundary=\"zzz\"\r\n\r\n"
            b"--zzz\r\nContent-Type: text/plain; charset=nonsense-8\r\n\r\nDe lift is al weken stuk.\xff\xfe\r\n")


def newsletter() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Nieuwsbrief <nieuws@example.com>"
    msg["Subject"] = "Onze aanbiedingen van december"
    msg["Date"] = DATE
    msg["Message-ID"] = "<news-12@example.com>"
    msg.set_content("Bekijk onze aanbiedingen.")
    return _crlf(msg.as_bytes())


def numbered(n: int) -> bytes:
    """A plain complaint mail with its own Message-ID (the benchmark's mailbox)."""
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr((f"Melder {n}", f"melder{n}@example.nl"))
    msg["Subject"] = f"Klacht nummer {n}"
    msg["Date"] = DATE
    msg["Message-ID"] = f"<bench-{n}@example.nl>"
    msg.set_content(f"Dit is klacht {n}. " + "De dienstverlening was niet in orde. " * 20)
    return _crlf(msg.as_bytes())
