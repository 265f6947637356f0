"""E-mail to hosts that have no API: stdlib smtplib to EUCENTRE_SMTP_URL
(smtp://[user:password@]host[:port][?starttls=true], or smtps:// for TLS from the start)."""

from __future__ import annotations

import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT = 30.0


class MailNotConfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool
    starttls: bool
    user: str | None
    password: str | None


def parse_smtp_url(url: str | None) -> SmtpTarget:
    if not url:
        raise MailNotConfigured("EUCENTRE_SMTP_URL is not set: e-mailed notices wait")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailNotConfigured("EUCENTRE_SMTP_URL must be smtp://host[:port] or smtps://...")
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def compose(*, sender: str, to: str, subject: str, text: str, data: dict[str, Any]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    message.add_attachment(
        json.dumps(data, indent=2).encode(),
        maintype="application",
        subtype="json",
        filename=f"notice-{data['notice_id']}.json",
    )
    return message


def send(target: SmtpTarget, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    if target.tls:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            target.host, target.port, timeout=TIMEOUT, context=context
        )
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT)
    with client:
        if target.starttls:
            client.starttls(context=context)
        if target.user:
            client.login(target.user, target.password or "")
        client.send_message(message)
