"""Who may do what. Enforced here, in the workflow, not only by hidden buttons."""

from __future__ import annotations

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint, User
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, INTAKE, QUALITY

MANAGING_ROLES = frozenset({COORDINATOR, QUALITY, DIRECTOR, ADMIN})
CONFIDENTIAL_ROLES = frozenset({COUNSELLOR, DIRECTOR, ADMIN})
# Who a complaint can be handed to: not the telephonists, not the administrator's account.
HANDLER_ROLES = frozenset({COORDINATOR, QUALITY, DIRECTOR, COUNSELLOR})


def is_manager(user: User) -> bool:
    return user.active and user.role in MANAGING_ROLES


def can_see(user: User, complaint: Complaint) -> bool:
    if not user.active:
        return False
    involved = user.id in (complaint.received_by_id, complaint.assigned_to_id)
    if complaint.confidential:
        return involved or user.role in CONFIDENTIAL_ROLES or user.confidential_access
    return involved or is_manager(user) or user.role == COUNSELLOR


def can_handle(user: User, complaint: Complaint) -> bool:
    """May take steps in the procedure for this complaint."""
    if not can_see(user, complaint):
        return False
    return is_manager(user) or user.id == complaint.assigned_to_id or user.role == COUNSELLOR


def can_acknowledge(user: User, complaint: Complaint) -> bool:
    """May confirm the receipt: who handles the complaint, and the telephonist who registered it (seed 000 step 4)."""
    return can_handle(user, complaint) or (
        can_see(user, complaint) and user.role == INTAKE and user.id == complaint.received_by_id)


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


def require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDeniedError(_("Dit mag alleen een coördinator, kwaliteitsmedewerker, directeur of beheerder."))


def require_admin(user: User) -> None:
    if not (user.active and user.role == ADMIN):
        raise PermissionDeniedError(_("Dit mag alleen een beheerder."))


def can_merge_relations(user: User) -> bool:
    """May merge two records of the same complainant: the coordinator, who keeps the complainants tidy, and admins."""
    return user.active and user.role in (COORDINATOR, ADMIN)


def require_merge_relations(user: User) -> None:
    if not can_merge_relations(user):
        raise PermissionDeniedError(_("Klagers samenvoegen mag alleen een coördinator of beheerder."))
