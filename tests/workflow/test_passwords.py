"""Optional sign-in passwords as salted scrypt hashes."""

from __future__ import annotations

import pytest

from klachtenbureau.workflow.passwords import hash_password, password_problem, verify_password


def test_right_password_matches_and_a_wrong_one_does_not():
    stored = hash_password("zomer in Zwolle")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("zomer in Zwolle", stored)
    assert not verify_password("zomer in zwolle", stored)
    assert not verify_password("", stored)


def test_same_password_gets_a_different_salt_each_time():
    assert hash_password("geheim wachtwoord") != hash_password("geheim wachtwoord")


@pytest.mark.parametrize("stored", [
    "", "onzin", "bcrypt$16384$8$1$AAAA$AAAA", "scrypt$1000$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!$AAAA",
    "scrypt$16384$8$1$AAAA$", "scrypt$1048576$4096$1$AAAA$AAAA",
])
def test_malformed_or_greedy_hash_is_refused_without_an_error(stored):
    assert verify_password("wat dan ook", stored) is False


def test_non_ascii_passwords_work():
    stored = hash_password("één ijsje én koffie")
    assert verify_password("één ijsje én koffie", stored)


@pytest.mark.parametrize(("password", "problem"), [
    ("kort", "Een wachtwoord heeft minstens 8 tekens."),
    (" met spatie vooraan", "Een wachtwoord begint of eindigt niet met een spatie."),
    ("lang genoeg", None),
])
def test_password_problem(password, problem):
    assert password_problem(password) == problem
