"""Read-only parts of the dossier as HTML for a QTextBrowser: complainant, handling, timeline, measures, history.

Also the texts of the window's header: the complaint, who took it in and handles it, and its deadline.

Every text that came from a person is escaped. Links ``complaint:<id>`` open
that complaint's dossier (earlier and similar complaints).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from klachtenbureau.i18n import _, format_amount, format_date, format_datetime, ngettext
from klachtenbureau.models.complaints import (
    ACK_METHODS, CHANNELS, CLOSED, ESCALATION_LEVELS, KINDS, REMEDIES, SATISFACTION, SEVERITIES, STATUSES, VERDICTS,
    WAITING, WAITING_COMPLAINANT, WAITING_THIRD_PARTY,
)
from klachtenbureau.models.people import RELATION_TYPES
from klachtenbureau.workflow import deadlines, inbox
from klachtenbureau.workflow.dossier_data import Dossier
from klachtenbureau.workflow.workdays import WorkCalendar

STYLE = """<style>
 body { font-size: 10pt; }
 h3 { margin: 10px 0 4px 0; }
 td { padding: 3px 10px 3px 0; vertical-align: top; }
 td.label { color: #555; white-space: nowrap; }
 .muted { color: #666; }
 .entry { margin: 0 0 10px 0; }
</style>"""


def _e(text: object) -> str:
    return escape(str(text or "")).replace("\n", "<br>")


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><td class='label'>{escape(label)}</td><td>{value}</td></tr>"
                               for label, value in pairs if value) + "</table>"


def _complaint_line(c) -> str:
    return (f"<a href='complaint:{c.id}'>{escape(c.number)}</a> · {escape(format_date(c.received_at.date()))} · "
            f"{escape(c.category.name)} · {escape(_(STATUSES[c.status]))}")


def title_html(d: Dossier) -> str:
    c = d.complaint
    title = f"{c.number}  ·  {_(KINDS[c.kind])}  ·  {_(STATUSES[c.status])}"
    if c.confidential:
        title += "  ·  <span style='color:#a4161a'>" + _("Vertrouwelijk") + "</span>"
    return title


def subtitle_text(d: Dossier) -> str:
    c = d.complaint
    handler = c.assigned_to.full_name if c.assigned_to_id else _("nog niemand")
    return _("Ontvangen {moment} ({channel}), geregistreerd door {intake} · Behandelaar: {handler}").format(
        moment=format_datetime(c.received_at), channel=_(CHANNELS[c.channel]).lower(),
        intake=c.received_by.full_name, handler=handler)


def deadline_html(d: Dossier) -> str:
    """The header lines about the deadline: which one, when, how many working days are left; what the office waits
    for (a clock that stands still shows what is left instead of a date that runs); when aftercare is due."""
    c = d.complaint
    stopped = c.waiting_for == WAITING_COMPLAINANT and c.answered_at is None and c.status != CLOSED
    lines = [_waiting_line(c) if stopped else _deadline_line(c, d.calendar)]
    if c.waiting_for == WAITING_THIRD_PARTY:
        lines.append(escape(_("Wacht op derde: {reason} — verwacht {date}.").format(
            reason=c.waiting_reason.rstrip("."), date=format_date(c.waiting_until))))
    if c.aftercare_by is not None and c.aftercare_at is None and c.answered_at is not None:
        lines.append(escape(_("Nazorg vóór {date}.").format(date=format_date(c.aftercare_by))))
    return "<br>".join(line for line in lines if line)


def _waiting_line(c) -> str:
    left = c.answer_days_left or 0
    rest = (ngettext("nog {n} werkdag na reactie", "nog {n} werkdagen na reactie", left).format(n=left) if left
            else _("af op de dag van de reactie"))
    return "<b style='color:#1d4e89'>" + escape(_("Termijn staat stil sinds {since} — {rest}; verwacht uiterlijk "
                                                  "{until}.").format(since=format_date(c.waiting_since), rest=rest,
                                                                     until=format_date(c.waiting_until))) \
        + "</b><br>" + escape(_("{waiting}: {reason}").format(waiting=_(WAITING[c.waiting_for]),
                                                               reason=c.waiting_reason))


def _deadline_line(c, calendar: WorkCalendar) -> str:
    if c.status == CLOSED:
        return _("Afgesloten op {date}.").format(date=format_date(c.closed_at.date())) if c.closed_at else ""
    if c.answered_at is not None:
        return _("Beantwoord op {date}.").format(date=format_date(c.answered_at.date()))
    today = dt.date.today()
    due, acknowledging = inbox.deadline_of(c.status, c.acknowledged_at, c.acknowledge_by, c.answer_by,
                                           c.answered_at)
    what = _("Ontvangst bevestigen uiterlijk {date}") if acknowledging else _("Antwoord uiterlijk {date}")
    text = escape(what.format(date=format_date(due)))
    days = deadlines.working_days_left(due, today, calendar)
    if due < today:
        late = max(-days, 1)
        return "<b style='color:#a4161a'>" + text + " – " + ngettext(
            "{n} werkdag te laat", "{n} werkdagen te laat", late).format(n=late) + "</b>"
    if days == 0:
        return "<b style='color:#8a5a00'>" + text + " – " + _("vandaag") + "</b>"
    return text + " – " + ngettext("nog {n} werkdag", "nog {n} werkdagen", days).format(n=days)


def _h3(text: str) -> str:
    """A heading of translated ``text`` (a ``_()`` inside an f-string is not seen by the extraction of strings)."""
    return f"<h3>{escape(text)}</h3>"


def _muted(text: str) -> str:
    return f"<p class='muted'>{escape(text)}</p>"


def complainant_html(d: Dossier) -> str:
    c = d.complaint
    if c.relation_id is None:
        who = "<p><i>" + escape(_("De klager is anoniem.")) + "</i></p>"
    else:
        r = c.relation
        address = "<br>".join(escape(part) for part in (r.street, f"{r.postcode} {r.city}".strip(), r.country) if part)
        who = _rows([
            (_("Naam"), _e(r.name)), (_("T.a.v."), _e(r.attention)), (_("Aanhef"), _e(r.salutation)),
            (_("Adres"), address), (_("Telefoon"), _e(r.phone)), (_("E-mail"), _e(r.email)),
            (_("Soort relatie"), _e(_(RELATION_TYPES.get(r.relation_type, r.relation_type)))),
        ])
    parts = [STYLE, _h3(_("Klager")), who, _h3(_("Eerdere klachten van deze klager"))]
    parts.append("<br>".join(_complaint_line(e) for e in d.earlier) if d.earlier
                 else _muted(_("Geen.")))
    parts.append(_h3(_("Vergelijkbare klachten (zelfde categorie, binnen een jaar)")))
    parts.append("<br>".join(_complaint_line(s) for s in d.similar) if d.similar
                 else _muted(_("Geen.")))
    return "".join(parts)


def handling_html(d: Dossier) -> str:
    c = d.complaint
    remedies = ", ".join(_(REMEDIES[r]) for r in c.remedy_codes)
    if c.compensation_amount is not None:
        remedies += " – " + format_amount(c.compensation_amount)
    return "".join([
        STYLE, _h3(_("Onderzoek")),
        _rows([(_("Feiten"), _e(c.findings_facts)), (_("Omstandigheden"), _e(c.findings_circumstances)),
               (_("Oorzaken"), _e(c.findings_causes)), (_("Nadeel of schade"), _e(c.findings_damage)),
               (_("Ernst"), _e(_(SEVERITIES.get(c.severity, ""))))]) if c.findings_facts
        else _muted(_("Nog geen onderzoek vastgelegd.")),
        _h3(_("Oordeel en herstel")),
        _rows([(_("Oordeel"), _e(_(VERDICTS[c.verdict])) if c.verdict else ""),
               (_("Motivering"), _e(c.verdict_motivation)), (_("Herstel"), _e(remedies)),
               (_("Toelichting"), _e(c.remedy_note))]) if c.verdict or remedies
        else _muted(_("Nog geen oordeel.")),
        _h3(_("Afhandeling")),
        _rows([
            (_("Ontvangst bevestigd"), _e(_acknowledged(c))),
            (_("Voorgesteld antwoord"), _e(c.proposed_answer)),
            (_("Antwoord"), _e(c.answer)), (_("Beantwoord op"), _e(format_datetime(c.answered_at))),
            (_("Geëscaleerd naar"), _e(_(ESCALATION_LEVELS[c.escalation_level])) if c.escalation_level else ""),
            (_("Reden escalatie"), _e(c.escalation_reason)),
            (_("Nazorg"), _e(_(SATISFACTION[c.satisfaction])) if c.satisfaction else ""),
            (_("Afgesloten op"), _e(format_datetime(c.closed_at))), (_("Afsluitende notitie"), _e(c.closure_note)),
        ]) or _muted(_("Nog niet beantwoord.")),
    ])


def _acknowledged(c) -> str:
    if c.acknowledged_at is None:
        return ""
    moment = format_datetime(c.acknowledged_at)
    method = ACK_METHODS.get(c.acknowledgement_method)
    return f"{moment} ({_(method).lower()})" if method else moment


def timeline_html(d: Dossier) -> str:
    parts = [STYLE]
    for entry in reversed(d.facts.timeline):  # newest first: that is what the coordinator looks for
        what = " · ".join(filter(None, [entry.kind, entry.detail, entry.by]))
        parts.append(f"<div class='entry'><b>{escape(entry.at)}</b> · {escape(what)}<br>{_e(entry.summary)}</div>")
    return "".join(parts)


def measures_html(d: Dossier) -> str:
    if not d.facts.measures:
        return STYLE + _muted(_("Geen verbetermaatregelen gekoppeld aan deze klacht."))
    rows = "".join(
        f"<tr><td><b>{_e(m.title)}</b><br><span class='muted'>{_e(m.description)}</span></td>"
        f"<td>{escape(m.owner)}</td><td>{escape(m.due)}</td><td>{escape(m.status)}</td></tr>"
        for m in d.facts.measures)
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in
                   (_("Maatregel"), _("Eigenaar"), _("Uiterlijk"), _("Stand")))
    return f"{STYLE}<table><tr>{head}</tr>{rows}</table>"


def history_html(d: Dossier) -> str:
    """The audit trail in the same words as the archive dossier (workflow.audit_text), newest first."""
    rows = "".join(
        f"<tr><td class='label'>{escape(a.at)}</td><td>{escape(a.by)}</td><td>{escape(a.action)}</td>"
        f"<td class='muted'>{escape(a.changes)}</td></tr>" for a in reversed(d.facts.history))
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in (_("Wanneer"), _("Wie"), _("Wat"), _("Details")))
    note = escape(_("Het logboek van alle wijzigingen aan deze klacht; het wordt nooit herschreven."))
    return f"{STYLE}<p class='muted'>{note}</p><table><tr>{head}</tr>{rows}</table>"
