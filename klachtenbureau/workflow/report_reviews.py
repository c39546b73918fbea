"""The people's part of a board report (seed 001 step 7, seed 003): what the figures cannot say themselves.

The quality officer, the coordinator or the director writes the office's conclusions and adds recommendations
to the ones the figures give (workflow/reporting.py); the directors decide on each recommendation (seed 003: "De
Directie … bepaalt of de aanbevelingen overgenomen en geïmplementeerd worden"); the conclusions of the management
review and its date are kept with them (seed 001 step 7). One version number covers a period's whole part: when
two people save at once, the second gets a ConflictError and keeps what they typed.

A generated recommendation is stored only once it is decided on, with its text as it was decided: the figures
(and so the text) may change later. On loading, a generated text is matched to a stored one by its text, spaces
folded: the same text is the same recommendation, shown once with its decision. A stored one the figures no
longer give stays (it was decided on); a text the figures now word differently is a new recommendation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import peewee

from klachtenbureau.errors import ConflictError, TransitionNotAllowedError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Measure, User
from klachtenbureau.models.reviews import ADOPTED, DECISIONS, Recommendation, ReportReview
from klachtenbureau.workflow import measures, permissions
from klachtenbureau.workflow.operations import CHANGED, Outcome, perform, update_versioned


@dataclasses.dataclass
class Line:
    """One recommendation as the report shows it; ``id`` is its stored row (None: generated, not decided on)."""

    text: str
    generated: bool = False
    decision: str = ""  # "" or a DECISIONS code
    decided_on: dt.date | None = None
    note: str = ""
    measure_id: int | None = None
    measure_title: str = ""
    id: int | None = None
    version: int = 0

    def decision_key(self) -> tuple[str, dt.date | None, str]:
        return self.decision, self.decided_on, self.note.strip()


@dataclasses.dataclass
class Review:
    """The people's part of one period's report; ``version`` 0 while nothing is stored for it."""

    period: str  # a Period.code: "2026H1", "2026"
    conclusions: str = ""
    review_conclusions: str = ""
    reviewed_on: dt.date | None = None
    recommendations: list[Line] = dataclasses.field(default_factory=list)
    version: int = 0
    updated_at: dt.datetime | None = None
    updated_by: str = ""


def fold(text: str) -> str:
    return " ".join(text.split())


def merge(generated: list[str], stored: list[Recommendation]) -> list[Line]:
    """The generated texts (decided ones with their stored decision), then decided ones the figures no longer
    give, then the office's own recommendations in their order."""
    stored_generated = {fold(r.text): r for r in stored if r.generated}
    lines = []
    for text in dict.fromkeys(fold(t) for t in generated):
        row = stored_generated.pop(text, None)
        lines.append(_line(row) if row is not None else Line(text, generated=True))
    lines += [_line(r) for r in stored if r.generated and fold(r.text) in stored_generated]
    return lines + [_line(r) for r in stored if not r.generated]


def _line(row: Recommendation) -> Line:
    measure = row.measure if row.measure_id else None
    return Line(row.text, row.generated, row.decision, row.decided_on, row.decision_note, row.measure_id,
                measure.title if measure else "", row.id, row.version)


def _stored(row: ReportReview | None) -> list[Recommendation]:
    if row is None:
        return []
    return list(Recommendation.select(Recommendation, Measure).join(Measure, peewee.JOIN.LEFT_OUTER, on=(
        Recommendation.measure == Measure.id)).where(Recommendation.review == row.id)
        .order_by(Recommendation.position, Recommendation.id))


def _review(period: str, row: ReportReview | None, generated: list[str]) -> Review:
    lines = merge(generated, _stored(row))
    if row is None:
        return Review(period, recommendations=lines)
    who = row.updated_by.full_name if row.updated_by_id else ""
    return Review(period, row.conclusions, row.review_conclusions, row.reviewed_on, lines, row.version,
                  row.updated_at, who)


def load(user: User, period: str, generated: list[str]) -> Review:
    """The part of ``period`` as stored, with the recommendations the figures give now (``generated``)."""
    permissions.require_make_reports(user)
    return _review(period, ReportReview.get_or_none(ReportReview.period == period), generated)


def _check(review: Review) -> dict[str, str]:
    errors = {}
    for number, line in enumerate(review.recommendations, start=1):
        if not line.generated and not line.text.strip():
            errors["recommendations"] = _("Aanbeveling {n} heeft geen tekst.").format(n=number)
        if line.decision and line.decision not in DECISIONS:
            errors["decision"] = _("Onbekend besluit bij aanbeveling {n}.").format(n=number)
        elif line.decision and line.decided_on is None:
            errors["decided_on"] = _("Vul de datum van het besluit over aanbeveling {n} in.").format(n=number)
    if review.review_conclusions.strip() and review.reviewed_on is None:
        errors["reviewed_on"] = _("Vul de datum van de directiebeoordeling in.")
    return errors


def save(user: User, review: Review, operation_id: str | None = None) -> Review:
    """Store ``review`` if nobody saved the period's part since it was loaded (else a ConflictError).

    Only the director may change a decision (or remove a decided recommendation); the others save the rest
    with the decisions as they are.
    """
    permissions.require_make_reports(user)
    errors = _check(review)
    if errors:
        raise ValidationError(errors)
    lines = [dataclasses.replace(line, text=fold(line.text) if line.generated else line.text.strip(),
                                 note=line.note.strip() if line.decision else "",
                                 decided_on=line.decided_on if line.decision else None)
             for line in review.recommendations]

    def body() -> Outcome:
        row = ReportReview.get_or_none(ReportReview.period == review.period)
        if (row.version if row else 0) != review.version:
            raise ConflictError()
        stored = {r.id: r for r in _stored(row)}
        before = {i: (r.decision, r.decided_on, r.decision_note) for i, r in stored.items()}
        if any(line.decision_key() != before.get(line.id, ("", None, "")) for line in lines) or any(
                before[i][0] for i in set(stored) - {line.id for line in lines}):
            permissions.require_decide_recommendations(user)
        fields = {"conclusions": review.conclusions.strip(), "review_conclusions": review.review_conclusions.strip(),
                  "reviewed_on": review.reviewed_on}
        if row is None:
            row = ReportReview.create(period=review.period, updated_by=user.id, **fields)
            changes = {name: value for name, value in fields.items() if value}
        else:
            changes = update_versioned(row, review.version, {**fields, "updated_by": user.id})
            changes.pop("updated_by", None)
        changes.update(_write_lines(row, lines, stored, before))
        # Free text may name people, and the audit log is never rewritten: it says what changed, not what it said.
        return Outcome(row, {k: CHANGED if k in ("conclusions", "review_conclusions") else v
                             for k, v in changes.items()})

    saved = perform(user, "report_review_save", body, operation_id)
    return _review(review.period, saved, [line.text for line in lines if line.generated])


def _write_lines(row: ReportReview, lines: list[Line], stored: dict[int, Recommendation],
                 before: dict[int, tuple]) -> dict[str, object]:
    """Brings the stored recommendations in line with ``lines``; what changed, for the audit entry."""
    kept, decisions, added = set(), {}, 0
    for position, line in enumerate(lines):
        values = {"position": position, "decision": line.decision, "decided_on": line.decided_on,
                  "decision_note": line.note}
        if line.decision_key() != before.get(line.id, ("", None, "")):
            decisions[str(position + 1)] = f"{line.decision or '-'} {line.decided_on or ''}".strip()
        current = stored.get(line.id)
        if line.generated and not line.decision and (current is None or current.measure_id is None):
            continue  # follows the figures again
        if current is None:
            Recommendation.create(review=row.id, text=line.text, generated=line.generated, **values)
            added += 1
            continue
        kept.add(current.id)
        if not line.generated:
            values["text"] = line.text
        if any(getattr(current, name) != value for name, value in values.items()):
            Recommendation.update(version=current.version + 1, **values).where(
                Recommendation.id == current.id).execute()
    removed = [i for i in stored if i not in kept]
    if removed:
        Recommendation.delete().where(Recommendation.id.in_(removed)).execute()
    found: dict[str, object] = {"recommendations_added": added, "recommendations_removed": len(removed),
                                "decisions": decisions}
    return {k: v for k, v in found.items() if v}


def make_measure(user: User, line: Line, title: str, owner: User, due_date: dt.date, description: str = "",
                 operation_id: str | None = None) -> Measure:
    """An adopted recommendation becomes an improvement measure (source: management review), linked to it,
    in one operation (seed 001 step 7: the quality officer registers the review's measures)."""
    permissions.require_make_reports(user)
    measures.check_new(user, title, owner, "review", [])

    def body() -> Outcome:
        row = Recommendation.get_or_none(Recommendation.id == line.id) if line.id else None
        if row is None or row.version != line.version:
            raise ConflictError()
        if row.decision != ADOPTED:
            raise TransitionNotAllowedError(_("Alleen van een overgenomen aanbeveling maakt u een maatregel."))
        if row.measure_id is not None:
            raise TransitionNotAllowedError(_("Van deze aanbeveling is al een verbetermaatregel gemaakt."))
        outcome = measures.insert(user, title, owner, due_date, description, "review", [])
        update_versioned(row, row.version, {"measure": outcome.instance.id}, touch=False)
        outcome.changes["recommendation"] = row.id
        return outcome

    return perform(user, "measure_create", body, operation_id)
