"""The people's part of a board report: conclusions, own recommendations, the directors' decisions, the management
review; saved version-checked, with rights from seeds 001 and 003, and an adopted recommendation made a measure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from klachtenbureau.errors import ConflictError, PermissionDeniedError, TransitionNotAllowedError, ValidationError
from klachtenbureau.models import AuditEntry, Measure
from klachtenbureau.models.reviews import ADOPTED, LATER, NOT_ADOPTED, Recommendation
from klachtenbureau.workflow import report_reviews
from klachtenbureau.workflow.report_reviews import Line

FIGURES = ["Bevestig de ontvangst sneller: 7 van 10 op tijd, de norm is 95%.",
           "2 klachten uit deze periode staan nog over de termijn open: handel ze met voorrang af."]
DAY = dt.date(2027, 1, 20)


def decide(review: report_reviews.Review, index: int, decision: str, note: str = "") -> report_reviews.Review:
    lines = list(review.recommendations)
    lines[index] = dataclasses.replace(lines[index], decision=decision, decided_on=DAY, note=note)
    return dataclasses.replace(review, recommendations=lines)


def test_the_part_is_saved_and_found_again_with_the_figures_recommendations(db, staff):
    anouk = staff["anouk"]
    review = report_reviews.load(anouk, "2026H2", FIGURES)
    assert review.version == 0 and [(r.text, r.generated, r.id) for r in review.recommendations] == [
        (FIGURES[0], True, None), (FIGURES[1], True, None)]
    review.conclusions = "Het tweede halfjaar liep rustiger.\n\nDe taxi's blijven het grootste punt."
    review.recommendations.append(Line("  Bel elke klager binnen een week na het antwoord.  "))
    saved = report_reviews.save(anouk, review)
    assert saved.version == 1 and saved.updated_by == "Anouk Visser"
    again = report_reviews.load(staff["henk"], "2026H2", FIGURES)
    assert again.conclusions == "Het tweede halfjaar liep rustiger.\n\nDe taxi's blijven het grootste punt."
    assert [(r.text, r.generated) for r in again.recommendations] == [
        (FIGURES[0], True), (FIGURES[1], True), ("Bel elke klager binnen een week na het antwoord.", False)]
    assert Recommendation.select().count() == 1  # an undecided generated recommendation follows the figures
    assert report_reviews.load(anouk, "2026H1", FIGURES).conclusions == ""  # per period


def test_the_second_of_two_saves_from_the_same_version_is_refused_and_the_first_stays(db, staff):
    first = report_reviews.load(staff["anouk"], "2026", FIGURES)
    second = report_reviews.load(staff["petra"], "2026", FIGURES)
    report_reviews.save(staff["anouk"], dataclasses.replace(first, conclusions="Van Anouk."))
    with pytest.raises(ConflictError):
        report_reviews.save(staff["petra"], dataclasses.replace(second, conclusions="Van Petra."))
    stored = report_reviews.load(staff["petra"], "2026", FIGURES)
    assert stored.conclusions == "Van Anouk."
    again = report_reviews.save(staff["petra"], dataclasses.replace(stored, conclusions="Van Petra."))
    assert again.conclusions == "Van Petra." and again.version == 2
    with pytest.raises(ConflictError):  # an old version once something is stored, too
        report_reviews.save(staff["anouk"], dataclasses.replace(first, version=1, conclusions="Weer Anouk."))


def test_only_the_director_records_the_decision_on_a_recommendation(db, staff):
    review = report_reviews.load(staff["anouk"], "2026H2", FIGURES)
    for login in ("anouk", "petra", "admin"):
        with pytest.raises(PermissionDeniedError, match="directeur"):
            report_reviews.save(staff[login], decide(review, 0, ADOPTED))
    assert Recommendation.select().count() == 0
    decided = report_reviews.save(staff["henk"], decide(decide(review, 0, ADOPTED, "In het MT besproken."),
                                                        1, LATER))
    # The quality officer saves her conclusions with the directors' decisions as they stand...
    later = report_reviews.save(staff["anouk"], dataclasses.replace(decided, conclusions="Rustig halfjaar."))
    assert [(r.decision, r.decided_on, r.note) for r in later.recommendations] == [
        (ADOPTED, DAY, "In het MT besproken."), (LATER, DAY, "")]
    # ...but cannot change one, nor remove a decided one.
    with pytest.raises(PermissionDeniedError):
        report_reviews.save(staff["anouk"], decide(later, 1, NOT_ADOPTED))
    with pytest.raises(PermissionDeniedError):
        report_reviews.save(staff["anouk"], dataclasses.replace(later, recommendations=later.recommendations[1:]))


@pytest.mark.parametrize("login", ["sanne", "fatima"])
def test_who_does_not_report_neither_sees_nor_saves_the_part(db, staff, login):
    with pytest.raises(PermissionDeniedError):
        report_reviews.load(staff[login], "2026", FIGURES)
    with pytest.raises(PermissionDeniedError):
        report_reviews.save(staff[login], report_reviews.Review("2026", conclusions="Nee."))


def test_a_decided_recommendation_keeps_its_text_when_the_figures_change(db, staff):
    review = report_reviews.load(staff["henk"], "2026H2", FIGURES)
    report_reviews.save(staff["henk"], decide(review, 1, NOT_ADOPTED))
    changed = [FIGURES[0], "3 klachten uit deze periode staan nog over de termijn open: handel ze met voorrang af."]
    lines = report_reviews.load(staff["henk"], "2026H2", changed).recommendations
    assert [(r.text, r.decision) for r in lines] == [
        (FIGURES[0], ""), (changed[1], ""), (FIGURES[1], NOT_ADOPTED)]  # the decided text, as it was decided
    # Matched by text, spaces folded: the same recommendation, shown once with its decision.
    lines = report_reviews.load(staff["henk"], "2026H2", [FIGURES[0], "  " + FIGURES[1].replace(" ", "  ")])
    assert [(r.text, r.decision) for r in lines.recommendations] == [(FIGURES[0], ""), (FIGURES[1], NOT_ADOPTED)]


def test_taking_back_a_decision_lets_the_recommendation_follow_the_figures_again(db, staff):
    decided = report_reviews.save(staff["henk"], decide(report_reviews.load(staff["henk"], "2026", FIGURES), 0,
                                                        ADOPTED, "Goed plan."))
    assert Recommendation.select().count() == 1
    undecided = report_reviews.save(staff["henk"], decide(decided, 0, ""))
    assert Recommendation.select().count() == 0
    assert [(r.decision, r.decided_on, r.note) for r in undecided.recommendations] == [("", None, "")] * 2


def test_what_is_incomplete_is_refused_at_its_field(db, staff):
    review = report_reviews.load(staff["henk"], "2026", FIGURES)
    with pytest.raises(ValidationError) as caught:
        report_reviews.save(staff["henk"], dataclasses.replace(
            review, review_conclusions="De methodiek werkt.",
            recommendations=[*review.recommendations, Line("   ")]))
    assert set(caught.value.errors) == {"reviewed_on", "recommendations"}
    lines = list(review.recommendations)
    lines[0] = dataclasses.replace(lines[0], decision=ADOPTED)
    with pytest.raises(ValidationError, match="datum van het besluit"):
        report_reviews.save(staff["henk"], dataclasses.replace(review, recommendations=lines))
    saved = report_reviews.save(staff["henk"], dataclasses.replace(review, review_conclusions="De methodiek werkt.",
                                                                   reviewed_on=DAY))
    assert (saved.review_conclusions, saved.reviewed_on) == ("De methodiek werkt.", DAY)


def test_the_audit_log_says_what_changed_but_not_what_the_texts_said(db, staff):
    review = report_reviews.load(staff["henk"], "2026", FIGURES)
    report_reviews.save(staff["henk"], decide(dataclasses.replace(
        review, conclusions="Mevrouw Jansen belde drie keer."), 0, ADOPTED))
    entry = AuditEntry.select().where(AuditEntry.action == "report_review_save").get()
    assert "Jansen" not in entry.changes
    changes = json.loads(entry.changes)
    assert changes["conclusions"] == "(gewijzigd)" and changes["decisions"] == {"1": "adopted 2027-01-20"}


def test_an_adopted_recommendation_becomes_a_measure_in_one_step(db, staff):
    review = report_reviews.load(staff["henk"], "2026", FIGURES)
    review.recommendations.append(Line("Train de chauffeurs in omgaan met klachten."))
    saved = report_reviews.save(staff["henk"], decide(decide(review, 2, ADOPTED), 0, LATER))
    own = saved.recommendations[2]
    measure = report_reviews.make_measure(staff["anouk"], own, "Training chauffeurs", staff["ruud"],
                                          dt.date(2027, 4, 1), "Twee middagen.")
    stored = Measure.get_by_id(measure.id)
    assert (stored.source, stored.owner_id, stored.due_date, stored.title) == (
        "review", staff["ruud"].id, dt.date(2027, 4, 1), "Training chauffeurs")
    again = report_reviews.load(staff["anouk"], "2026", FIGURES).recommendations[2]
    assert (again.measure_id, again.measure_title) == (measure.id, "Training chauffeurs")
    with pytest.raises(ConflictError):  # the line as it was before the measure: someone else was quicker
        report_reviews.make_measure(staff["anouk"], own, "Nog een", staff["ruud"], dt.date(2027, 4, 1))
    with pytest.raises(TransitionNotAllowedError, match="al een verbetermaatregel"):
        report_reviews.make_measure(staff["anouk"], again, "Nog een", staff["ruud"], dt.date(2027, 4, 1))
    with pytest.raises(TransitionNotAllowedError, match="overgenomen"):
        report_reviews.make_measure(staff["anouk"], saved.recommendations[0], "Later", staff["ruud"],
                                    dt.date(2027, 4, 1))
    with pytest.raises(ValidationError):
        report_reviews.make_measure(staff["anouk"], again, " ", staff["ruud"], dt.date(2027, 4, 1))
    assert Measure.select().count() == 1
    # The measure stays with its recommendation when someone saves the part from the form they had open.
    report_reviews.save(staff["anouk"], dataclasses.replace(saved, conclusions="Bijgewerkt."))
    assert report_reviews.load(staff["anouk"], "2026", FIGURES).recommendations[2].measure_id == measure.id
