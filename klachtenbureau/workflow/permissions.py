"""Who may do what. Enforced here, in the workflow, not only by hidden buttons."""

from __future__ import annotations

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint, User
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, QUALITY

MANAGING_ROLES = frozenset({COORDINATOR, QUALITY, DIRECTOR, ADMIN})
CONFIDENTIAL_ROLES = frozenset({COUNSELLOR, DIRECTOR, ADMIN})


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


def require_see(user: User, complaint: Complaint) -> None:
    if not can_see(user, complaint):
        raise PermissionDeniedError(_("U heeft geen toegang tot klacht {number}.").format(number=complaint.number))


def require_handle(user: User, complaint: Complaint) -> None:
    if not can_handle(user, complaint):
        raise PermissionDeniedError(
            _("Alleen de coördinator of de behandelaar mag klacht {number} behandelen.").format(number=complaint.number))


def require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDeniedError(_("Dit mag alleen een coördinator, kwaliteitsmedewerker, directeur of beheerder."))


def require_admin(user: User) -> None:
    if not (user.active and user.role == ADMIN):
        raise PermissionDeniedError(_("Dit mag alleen een beheerder."))
