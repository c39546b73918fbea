"""Deadline profiles: when a complaint must be acknowledged and answered.

Three regimes the office can choose from in the settings:

* ``klachtenregeling`` — the office's own complaints procedure (default).
* ``wkkgz`` — healthcare providers (Wet kwaliteit, klachten en geschillen zorg).
* ``awb`` — administrative bodies (Algemene wet bestuursrecht, chapter 9).

Week terms end on the same weekday N weeks after receipt; when that is not a
working day the term runs on to the next working day, in the spirit of the
Algemene termijnenwet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import N_, _, format_date, ngettext
from klachtenbureau.workflow.workdays import WorkCalendar

__all__ = [
    "AWB", "ESCALATION_MAX_WEEKS", "KLACHTENREGELING", "PROFILES", "WKKGZ", "DeadlineProfile",
    "acknowledge_by", "aftercare_by", "answer_by", "answer_by_after_pause", "check_extension", "check_new_term",
    "days_left_at_pause", "get_profile", "latest_extension", "latest_new_term", "proposed_extension",
    "working_days_left",
]

KLACHTENREGELING = "klachtenregeling"
WKKGZ = "wkkgz"
AWB = "awb"


@dataclass(frozen=True)
class DeadlineProfile:
    """Terms of one regime. Exactly one of answer_working_days / answer_weeks is set.

    ``label`` and ``description`` are untranslated (``N_``); pass them through
    ``_()`` when showing them.
    """

    code: str
    label: str
    description: str
    acknowledge_working_days: int
    answer_working_days: int | None
    answer_weeks: int | None
    answer_weeks_committee: int | None
    max_extensions: int | None          # None: no legal maximum
    max_extension_weeks: int | None     # None: no legal maximum
    extension_needs_written_notice: bool


PROFILES: dict[str, DeadlineProfile] = {
    KLACHTENREGELING: DeadlineProfile(
        code=KLACHTENREGELING,
        label=N_("Eigen klachtenregeling"),
        description=N_("Ontvangstbevestiging binnen 2 werkdagen en antwoord binnen "
                       "5 werkdagen; uitstel mag als de klager daarover bericht krijgt."),
        acknowledge_working_days=2,
        answer_working_days=5,
        answer_weeks=None,
        answer_weeks_committee=None,
        max_extensions=None,
        max_extension_weeks=None,
        extension_needs_written_notice=False,
    ),
    WKKGZ: DeadlineProfile(
        code=WKKGZ,
        label=N_("Wkkgz (zorg)"),
        description=N_("Antwoord binnen 6 weken na ontvangst; één keer uitstel van "
                       "ten hoogste 4 weken, met schriftelijk bericht aan de klager."),
        acknowledge_working_days=2,
        answer_working_days=None,
        answer_weeks=6,
        answer_weeks_committee=None,
        max_extensions=1,
        max_extension_weeks=4,
        extension_needs_written_notice=True,
    ),
    AWB: DeadlineProfile(
        code=AWB,
        label=N_("Awb hoofdstuk 9 (overheid)"),
        description=N_("Antwoord binnen 6 weken, of 10 weken met een adviescommissie; "
                       "één keer uitstel van ten hoogste 4 weken, schriftelijk gemeld."),
        acknowledge_working_days=2,
        answer_working_days=None,
        answer_weeks=6,
        answer_weeks_committee=10,
        max_extensions=1,
        max_extension_weeks=4,
        extension_needs_written_notice=True,
    ),
}

# Name of the regime as used inside a sentence ("Volgens de Wkkgz ...").
_REGIME_NAMES = {
    KLACHTENREGELING: N_("klachtenregeling"),
    WKKGZ: N_("Wkkgz"),
    AWB: N_("Awb"),
}


def get_profile(code: str) -> DeadlineProfile:
    try:
        return PROFILES[code]
    except KeyError:
        raise ValidationError({
            "deadline_profile": _("Onbekend termijnprofiel: {code}.").format(code=code),
        }) from None


def acknowledge_by(received: dt.date, profile: DeadlineProfile, cal: WorkCalendar) -> dt.date:
    return cal.add_working_days(received, profile.acknowledge_working_days)


def answer_by(received: dt.date, profile: DeadlineProfile, cal: WorkCalendar,
              advisory_committee: bool = False) -> dt.date:
    """Answer deadline for a complaint received on ``received``.

    ``advisory_committee`` only matters for profiles with a separate committee
    term (Awb); for the others the normal term applies.
    """
    if profile.answer_working_days is not None:
        return cal.add_working_days(received, profile.answer_working_days)
    weeks = profile.answer_weeks
    if advisory_committee and profile.answer_weeks_committee is not None:
        weeks = profile.answer_weeks_committee
    if weeks is None:
        raise ValueError(f"profile {profile.code!r} has no answer term")
    return cal.next_working_day(received + dt.timedelta(weeks=weeks))


def _regime_name(profile: DeadlineProfile) -> str:
    return _(_REGIME_NAMES.get(profile.code, profile.label))


def latest_extension(profile: DeadlineProfile, current_answer_by: dt.date, cal: WorkCalendar) -> dt.date | None:
    """The furthest the answer may be postponed to under ``profile``; None when it sets no maximum.

    Like the other week terms, the maximum runs on to the next working day.
    """
    if profile.max_extension_weeks is None:
        return None
    return cal.next_working_day(current_answer_by + dt.timedelta(weeks=profile.max_extension_weeks))


def proposed_extension(profile: DeadlineProfile, current_answer_by: dt.date, cal: WorkCalendar) -> dt.date:
    """The new answer date to propose: two weeks later on a working day, within the profile's maximum."""
    proposal = cal.next_working_day(current_answer_by + dt.timedelta(weeks=2))
    latest = latest_extension(profile, current_answer_by, cal)
    return min(proposal, latest) if latest else proposal


def check_extension(profile: DeadlineProfile, current_answer_by: dt.date,
                    new_answer_by: dt.date, extensions_so_far: int, reason: str,
                    complainant_informed: bool, cal: WorkCalendar) -> None:
    """Raise ``ValidationError`` when postponing the answer is not allowed.

    The new date must be a working day of ``cal`` within the profile's maximum.
    All problems are reported at once, one message per field, so the dialog
    can mark every field that needs attention.
    """
    latest = latest_extension(profile, current_answer_by, cal)
    errors: dict[str, str] = {}

    if not (reason or "").strip():
        errors["reason"] = _("Geef een reden voor het uitstel op.")

    # One message for the date field; the most fundamental problem wins.
    if profile.max_extensions is not None and extensions_so_far >= profile.max_extensions:
        if profile.max_extensions == 1:
            errors["new_answer_by"] = _(
                "Volgens de {regime} mag de termijn maar één keer worden verlengd."
            ).format(regime=_regime_name(profile))
        else:
            errors["new_answer_by"] = ngettext(
                "Volgens de {regime} mag de termijn maar {n} keer worden verlengd.",
                "Volgens de {regime} mag de termijn maar {n} keer worden verlengd.",
                profile.max_extensions,
            ).format(regime=_regime_name(profile), n=profile.max_extensions)
    elif new_answer_by <= current_answer_by:
        errors["new_answer_by"] = _(
            "De nieuwe datum moet na de huidige termijn ({date}) liggen."
        ).format(date=format_date(current_answer_by))
    elif latest is not None and new_answer_by > latest:
        errors["new_answer_by"] = ngettext(
            "Volgens de {regime} mag de termijn met ten hoogste {n} week worden "
            "verlengd, dus tot uiterlijk {date}.",
            "Volgens de {regime} mag de termijn met ten hoogste {n} weken worden "
            "verlengd, dus tot uiterlijk {date}.",
            profile.max_extension_weeks,
        ).format(regime=_regime_name(profile), n=profile.max_extension_weeks, date=format_date(latest))
    elif not cal.is_working_day(new_answer_by):
        errors["new_answer_by"] = _("Op {date} wordt niet gewerkt ({why}); kies een werkdag.").format(
            date=format_date(new_answer_by, "EEEE d MMMM yyyy"), why=cal.holiday_name(new_answer_by) or _("weekend"))

    if not complainant_informed:
        if profile.extension_needs_written_notice:
            errors["complainant_informed"] = _(
                "De klager moet schriftelijk over het uitstel worden bericht.")
        else:
            errors["complainant_informed"] = _("De klager moet over het uitstel worden bericht.")

    if errors:
        raise ValidationError(errors)


def working_days_left(due: dt.date, today: dt.date, cal: WorkCalendar) -> int:
    """Working days from ``today`` up to ``due``: 0 when due today, negative when overdue.

    Note: on a day off right after the due date this is still 0 (no working
    day has passed yet); use ``due < today`` to decide "overdue".
    """
    return cal.working_days_between(today, due)


# -- the clock that stops while the office waits for the complainant (seed 004, 1.3) -----------------------------

def days_left_at_pause(due: dt.date, paused_on: dt.date, cal: WorkCalendar) -> int:
    """Working days of the answer term left on the day the clock stops; never negative (a late one has 0 left)."""
    return max(0, cal.working_days_between(paused_on, due))


def answer_by_after_pause(resumed_on: dt.date, days_left: int, cal: WorkCalendar) -> dt.date:
    """The answer date once the clock runs again on ``resumed_on``: the days that were left, in working days.

    With none left it is due that very day (the next working day when the clock restarts on a day off). While the
    clock stands still the same sum from the expected reply date gives a provisional date that keeps the inbox's
    order by deadline meaningful.
    """
    return cal.add_working_days(resumed_on, days_left)


# -- deadlines after the answer and after escalating --------------------------------------------------------------

ESCALATION_MAX_WEEKS = 10  # no regime gives more than ten weeks (the Awb with an advisory committee)


def aftercare_by(answered_on: dt.date, working_days: int, cal: WorkCalendar) -> dt.date:
    """The day by which to ask the complainant whether the answer solved it."""
    return cal.add_working_days(answered_on, working_days)


def latest_new_term(start: dt.date, cal: WorkCalendar) -> dt.date:
    """The furthest answer date a new level may be given on ``start``: a later date is no longer a term."""
    return cal.next_working_day(start + dt.timedelta(weeks=ESCALATION_MAX_WEEKS))


def check_new_term(chosen: dt.date, earliest: dt.date, latest: dt.date, cal: WorkCalendar) -> None:
    """Raise ``ValidationError`` (field ``answer_by``) unless ``chosen`` is a working day from the profile's
    term ``earliest`` up to ``latest``."""
    if chosen < earliest:
        problem = _("Kies {date} of later: dat is de termijn van het profiel.").format(date=format_date(earliest))
    elif chosen > latest:
        problem = _("Kies een datum tot uiterlijk {date}.").format(date=format_date(latest))
    elif not cal.is_working_day(chosen):
        problem = _("Op {date} wordt niet gewerkt ({why}); kies een werkdag.").format(
            date=format_date(chosen, "EEEE d MMMM yyyy"), why=cal.holiday_name(chosen) or _("weekend"))
    else:
        return
    raise ValidationError({"answer_by": problem})
