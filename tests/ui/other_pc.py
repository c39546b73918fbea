"""Another PC on the same database: a separate Python process that runs a few workflow calls."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_on_other_pc(url: str, code: str) -> str:
    """Run ``code`` in a new process with the database at ``url`` open; returns what it printed.

    The code sees ``Complaint``, ``User``, ``editing``, ``intake`` and ``procedure``, and ``user(login)``.
    """
    program = textwrap.dedent("""
        from klachtenbureau.models import Complaint, User
        from klachtenbureau.workflow import editing, intake, procedure
        from klachtenbureau.workflow.upkeep import store
        store.open_database({url!r})
        def user(login):
            return User.get(User.login == login)
    """).format(url=url) + textwrap.dedent(code)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout
