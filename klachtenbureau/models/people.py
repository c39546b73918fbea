"""Users of the application and the relations who complain."""

from __future__ import annotations

import re
from typing import Any

import peewee

from klachtenbureau.i18n import N_
from klachtenbureau.models.base import VersionedModel, now
from klachtenbureau.models.folding import fold

# Roles (rol). Admins may do everything; the confidential counsellor sees confidential complaints.
INTAKE = "intake"
COORDINATOR = "coordinator"
HANDLER = "handler"
QUALITY = "quality"
DIRECTOR = "director"
COUNSELLOR = "counsellor"
ADMIN = "admin"
ROLES = {
    INTAKE: N_("Telefonist / medewerker eerste lijn"),
    COORDINATOR: N_("Klachtencoördinator"),
    HANDLER: N_("Klachtbehandelaar"),
    QUALITY: N_("Kwaliteitsmedewerker"),
    DIRECTOR: N_("Directeur / bestuur"),
    COUNSELLOR: N_("Vertrouwenspersoon"),
    ADMIN: N_("Beheerder"),
}

RELATION_TYPES = {
    "participant": N_("Deelnemer"),
    "volunteer": N_("Vrijwilliger"),
    "customer": N_("Klant"),
    "partner": N_("Samenwerkingspartner"),
    "supplier": N_("Leverancier"),
    "applicant": N_("Sollicitant"),
    "other": N_("Overig"),
}

# "Stichting De Brug, t.a.v. mevrouw P. de Boer" or "… (t.a.v. P. de Boer)": a contact person typed into the name.
_ATTENTION_IN_NAME = re.compile(r"^(?P<name>.*?\S)[\s,;(/-]*\bt\.?\s?a\.?\s?v\b\.?:?\s*(?P<who>.+?)\)?$",
                                re.IGNORECASE)


def split_attention(name: str) -> tuple[str, str]:
    """(organisation, contact person) of a name with "t.a.v." glued into it; (name, "") for any other name."""
    match = _ATTENTION_IN_NAME.match(name.strip())
    if match is None or not re.search(r"\w", match.group("who")):
        return name.strip(), ""
    return match.group("name").strip(), match.group("who").strip()


class User(VersionedModel):
    login = peewee.CharField(max_length=80, unique=True)
    full_name = peewee.CharField(max_length=200)
    role = peewee.CharField(max_length=20, choices=list(ROLES.items()))
    email = peewee.CharField(max_length=254, default="")
    password_hash = peewee.CharField(max_length=300, null=True)
    # DOMEIN\naam of the Windows account that signs in as this user without a password (workflow.identity); '': none
    windows_account = peewee.CharField(max_length=120, default="")
    confidential_access = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=now)


class Relation(VersionedModel):
    """Klagende relatie: a person or organisation that complains.

    ``search_name`` is the name without accents and in lower case (models/folding.py), what the complainant
    search compares with; every insert and update through the model that writes the name writes it too.

    An organisation is ``name``, its contact person ``attention`` ("t.a.v." on the envelope), never the two in
    one name. ``salutation`` is the letters' greeting as typed ("Geachte mevrouw De Vries"); empty means the
    letters greet by full name (workflow/letters.py ``salutation``). ``country`` is empty for the Netherlands.
    """

    name = peewee.CharField(max_length=200, index=True)
    search_name = peewee.TextField(default="")  # unbounded: folding can make a name longer (ß -> ss)
    street = peewee.CharField(max_length=200, default="")  # street and house number
    postcode = peewee.CharField(max_length=12, default="", index=True)
    city = peewee.CharField(max_length=120, default="")
    country = peewee.CharField(max_length=80, default="")
    attention = peewee.CharField(max_length=200, default="")  # t.a.v.: the contact person of an organisation
    salutation = peewee.CharField(max_length=200, default="")
    phone = peewee.CharField(max_length=40, default="", index=True)
    email = peewee.CharField(max_length=254, default="", index=True)
    relation_type = peewee.CharField(max_length=20, default="participant", choices=list(RELATION_TYPES.items()))
    created_at = peewee.DateTimeField(default=now)
    anonymized_at = peewee.DateTimeField(null=True)

    @classmethod
    def _with_search_name(cls, data: dict | None, values: dict[str, Any]) -> dict:
        merged = {**(data or {}), **values}
        name = merged.get("name", merged.get(cls.name))
        if isinstance(name, str):
            merged.pop("search_name", None)
            merged[cls.search_name] = fold(name)
        return merged

    @classmethod
    def insert(cls, __data: dict | None = None, **insert: Any) -> peewee.ModelInsert:
        return super().insert(cls._with_search_name(__data, insert))

    @classmethod
    def update(cls, __data: dict | None = None, **update: Any) -> peewee.ModelUpdate:
        return super().update(cls._with_search_name(__data, update))
