"""The office's own administration: who may sign in, their roles and passwords, the categories.

Used by the sign-in, the first-start set-up and the management dialogs.
"""

from __future__ import annotations

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Category, User
from klachtenbureau.models.people import ADMIN, ROLES
from klachtenbureau.workflow import permissions
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.operations import Outcome, fresh, perform, update_versioned
from klachtenbureau.workflow.passwords import hash_password, password_problem, verify_password
from klachtenbureau.workflow.validation import normalize_email

# --- signing in ---------------------------------------------------------------


def sign_in_users() -> list[User]:
    """Everyone who may sign in, by name (the system account never signs in)."""
    return list(User.select().where((User.active == True) & (User.login != store.SYSTEM_LOGIN))  # noqa: E712
                .order_by(User.full_name))


def has_sign_in_users() -> bool:
    return User.select().where((User.active == True) & (User.login != store.SYSTEM_LOGIN)).exists()  # noqa: E712


def match_login(os_login: str, users: list[User]) -> User | None:
    """The user whose login is the operating-system login (``DOMEIN\\naam`` and case ignored): the name the sign-in
    offers first. It proves nothing; workflow.identity decides what signing in takes."""
    wanted = os_login.rsplit("\\", 1)[-1].split("@", 1)[0].strip().lower()
    return next((u for u in users if u.login.lower() == wanted), None)


def check_password(user: User, password: str) -> bool:
    """True only when ``user`` has a password and ``password`` is it."""
    return bool(user.password_hash) and verify_password(password, user.password_hash)


def clean_windows_account(text: str) -> str:
    """A Windows account as stored and compared: ``DOMEIN\\naam``, trimmed, in lower case."""
    return text.strip().lower()


def _windows_account_problem(account: str, user: User | None) -> str | None:
    if not account:
        return None
    if "\\" not in account.strip("\\"):
        return _("Schrijf het Windows-account als DOMEIN\\naam, bijvoorbeeld KANTOOR\\sanne.")
    clash = User.select().where(User.windows_account == account)
    if user is not None:
        clash = clash.where(User.id != user.id)
    if clash.exists():
        return _("Dit Windows-account hoort al bij een andere gebruiker.")
    return None


def get_user(login: str) -> User | None:
    """An active user who may sign in, by login."""
    user = User.get_or_none(User.login == login.strip().lower())
    if user is None or not user.active or user.login == store.SYSTEM_LOGIN:
        return None
    return user


# --- users --------------------------------------------------------------------


def all_users() -> list[User]:
    return list(User.select().where(User.login != store.SYSTEM_LOGIN).order_by(User.active.desc(), User.full_name))


def add_user(actor: User, login: str, full_name: str, role: str, email: str = "",
             confidential_access: bool = False, password: str = "", windows_account: str = "") -> User:
    """A new colleague; the password is optional (the sign-in asks for one where it is needed: workflow.identity)."""
    permissions.require_admin(actor)
    errors = {}
    try:
        email = normalize_email(email)
    except ValidationError as exc:
        errors.update(exc.errors)
    if password and (problem := password_problem(password)):
        errors["password"] = problem
    windows_account = clean_windows_account(windows_account)
    if problem := _windows_account_problem(windows_account, None):
        errors["windows_account"] = problem
    if errors:
        raise ValidationError(errors)
    user = store.create_user(actor, login, full_name, role, email, confidential_access)
    if windows_account:
        user = update_user(actor, user, user.full_name, user.role, user.email, True, user.confidential_access,
                           windows_account=windows_account)
    if password:
        user = set_password(actor, user, password)
    return user


def update_user(actor: User, user: User, full_name: str, role: str, email: str, active: bool,
                confidential_access: bool, operation_id: str | None = None, windows_account: str | None = None) -> User:
    """Change a colleague's details (``windows_account`` None: as it is); refuses to leave the office without an
    active administrator."""
    permissions.require_admin(actor)
    errors = {}
    if not full_name.strip():
        errors["full_name"] = _("Vul de naam in.")
    if role not in ROLES:
        errors["role"] = _("Kies een rol uit de lijst.")
    try:
        email = normalize_email(email)
    except ValidationError as exc:
        errors.update(exc.errors)
    losing_admin = permissions.is_admin(user) and (role != ADMIN or not active)
    if losing_admin and not any(permissions.is_admin(u) for u in sign_in_users() if u.id != user.id):
        errors["role"] = _("Er moet altijd één actieve beheerder zijn; maak eerst iemand anders beheerder.")
    windows_account = user.windows_account if windows_account is None else clean_windows_account(windows_account)
    if problem := _windows_account_problem(windows_account, user):
        errors["windows_account"] = problem
    if errors:
        raise ValidationError(errors)

    def body() -> Outcome:
        current = fresh(user)
        changes = update_versioned(current, current.version, {
            "full_name": full_name.strip(), "role": role, "email": email, "active": active,
            "confidential_access": confidential_access, "windows_account": windows_account}, touch=False)
        return Outcome(current, changes)

    return perform(actor, "update_user", body, operation_id)


def set_password(actor: User, user: User, password: str | None, operation_id: str | None = None) -> User:
    """Set or (with None or '') remove a user's password: an administrator, or the user themself."""
    if actor.id != user.id:
        permissions.require_admin(actor)
    if password and (problem := password_problem(password)):
        raise ValidationError({"password": problem})
    if not password and permissions.needs_proof_of_identity(user) and not user.windows_account:
        raise ValidationError({"password": _("{name} ziet vertrouwelijke klachten en meldt zich met een wachtwoord "
                                             "aan; het kan niet leeg blijven.").format(name=user.full_name)})
    value = hash_password(password) if password else None

    def body() -> Outcome:
        current = fresh(user)
        update_versioned(current, current.version, {"password_hash": value}, touch=False)
        return Outcome(current, {"password_hash": value})

    return perform(actor, "set_password", body, operation_id)


def create_first_admin(login: str, full_name: str, password: str) -> User:
    """The first administrator of a new database, made by the system account at set-up, with the password they
    sign in with from then on (an administrator never signs in by name alone: permissions.needs_proof_of_identity)."""
    if has_sign_in_users():
        raise ValidationError({"login": _("Deze database heeft al gebruikers; meld u aan met uw naam.")})
    if not password:
        raise ValidationError({"password": _("Kies een wachtwoord: daarmee meldt u zich als beheerder aan.")})
    return add_user(store.system_user(), login, full_name, ADMIN, password=password)


# --- categories ---------------------------------------------------------------


def categories(include_inactive: bool = False) -> list[Category]:
    query = Category.select().order_by(Category.position, Category.name)
    if not include_inactive:
        query = query.where(Category.active == True)  # noqa: E712
    return list(query)


def _check_name(name: str, category: Category | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Vul de naam van de categorie in.")})
    clash = Category.select().where(peewee.fn.LOWER(Category.name) == name.lower())
    if category is not None:
        clash = clash.where(Category.id != category.id)
    if clash.exists():
        raise ValidationError({"name": _("De categorie {name} bestaat al.").format(name=name)})
    return name


def add_category(actor: User, name: str, operation_id: str | None = None) -> Category:
    permissions.require_manager(actor)
    name = _check_name(name)

    def body() -> Outcome:
        last = Category.select(peewee.fn.MAX(Category.position)).scalar() or 0
        category = Category.create(name=name, position=last + 1)
        return Outcome(category, {"name": name})

    return perform(actor, "add_category", body, operation_id)


def change_category(actor: User, category: Category, name: str, active: bool,
                    operation_id: str | None = None) -> Category:
    """Rename or (de)activate a category; an inactive one is no longer offered at intake."""
    permissions.require_manager(actor)
    name = _check_name(name, category)

    def body() -> Outcome:
        current = fresh(category)
        changes = update_versioned(current, current.version, {"name": name, "active": active}, touch=False)
        return Outcome(current, changes)

    return perform(actor, "change_category", body, operation_id)
