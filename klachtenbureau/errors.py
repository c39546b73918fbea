"""Expected problems a user is shown plainly, as opposed to bugs.

Every class here carries a Dutch message meant for the person at the desk.
Anything that is *not* a ``KlachtenbureauError`` is a bug and goes to the
crash handler.
"""

from __future__ import annotations

from klachtenbureau.i18n import _


class KlachtenbureauError(Exception):
    """An expected problem with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(KlachtenbureauError):
    """Input that does not pass; ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, str], message: str | None = None):
        self.errors = dict(errors)
        if message is None:
            message = "; ".join(self.errors.values()) or _("De invoer is niet geldig.")
        super().__init__(message)


class NotFoundError(KlachtenbureauError):
    """A record that was asked for by number or id does not exist."""


class ConflictError(KlachtenbureauError):
    """Someone else saved the same record first (optimistic locking)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _(
            "Iemand anders heeft dit intussen gewijzigd. Laad de gegevens opnieuw; "
            "uw eigen tekst blijft bewaard om over te nemen."))


class TransitionNotAllowedError(KlachtenbureauError):
    """A step of the complaint procedure that is not allowed in the current state."""


class PermissionDeniedError(KlachtenbureauError):
    """The acting user's role does not allow this."""


class DatabaseUnavailableError(KlachtenbureauError):
    """The database cannot be reached (missing file, share gone, server down)."""


class DatabaseBusyError(DatabaseUnavailableError):
    """The database stayed locked by another PC after all retries."""


class DatabaseMovedError(DatabaseUnavailableError):
    """The shared SQLite file moved to the office server: nothing is written to it any more."""


class MailError(KlachtenbureauError):
    """The mail server refused a mail or cannot be used as set up; the message says what to do.

    Not a DatabaseUnavailableError: the database is fine, so the desk does not go offline for it.
    """


class MailQueuedError(MailError):
    """The mail server is out of reach: the mail waits in this PC's outbox and goes once it is back."""


class MailUncertainError(MailError):
    """The connection broke after the mail was handed over: it may have gone. Never sent again unasked."""


class DatabaseCorruptError(KlachtenbureauError):
    """The integrity check of the database failed."""


class SchemaTooNewError(KlachtenbureauError):
    """The database was made by a newer version of the application."""
