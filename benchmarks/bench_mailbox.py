"""The mailbox as a channel (issue 14): a folder of 5,000 messages on a real Dovecot (tests/imapserver.py).

Figures: the time to list the first page of new messages (50, each checked against the database by
Message-ID), and the time per message turned into a complaint (fetch it, register it with the mail kept,
mark it on the server). Needs Dovecot (Debian: dovecot-imapd); without it the module says so and measures
nothing. Each run registers ``repeat`` complaints more in the benchmark database.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchmarks import Context, timed
from klachtenbureau.workflow import intake
from klachtenbureau.workflow.mail import incoming, mailbox, sorting
from klachtenbureau.workflow.mail.mail_settings import MailSettings
from tests.imapserver import PASSWORD, USER, ImapServer, find_dovecot
from tests.workflow import mail_mix

MESSAGES = 5_000
PAGE = 50


def run(ctx: Context) -> dict[str, list[float]]:
    if find_dovecot() is None:
        print("# bench_mailbox: Dovecot not found (install dovecot-imapd); skipped", file=sys.stderr)
        return {}
    with tempfile.TemporaryDirectory(prefix="bench-imap-") as tmp, ImapServer(Path(tmp)) as server:
        start = time.perf_counter()
        server.append_many([mail_mix.numbered(n) for n in range(1, MESSAGES + 1)])
        print(f"# bench_mailbox: {MESSAGES} messages appended in {time.perf_counter() - start:.0f} s",
              file=sys.stderr, flush=True)
        settings = MailSettings(imap_host="127.0.0.1", imap_port=server.port, imap_security="none",
                                imap_user=USER, imap_password=PASSWORD)
        figures = {f"mailbox first page ({PAGE} of {MESSAGES})":
                   timed(lambda: mailbox.new_messages(settings, PAGE), ctx.repeat)}
        waiting = mailbox.new_messages(settings, ctx.repeat + 1)

        def one() -> None:
            listed = waiting.pop()
            message = mailbox.fetch(settings, listed.uid)
            report = intake.NewReport(**{k: v for k, v in incoming.intake_fields(message, {}).items()
                                                 if k in ("description", "channel", "received_at", "relation")})
            sorting.register_from_mail(ctx.user, report, message, uid=listed.uid, mail_settings=settings)

        figures["mail turned into a complaint (fetch, register, mark)"] = timed(one, ctx.repeat)
    return figures
