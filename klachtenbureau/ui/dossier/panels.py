"""Read-only parts of the dossier as HTML for a QTextBrowser: complainant, handling, timeline, measures, history.

Every text that came from a person is escaped. Links ``complaint:<id>`` open
that complaint's dossier (earlier and similar complaints).
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from klachtenbureau.i18n import N_, _, format_amount, format_date, format_datetime, ngettext
from klachtenbureau.models.complaints import (
    ACK_METHODS, CHANNELS, CLOSED, CONTACT_METHODS, DIRECTIONS, ENTRY_KINDS, ESCALATION_LEVELS, KINDS, REMEDIES,
    SATISFACTION, SEVERITIES, STATUSES, VERDICTS,
)
from klachtenbureau.models.measures import MEASURE_STATUSES
from klachtenbureau.models.people import RELATION_TYPES
from klachtenbureau.models import AuditEntry
from klachtenbureau.ui.dossier.attachments import size_text as _size
from klachtenbureau.workflow import deadlines, inbox, procedure, settings
from klachtenbureau.workflow.dossier_data import Dossier
from klachtenbureau.workflow.operations import CHANGED

STYLE = """<style>
 body { font-size: 10pt; }
 h3 { margin: 10px 0 4px 0; }
 td { padding: 3px 10px 3px 0; vertical-align: top; }
 td.label { color: #555; white-space: nowrap; }
 .muted { color: #666; }
 .entry { margin: 0 0 10px 0; }
</style>"""

AUDIT_ACTIONS = {
    "register": N_("Geregistreerd"),
    "contact": N_("Contactmoment of notitie toegevoegd"),
    "edit_registration": N_("Registratie gewijzigd"),
    "edit_relation": N_("Gegevens klager gewijzigd"),
    "attach": N_("Bijlage toegevoegd"),
    **{name: label for name, (_sources, label) in procedure.ACTIONS.items()},
}
FIELD_LABELS = {
    "status": N_("status"), "assigned_to": N_("behandelaar"), "severity": N_("ernst"), "verdict": N_("oordeel"),
    "category": N_("categorie"), "channel": N_("kanaal"), "kind": N_("soort"), "description": N_("omschrijving"),
    "answer_by": N_("antwoordtermijn"), "confidential": N_("vertrouwelijk"), "name": N_("naam"),
    "remedies": N_("herstel"), "compensation_amount": N_("bedrag"), "answer": N_("antwoord"),
    "escalation_level": N_("escalatie"), "satisfaction": N_("tevredenheid"), "summary": N_("samenvatting"),
    "incident_date": N_("datum voorval"), "desired_outcome": N_("gewenste uitkomst"),
    "verdict_motivation": N_("motivering oordeel"), "escalation_reason": N_("reden escalatie"),
}


def _e(text: object) -> str:
    return escape(str(text or "")).replace("\n", "<br>")


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><td class='label'>{escape(label)}</td><td>{value}</td></tr>"
                               for label, value in pairs if value) + "</table>"


def _complaint_line(c) -> str:
    return (f"<a href='complaint:{c.id}'>{escape(c.number)}</a> · {escape(format_date(c.received_at.date()))} · "
            f"{escape(c.category.name)} · {escape(_(STATUSES[c.status]))}")


def deadline_html(d: Dossier) -> str:
    """The header line about the deadline: which one, when, and how many working days are left."""
    c = d.complaint
    if c.status == CLOSED:
        return _("Afgesloten op {date}.").format(date=format_date(c.closed_at.date())) if c.closed_at else ""
    if c.answered_at is not None:
        return _("Beantwoord op {date}.").format(date=format_date(c.answered_at.date()))
    today = dt.date.today()
    due, acknowledging = inbox.deadline_of(c.status, c.acknowledged_at, c.acknowledge_by, c.answer_by,
                                           c.answered_at)
    what = _("Ontvangst bevestigen uiterlijk {date}") if acknowledging else _("Antwoord uiterlijk {date}")
    text = escape(what.format(date=format_date(due)))
    days = deadlines.working_days_left(due, today, settings.calendar())
    if due < today:
        late = max(-days, 1)
        return "<b style='color:#a4161a'>" + text + " – " + ngettext(
            "{n} werkdag te laat", "{n} werkdagen te laat", late).format(n=late) + "</b>"
    if days == 0:
        return "<b style='color:#8a5a00'>" + text + " – " + _("vandaag") + "</b>"
    return text + " – " + ngettext("nog {n} werkdag", "nog {n} werkdagen", days).format(n=days)


def complainant_html(d: Dossier) -> str:
    c = d.complaint
    if c.relation_id is None:
        who = f"<p><i>{escape(_('De klager is anoniem.'))}</i></p>"
    else:
        r = c.relation
        address = "<br>".join(escape(part) for part in (r.street, f"{r.postcode} {r.city}".strip()) if part)
        who = _rows([
            (_("Naam"), _e(r.name)), (_("Adres"), address), (_("Telefoon"), _e(r.phone)), (_("E-mail"), _e(r.email)),
            (_("Soort relatie"), _e(_(RELATION_TYPES.get(r.relation_type, r.relation_type)))),
        ])
    parts = [STYLE, f"<h3>{escape(_('Klager'))}</h3>", who, f"<h3>{escape(_('Eerdere klachten van deze klager'))}</h3>"]
    parts.append("<br>".join(_complaint_line(e) for e in d.earlier) if d.earlier
                 else f"<p class='muted'>{escape(_('Geen.'))}</p>")
    parts.append(f"<h3>{escape(_('Vergelijkbare klachten (zelfde categorie, afgelopen jaar)'))}</h3>")
    parts.append("<br>".join(_complaint_line(s) for s in d.similar) if d.similar
                 else f"<p class='muted'>{escape(_('Geen.'))}</p>")
    return "".join(parts)


def handling_html(d: Dossier) -> str:
    c = d.complaint
    remedies = ", ".join(_(REMEDIES[r]) for r in c.remedy_codes)
    if c.compensation_amount is not None:
        remedies += " – " + format_amount(c.compensation_amount)
    return "".join([
        STYLE, f"<h3>{escape(_('Onderzoek'))}</h3>",
        _rows([(_("Feiten"), _e(c.findings_facts)), (_("Omstandigheden"), _e(c.findings_circumstances)),
               (_("Oorzaken"), _e(c.findings_causes)), (_("Nadeel of schade"), _e(c.findings_damage)),
               (_("Ernst"), _e(_(SEVERITIES.get(c.severity, ""))))]) if c.findings_facts
        else f"<p class='muted'>{escape(_('Nog geen onderzoek vastgelegd.'))}</p>",
        f"<h3>{escape(_('Oordeel en herstel'))}</h3>",
        _rows([(_("Oordeel"), _e(_(VERDICTS[c.verdict])) if c.verdict else ""),
               (_("Motivering"), _e(c.verdict_motivation)), (_("Herstel"), _e(remedies)),
               (_("Toelichting"), _e(c.remedy_note))]) if c.verdict or remedies
        else f"<p class='muted'>{escape(_('Nog geen oordeel.'))}</p>",
        f"<h3>{escape(_('Afhandeling'))}</h3>",
        _rows([
            (_("Ontvangst bevestigd"), _e(_acknowledged(c))),
            (_("Antwoord"), _e(c.answer)), (_("Beantwoord op"), _e(format_datetime(c.answered_at))),
            (_("Geëscaleerd naar"), _e(_(ESCALATION_LEVELS[c.escalation_level])) if c.escalation_level else ""),
            (_("Reden escalatie"), _e(c.escalation_reason)),
            (_("Nazorg"), _e(_(SATISFACTION[c.satisfaction])) if c.satisfaction else ""),
            (_("Afgesloten op"), _e(format_datetime(c.closed_at))), (_("Afsluitende notitie"), _e(c.closure_note)),
        ]) or f"<p class='muted'>{escape(_('Nog niet beantwoord.'))}</p>",
    ])


def _acknowledged(c) -> str:
    if c.acknowledged_at is None:
        return ""
    moment = format_datetime(c.acknowledged_at)
    method = ACK_METHODS.get(c.acknowledgement_method)
    return f"{moment} ({_(method).lower()})" if method else moment


def timeline_html(d: Dossier) -> str:
    parts = [STYLE]
    for entry in reversed(d.timeline):  # newest first: that is what the coordinator looks for
        what = [_(ENTRY_KINDS.get(entry.kind, entry.kind))]
        if entry.method:
            what.append(_(CONTACT_METHODS.get(entry.method, entry.method)).lower())
        if entry.direction:
            what.append(_(DIRECTIONS.get(entry.direction, entry.direction)).lower())
        who = entry.user.full_name if entry.user_id else ""
        parts.append(f"<div class='entry'><b>{escape(format_datetime(entry.at))}</b> · {escape(' · '.join(what))}"
                     f"{' · ' + escape(who) if who else ''}<br>{_e(entry.summary)}</div>")
    return "".join(parts)


def measures_html(d: Dossier) -> str:
    if not d.measures:
        return STYLE + f"<p class='muted'>{escape(_('Geen verbetermaatregelen gekoppeld aan deze klacht.'))}</p>"
    rows = "".join(
        f"<tr><td><b>{_e(m.title)}</b><br><span class='muted'>{_e(m.description)}</span></td>"
        f"<td>{escape(m.owner.full_name)}</td><td>{escape(format_date(m.due_date))}</td>"
        f"<td>{escape(_(MEASURE_STATUSES.get(m.status, m.status)))}</td></tr>" for m in d.measures)
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in
                   (_("Maatregel"), _("Eigenaar"), _("Uiterlijk"), _("Stand")))
    return f"{STYLE}<table><tr>{head}</tr>{rows}</table>"


VALUE_LABELS = {"status": STATUSES, "channel": CHANNELS, "verdict": VERDICTS, "severity": SEVERITIES,
                "escalation_level": ESCALATION_LEVELS, "satisfaction": SATISFACTION}


def _value_text(d: Dossier, field: str, value: object) -> str:
    if value in ("", None):
        return "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if field in VALUE_LABELS:
        return _(VALUE_LABELS[field].get(value, str(value)))
    if field == "kind":
        return _(KINDS.get(value) or ENTRY_KINDS.get(value) or str(value))
    if field == "assigned_to":
        return d.names.get(value, str(value))
    if field == "category":
        return d.names.get(("category", value), str(value))
    if field == "remedies":
        return ", ".join(_(REMEDIES.get(code, code)) for code in str(value).split(",") if code)
    if field == "answer_by":
        try:
            return format_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def _change_text(d: Dossier, entry: AuditEntry) -> str:
    """The audit entry's changes in words. Private text is logged only as changed (operations.PRIVATE_FIELDS)."""
    try:
        data = json.loads(entry.changes or "{}")
    except ValueError:
        return ""
    if entry.action == "attach":
        return _size(int(data.get("size", 0))) if data.get("size") else ""
    parts = []
    for field, value in sorted(data.items()):
        if field not in FIELD_LABELS:
            continue
        label = _(FIELD_LABELS[field])
        if value == CHANGED:
            parts.append(_("{field} ingevuld").format(field=label) if entry.action == "register"
                         else _("{field} gewijzigd").format(field=label))
        elif entry.action != "register" or value not in ("", None):
            parts.append(f"{label}: {_value_text(d, field, value)}")
    return "; ".join(parts)


def history_html(d: Dossier) -> str:
    rows = "".join(
        f"<tr><td class='label'>{escape(format_datetime(a.at))}</td>"
        f"<td>{escape(d.names.get(a.user_login, a.user_login))}</td>"
        f"<td>{escape(_(AUDIT_ACTIONS.get(a.action, a.action)))}</td>"
        f"<td class='muted'>{escape(_change_text(d, a))}</td></tr>"
        for a in reversed(d.history))
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in (_("Wanneer"), _("Wie"), _("Wat"), _("Details")))
    note = escape(_("Het logboek van alle wijzigingen aan deze klacht; het wordt nooit herschreven."))
    return f"{STYLE}<p class='muted'>{note}</p><table><tr>{head}</tr>{rows}</table>"
