"""Letters while the office waits for the complainant: no running date that the stopped clock makes untrue."""

from __future__ import annotations

import datetime as dt

from klachtenbureau.i18n import format_date
from klachtenbureau.models import Complaint
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import letters, procedure, settings
from tests.reports.pdftools import normalised, text

MONDAY = dt.datetime(2026, 11, 2, 10)  # the answer is due Monday 9 November


def waiting(register, staff) -> Complaint:
    with acting_at(MONDAY):
        complaint = register(acknowledgement_method="phone", assign_to=staff["petra"].id)
    with acting_at(dt.datetime(2026, 11, 4, 10)):  # Wednesday: Thu 5, Fri 6 and Mon 9 are left
        return procedure.wait(staff["petra"], complaint, "complainant", "Ritgegevens gevraagd.",
                              dt.date(2026, 11, 20))


def test_letters_say_how_long_after_the_reply_the_answer_comes_while_the_clock_stands_still(register, staff):
    complaint = waiting(register, staff)
    assert complaint.answer_by == dt.date(2026, 11, 25)  # provisional: not a date to promise
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "acknowledgement",
                                                 today=dt.date(2026, 11, 4))))
    assert "U krijgt uiterlijk 3 werkdagen na uw reactie antwoord." in content
    assert format_date(complaint.answer_by) not in content
    request = letters.information_request("Welke rit bedoelt u?", dt.date(2026, 11, 20), dt.date(2026, 11, 4))
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "information_request",
                                                 today=dt.date(2026, 11, 4), request=request)))
    assert "staat de termijn voor ons antwoord stil. Na uw reactie krijgt u ons antwoord binnen 3 werkdagen." \
        in content
    with acting_at(dt.datetime(2026, 11, 10, 10)):  # Tuesday the reply came: Wed 11, Thu 12, Fri 13
        resumed = procedure.resume(staff["petra"], complaint)
    content = normalised(text(letters.letter_pdf(staff["petra"], resumed, "acknowledgement",
                                                 today=dt.date(2026, 11, 10))))
    assert f"U krijgt uiterlijk {format_date(dt.date(2026, 11, 13))} antwoord." in content


def test_a_request_without_stopping_the_clock_leaves_the_paragraph_out(register, staff):
    complaint = procedure.acknowledge(staff["petra"], register(), "phone")
    request = letters.information_request("Welke rit bedoelt u?", letters.default_reply_by(), pause=False)
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "information_request", request=request)))
    assert "staat de termijn" not in content
    paused = letters.information_request("Welke rit bedoelt u?", letters.default_reply_by(), pause=True)
    left = max(0, settings.calendar().working_days_between(dt.date.today(), complaint.answer_by))
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "information_request", request=paused)))
    assert f"Na uw reactie krijgt u ons antwoord binnen {left} werkdagen." in content
    assert letters.reply_wait(paused) == {"waiting_for": "complainant", "until": letters.default_reply_by(),
                                          "reason": "Verzoek om aanvullende informatie verstuurd: Welke rit bedoelt u?"}
