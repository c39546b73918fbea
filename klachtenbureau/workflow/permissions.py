"""Who may do what: every right is a function here, ``can_x`` to ask and ``require_x`` to refuse.

Enforced in the workflow (the command line goes through it too), not only by hidden buttons: the UI asks the
``can_x`` functions what to offer. No other module compares roles or refuses (tests/test_permission_rules.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint, Measure, User
from klachtenbureau.models.complaints import CLOSED, NEW
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, HANDLER, INTAKE, QUALITY

MANAGING_ROLES = frozenset({COORDINATOR, QUALITY, DIRECTOR, ADMIN})
CONFIDENTIAL_ROLES = frozenset({COUNSELLOR, DIRECTOR, ADMIN})
# Who a complaint can be handed to: not the telephonists, not the administrator's account.
HANDLER_ROLES = frozenset({COORDINATOR, HANDLER, QUALITY, DIRECTOR, COUNSELLOR})
# What whoever a complaint was passed to (seed 003: "degene die het best is toegerust") does on it without managing
# complaints: the work and a proposed answer. Sending the answer, the term, escalating, handing on, closing and
# reopening stay with the coordinator.
HANDLER_STEPS = frozenset({"acknowledge", "investigate", "verdict", "remedy", "aftercare", "wait", "resume",
                           "propose_answer"})
# Letters that carry a step's decision: the handler sends them only where they may take that step.
DECISION_LETTERS = {"answer": "answer", "extension": "extend"}
AUDIT_ROLES = frozenset({ADMIN, DIRECTOR, QUALITY})
CHECKING_ROLES = frozenset({QUALITY, ADMIN})  # seed 001 step 5: the quality officer checks a measure's effect
IMPORTING_ROLES = frozenset({INTAKE, COORDINATOR, ADMIN})
REPORTING_ROLES = frozenset({QUALITY, COORDINATOR, DIRECTOR, ADMIN})  # the board reports and their people's part


def is_manager(user: User) -> bool:
    return user.active and user.role in MANAGING_ROLES


def is_admin(user: User) -> bool:
    return user.active and user.role == ADMIN


def require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDeniedError(_("Dit mag alleen een coördinator, kwaliteitsmedewerker, directeur of beheerder."))


def require_admin(user: User) -> None:
    if not is_admin(user):
        raise PermissionDeniedError(_("Dit mag alleen een beheerder."))


def is_telephonist(user: User) -> bool:
    """Registers reports rather than handling them: their own complaints are the ones they took in."""
    return user.active and user.role == INTAKE


def owns_inbox(user: User) -> bool:
    """The coordinator works the inbox: reports are handed over to them, a complaint goes to them by default."""
    return user.active and user.role == COORDINATOR


def can_be_assigned(user: User) -> bool:
    return user.active and user.role in HANDLER_ROLES


def sees_all_confidential(user: User) -> bool:
    return user.active and (user.role in CONFIDENTIAL_ROLES or user.confidential_access)


def sees_all_ordinary(user: User) -> bool:
    return is_manager(user) or (user.active and user.role == COUNSELLOR)


def can_see(user: User, complaint: Complaint) -> bool:
    """Who is involved, and who sees every complaint of its kind (queries.visible_to is the same rule in SQL)."""
    if not user.active:
        return False
    if user.id in (complaint.received_by_id, complaint.assigned_to_id):
        return True
    return sees_all_confidential(user) if complaint.confidential else sees_all_ordinary(user)


def is_handler(user: User) -> bool:
    """Handles the complaints passed to them (people.HANDLER), with no rights over any other."""
    return user.active and user.role == HANDLER


def can_handle(user: User, complaint: Complaint) -> bool:
    """May take every step in the procedure for this complaint: who manages complaints of its kind."""
    return can_see(user, complaint) and sees_all_ordinary(user)


def works_on(user: User, complaint: Complaint) -> bool:
    """The complaint was passed to ``user``: they do its work (HANDLER_STEPS) even without managing rights."""
    return can_see(user, complaint) and user.id == complaint.assigned_to_id


def can_take_step(user: User, complaint: Complaint, action: str) -> bool:
    """May take the step ``action`` (procedure.ACTIONS) of this complaint, whatever its status."""
    if action == "assign":  # handing complaints out is managing them (procedure.assign)
        return can_handle(user, complaint) and is_manager(user)
    if can_handle(user, complaint):
        return True
    if action == "acknowledge":
        return can_acknowledge(user, complaint)
    return action in HANDLER_STEPS and works_on(user, complaint)


def require_step(user: User, complaint: Complaint, action: str) -> None:
    if can_take_step(user, complaint, action):
        return
    if action == "acknowledge":
        require_acknowledge(user, complaint)
    require_see(user, complaint)
    if works_on(user, complaint):
        raise PermissionDeniedError(_("Deze stap bij klacht {number} zet de coördinator.").format(
            number=complaint.number))
    require_handle(user, complaint)


def can_acknowledge(user: User, complaint: Complaint) -> bool:
    """May confirm the receipt: who handles the complaint, and the telephonist who registered it (seed 000 step 4)."""
    return can_handle(user, complaint) or works_on(user, complaint) or (
        can_see(user, complaint) and is_telephonist(user) and user.id == complaint.received_by_id)


def can_add_to(user: User, complaint: Complaint) -> bool:
    """May add contact moments, letters and attachments: who handles the complaint, and who registered it."""
    return can_handle(user, complaint) or works_on(user, complaint) or (
        can_see(user, complaint) and user.id == complaint.received_by_id)


def can_send_letter(user: User, complaint: Complaint, kind: str) -> bool:
    """May keep (print, save, mail) a letter of ``kind`` with the complaint; a handler not the answer or the
    extension notice, which go out with the coordinator's step (DECISION_LETTERS)."""
    step = DECISION_LETTERS.get(kind)
    return can_add_to(user, complaint) and (
        step is None or not is_handler(user) or can_take_step(user, complaint, step))


def require_send_letter(user: User, complaint: Complaint, kind: str) -> None:
    require_add_to(user, complaint)
    if not can_send_letter(user, complaint, kind):
        raise PermissionDeniedError(_("Deze brief bij klacht {number} verstuurt de coördinator.")
                                    .format(number=complaint.number))


def can_see_caller_overview(user: User) -> bool:
    """May see where each complaint of the caller on the line stands, not what it says (issue 15): the telephonist
    answering "where is my complaint?", and who sees every ordinary complaint anyway. Never a confidential one."""
    return is_telephonist(user) or sees_all_ordinary(user)


def can_add_caller_contact(user: User, complaint: Complaint, caller_id: int | None) -> bool:
    """May note a contact moment on a complaint of the caller ``caller_id`` she is speaking with: whoever may add
    to it, and with the caller overview any ordinary complaint of that caller, which she still may not open."""
    if can_add_to(user, complaint):
        return True
    return (caller_id is not None and complaint.relation_id == caller_id and not complaint.confidential
            and can_see_caller_overview(user))


def require_add_contact(user: User, complaint: Complaint, caller_id: int | None = None) -> None:
    """Refuse a contact moment ``user`` may not add; ``caller_id``: the complainant on the line (the intake)."""
    if caller_id is None:
        require_add_to(user, complaint)
    elif not can_add_caller_contact(user, complaint, caller_id):
        raise PermissionDeniedError(_("U kunt bij klacht {number} geen contactmoment voor deze beller vastleggen.")
                                    .format(number=complaint.number))


def can_edit_registration(user: User, complaint: Complaint) -> bool:
    """Coordinators and the handler may correct an open complaint; the telephonist hers while it is new."""
    if complaint.status == CLOSED or not can_see(user, complaint):
        return False
    return can_handle(user, complaint) or works_on(user, complaint) or (
        user.id == complaint.received_by_id and complaint.status == NEW)


def can_change_confidential(user: User) -> bool:
    """Only who sees every confidential complaint may mark one so (or lift it): nobody locks themselves out."""
    return sees_all_confidential(user)


def require_change_confidential(user: User) -> None:
    if not can_change_confidential(user):
        raise PermissionDeniedError(_("Alleen de vertrouwenspersoon, de directeur of de beheerder kan een klacht "
                                      "vertrouwelijk maken of dat opheffen."))


def require_see(user: User, complaint: Complaint) -> None:
    if not can_see(user, complaint):
        raise PermissionDeniedError(_("U heeft geen toegang tot klacht {number}.").format(number=complaint.number))


def require_handle(user: User, complaint: Complaint) -> None:
    if not can_handle(user, complaint):
        raise PermissionDeniedError(
            _("Alleen de coördinator of de behandelaar mag klacht {number} behandelen.").format(number=complaint.number))


def require_acknowledge(user: User, complaint: Complaint) -> None:
    if not can_acknowledge(user, complaint):
        raise PermissionDeniedError(_("Alleen de coördinator, de behandelaar of wie klacht {number} registreerde, mag "
                                      "de ontvangst bevestigen.").format(number=complaint.number))


def require_add_to(user: User, complaint: Complaint) -> None:
    require_see(user, complaint)
    if not can_add_to(user, complaint):
        raise PermissionDeniedError(_("Alleen de coördinator, de behandelaar of wie klacht {number} registreerde, mag "
                                      "er iets aan toevoegen.").format(number=complaint.number))


def require_edit_registration(user: User, complaint: Complaint) -> None:
    if not can_edit_registration(user, complaint):
        if complaint.status == CLOSED and can_see(user, complaint):
            raise PermissionDeniedError(_("Klacht {number} is afgesloten; heropen de klacht om iets te wijzigen.")
                                        .format(number=complaint.number))
        raise PermissionDeniedError(_("U mag de registratie van klacht {number} niet wijzigen.")
                                    .format(number=complaint.number))


def can_merge_relations(user: User) -> bool:
    """May merge two records of the same complainant: the coordinator, who keeps the complainants tidy, and admins."""
    return user.active and user.role in (COORDINATOR, ADMIN)


def require_merge_relations(user: User) -> None:
    if not can_merge_relations(user):
        raise PermissionDeniedError(_("Klagers samenvoegen mag alleen een coördinator of beheerder."))


def can_import_reports(user: User) -> bool:
    """May import the website form's export: who registers reports (the telephonist), who works the inbox they
    land in (the coordinator), and the administrator, under whose system account the command line imports."""
    return user.active and user.role in IMPORTING_ROLES


def require_import_reports(user: User) -> None:
    if not can_import_reports(user):
        raise PermissionDeniedError(_("Meldingen van het websiteformulier importeren mag alleen een telefonist, "
                                      "coördinator of beheerder."))


def can_read_audit(user: User) -> bool:
    return user.active and user.role in AUDIT_ROLES


def require_audit(user: User) -> None:
    if not can_read_audit(user):
        raise PermissionDeniedError(
            _("Het logboek mag alleen de beheerder, de directeur of de kwaliteitsmedewerker inzien."))


def can_edit_measure(user: User, measure: Measure) -> bool:
    """The owner carries a measure out (seed 001 step 4); whoever manages may change it too."""
    return user.active and (user.id == measure.owner_id or is_manager(user))


def require_edit_measure(user: User, measure: Measure) -> None:
    if not can_edit_measure(user, measure):
        raise PermissionDeniedError(_("Alleen de eigenaar of een coördinator mag deze maatregel wijzigen of als "
                                      "ingevoerd melden."))


def can_check_measure(user: User) -> bool:
    return user.active and user.role in CHECKING_ROLES


def require_check_measure(user: User) -> None:
    if not can_check_measure(user):
        raise PermissionDeniedError(_("De effectiviteit wordt getoetst door de kwaliteitsmedewerker."))


def can_make_reports(user: User) -> bool:
    """May make the board reports and write the office's part of them: conclusions, own recommendations and the
    management review's conclusions (seed 001 steps 6–7: the quality officer with the management; seed 003: the
    coordinator reports yearly). The administrator's account too: the command line makes reports under it."""
    return user.active and user.role in REPORTING_ROLES


def require_make_reports(user: User) -> None:
    if not can_make_reports(user):
        raise PermissionDeniedError(_("De rapportage is voor de kwaliteitsmedewerker, de coördinator en de "
                                      "directeur."))


def can_decide_recommendations(user: User) -> bool:
    """Records whether a recommendation is adopted: seed 003, "De Directie … bepaalt of de aanbevelingen overgenomen
    en geïmplementeerd worden". Nobody else writes the directors' word down for them."""
    return user.active and user.role == DIRECTOR


def require_decide_recommendations(user: User) -> None:
    if not can_decide_recommendations(user):
        raise PermissionDeniedError(_("Het besluit over een aanbeveling legt de directeur vast."))


def starts_with_my_work(user: User) -> bool:
    """Mijn werk is the first tab for who works the complaints: the coordinator and the handler (issue 15)."""
    return user.active and user.role in (COORDINATOR, HANDLER)


def needs_proof_of_identity(user: User) -> bool:
    """Signs in only with a password or their Windows account, never by picking a name (issue 13): who sees every
    confidential complaint. Anyone who has a password set is asked it too (workflow.identity)."""
    return sees_all_confidential(user)


def can_read_measure(user: User, measure: Measure, linked: Iterable[Complaint]) -> bool:
    """May read what a measure says (title, description, check) and change or check it: its owner, who carries it
    out, and who may see every complaint ``linked`` to it. A measure set up from a confidential complaint can name
    what happened there (issue 13); others see only that it exists, its owner, dates and status."""
    return user.active and (user.id == measure.owner_id or all(can_see(user, c) for c in linked))


def require_read_measure(user: User, measure: Measure, linked: Iterable[Complaint]) -> None:
    if not can_read_measure(user, measure, linked):
        raise PermissionDeniedError(_("Deze maatregel hoort bij een vertrouwelijke klacht; alleen de eigenaar en wie "
                                      "die klacht mag zien, kunnen hem lezen, wijzigen of toetsen."))
