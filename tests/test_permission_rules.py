"""Every right lives in workflow/permissions.py (issue 18 item 5).

No other module decides by comparing a user's role, and no other module raises PermissionDeniedError: a rule
written twice drifts apart (measures.py once refused a permission with a ValidationError, letters.py compared
the role with "intake"). Looking a role up for its label (``ROLES[user.role]``) is no decision and stays allowed.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "klachtenbureau"
RIGHTS = PACKAGE / "workflow" / "permissions.py"


def _is_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "role"


def role_decisions(source: str) -> list[int]:
    """Lines that compare a ``.role`` (``==``, ``in``, …) or filter on one in SQL (``User.role.in_(…)``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_is_role(n) for n in (node.left, *node.comparators)):
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("in_", "not_in") and _is_role(node.func.value)):
            lines.append(node.lineno)
    return sorted(lines)


def refusals(source: str) -> list[int]:
    """Lines that raise PermissionDeniedError."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            and getattr(node.exc.func, "id", None) == "PermissionDeniedError"]


def offenders(find) -> dict[str, list[int]]:
    """Modules outside models/ and permissions.py with what ``find`` reports, by line."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == RIGHTS or path.relative_to(PACKAGE).parts[0] == "models":
            continue
        if lines := find(path.read_text(encoding="utf-8")):
            found[str(path.relative_to(PACKAGE))] = lines
    return found


def test_the_scan_finds_role_decisions_and_lets_labels_pass():
    source = ("a = user.role == 'intake'\n"
              "b = u.role not in (QUALITY, ADMIN)\n"
              "c = User.select().where(User.role.in_(HANDLER_ROLES))\n"
              "d = ADMIN == person.role\n"
              "e = _(ROLES[user.role])\n"
              "f = TITLES.get(person.role, '')\n"
              "self.role.addItem(label, code)\n"
              "raise PermissionDeniedError('nee')\n")
    assert role_decisions(source) == [1, 2, 3, 4]
    assert refusals(source) == [8]


def test_only_permissions_compares_roles():
    assert offenders(role_decisions) == {}


def test_only_permissions_refuses():
    assert offenders(refusals) == {}
    assert refusals(RIGHTS.read_text(encoding="utf-8"))
