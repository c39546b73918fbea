"""Who may do what: every right is a function here, ``can_x`` to ask and ``require_x`` to refuse.

Enforced in the workflow (the command line goes through it too), not only by hidden buttons: the UI asks the
``can_x`` functions what to offer. No other module compares roles or refuses (tests/test_permission_rules.py).
"""

from __future__ import annotations

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint, Measure, User
from klachtenbureau.models.complaints import CLOSED, NEW
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, INTAKE, QUALITY

MANAGING_ROLES = frozenset({COORDINATOR, QUALITY, DIRECTOR, ADMIN})
CONFIDENTIAL_ROLES = frozenset({COUNSELLOR, DIRECTOR, ADMIN})
# Who a complaint can be handed to: not the telephonists, not the administrator's account.
HANDLER_ROLES = frozenset({COORDINATOR, QUALITY, DIRECTOR, COUNSELLOR})
AUDIT_ROLES = frozenset({ADMIN, DIRECTOR, QUALITY})
CHECKING_ROLES = frozenset({QUALITY, ADMIN})  # seed 001 step 5: the quality officer checks a measure's effect
IMPORTING_ROLES = frozenset({INTAKE, COORDINATOR, ADMIN})


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


def can_handle(user: User, complaint: Complaint) -> bool:
    """May take steps in the procedure for this complaint."""
    return can_see(user, complaint) and (sees_all_ordinary(user) or user.id == complaint.assigned_to_id)


def can_acknowledge(user: User, complaint: Complaint) -> bool:
    """May confirm the receipt: who handles the complaint, and the telephonist who registered it (seed 000 step 4)."""
    return can_handle(user, complaint) or (
        can_see(user, complaint) and is_telephonist(user) and user.id == complaint.received_by_id)


def can_add_to(user: User, complaint: Complaint) -> bool:
    """May add contact moments, letters and attachments: who handles the complaint, and who registered it."""
    return can_handle(user, complaint) or (can_see(user, complaint) and user.id == complaint.received_by_id)


def can_edit_registration(user: User, complaint: Complaint) -> bool:
    """Coordinators and the handler may correct an open complaint; the telephonist hers while it is new."""
    if complaint.status == CLOSED or not can_see(user, complaint):
        return False
    return can_handle(user, complaint) or (user.id == complaint.received_by_id and complaint.status == NEW)


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
