"""What the intake wizard needs around intake.register: dates as typed, page checks, the report."""

from __future__ import annotations

import datetime as dt

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.workflow import intake, intake_support
from klachtenbureau.workflow.intake_support import default_fields, page_problems, parse_date, to_report

TODAY = dt.date(2026, 1, 2)


@pytest.mark.parametrize(("text", "expected"), [
    ("3-3-2025", dt.date(2025, 3, 3)), ("3/3/25", dt.date(2025, 3, 3)), ("28-12", dt.date(2025, 12, 28)),
    ("1-1", dt.date(2026, 1, 1)), ("3 maart 2025", dt.date(2025, 3, 3)), ("3 mrt", dt.date(2025, 3, 3)),
    ("2025-03-03", dt.date(2025, 3, 3)), ("gisteren", dt.date(2026, 1, 1)), ("Vandaag", TODAY), ("", None),
])
def test_dates_are_read_as_people_type_them(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("vrijdag", dt.date(2026, 1, 2)), ("Afgelopen vrijdag", dt.date(2025, 12, 26)),
    ("vorige week vrijdag", dt.date(2025, 12, 26)), ("donderdag vorige week", dt.date(2025, 12, 25)),
    ("maandag", dt.date(2025, 12, 29)), ("vorige week maandag", dt.date(2025, 12, 22)),
    ("zaterdag", dt.date(2025, 12, 27)), ("ZO", dt.date(2025, 12, 28)), ("eergisteren", dt.date(2025, 12, 31)),
    ("gisteravond", dt.date(2026, 1, 1)), ("3 dagen geleden", dt.date(2025, 12, 30)),
    ("een week geleden", dt.date(2025, 12, 26)), ("2 weken geleden", dt.date(2025, 12, 19)),
])
def test_dates_are_read_as_people_say_them(text, expected):
    # TODAY is Friday 2 January 2026; the week before ran from Monday 22 to Sunday 28 December.
    assert parse_date(text, TODAY) == expected


def test_a_said_date_becomes_numbers_so_it_keeps_meaning_the_same_day():
    assert intake_support.tidy_date("vorige week vrijdag", TODAY) == "26-12-2025"
    assert intake_support.tidy_date("3 maart", TODAY) == "3-3-2025"
    assert intake_support.tidy_date("volgende week", TODAY) == "volgende week"  # not a date: left for its message
    assert intake_support.date_hint("vrijdag", dt.date(2026, 12, 7)) == "vrijdag 4 december 2026"


@pytest.mark.parametrize(("text", "message"), [
    ("31-2-2025", "Die datum bestaat niet; controleer dag en maand."),
    ("volgende week", "Typ een datum als 3-3-2026, 3 maart, gisteren of vrijdag."),
    ("5-1-2026", "Deze datum ligt in de toekomst."),
])
def test_date_problems_are_dutch(text, message):
    assert intake_support.date_problem(text, TODAY) == message


def test_impossible_dates_stop_the_page_and_unlikely_ones_are_asked_about_once_per_date():
    today = dt.date(2026, 12, 7)
    fields = {**default_fields("post", today), "received_at": "1-1-1990"}
    assert page_problems("arrival", fields, today) == {"received_at": (
        "De ontvangstdatum ligt meer dan een jaar terug; dat kan niet kloppen. Controleer het jaartal.")}
    fields["received_at"] = "23-11-2026"
    assert page_problems("arrival", fields, today) == {}
    assert intake_support.page_doubt("arrival", fields, today) is None  # a letter of two weeks ago: nothing to ask
    fields["received_at"] = "2-11-2026"
    assert page_problems("arrival", fields, today) == {}
    assert intake_support.page_doubt("arrival", fields, today) == (
        "received_at", "Dat is 35 dagen geleden. Klopt de datum?")
    intake_support.confirm_date("received_at", fields, today)
    fields["received_at"] = "2 november"  # the same day, typed otherwise
    assert intake_support.page_doubt("arrival", fields, today) is None
    fields["received_at"] = "1-11-2026"
    assert intake_support.page_doubt("arrival", fields, today) is not None

    fields.update(received_at="2-11-2026", incident_date="3-11-2026")
    assert page_problems("what", fields, today)["incident_date"] == (
        "Het voorval kan niet na de ontvangst van de melding zijn gebeurd; controleer beide datums.")
    fields["incident_date"] = "1 maart"
    assert "incident_date" not in page_problems("what", fields, today)
    assert intake_support.page_doubt("what", fields, today) == (
        "incident_date", "Dat is meer dan een half jaar voor de melding. Klopt de datum?")
    fields.update(kind="inquiry", incident_date="3-11-2026")  # a question has no incident: its hidden date is not held against it
    assert "incident_date" not in page_problems("what", fields, today)
    assert intake_support.page_doubt("what", fields, today) is None


@pytest.mark.parametrize(("text", "loss"), [
    ("Mijn jas is zoekgeraakt bij de garderobe.", True), ("Mijn tas is gestolen.", True),
    ("De rolstoel is beschadigd bij het instappen.", True), ("Ik ben mijn bril kwijtgeraakt.", True),
    ("De taxi kwam te laat.", False), ("Het geluid was slecht.", False),
])
def test_loss_theft_and_damage_are_recognised(text, loss):
    assert intake_support.mentions_loss(text) is loss


def test_every_page_of_an_empty_form_says_what_is_missing():
    fields = default_fields(today=TODAY)
    assert page_problems("arrival", fields, TODAY) == {}
    assert set(page_problems("who", fields, TODAY)) == {"relation_id"}
    assert set(page_problems("what", fields, TODAY)) == {"description", "category"}
    assert set(page_problems("outcome", fields, TODAY)) == {"assign_to"}


def test_new_relation_needs_a_way_to_answer():
    fields = default_fields(today=TODAY)
    fields.update(who="new", relation={**fields["relation"], "name": "Els"})
    assert page_problems("who", fields, TODAY) == {
        "phone": "Vul een telefoonnummer, e-mailadres of adres in, zodat de klager antwoord kan krijgen."}
    fields["relation"]["email"] = "els@voorbeeld.nl"
    assert page_problems("who", fields, TODAY) == {}


def test_acknowledgement_by_letter_needs_an_address_and_none_is_for_anonymous_only():
    fields = {**default_fields("post", TODAY), "who": "new", "relation": {"name": "Els", "email": "els@voorbeeld.nl"},
              "assign_to": 1}
    assert fields["acknowledgement_to_send"] == "letter"
    assert "adres" in page_problems("outcome", fields, TODAY)["acknowledgement_method"]
    fields.update(intake_support.ack_fields(intake_support.NO_ACK))
    assert "ontvangstbevestiging" in page_problems("outcome", fields, TODAY)["acknowledgement_method"]
    fields.update(who="anonymous")
    assert page_problems("outcome", fields, TODAY) == {}


def test_resolved_complaint_needs_the_complainants_agreement_an_inquiry_does_not():
    fields = {**default_fields(today=TODAY), "resolved_now": True, "resolution": "Excuses aangeboden."}
    assert page_problems("outcome", fields, TODAY) == {
        "complainant_agrees": "Een klacht is pas direct opgelost als de klager daarmee instemt."}
    fields["kind"] = "inquiry"
    assert page_problems("outcome", fields, TODAY) == {}


def test_form_becomes_the_report_register_expects():
    fields = {**default_fields("post", TODAY), "received_at": "30-12-2025", "who": "new",
              "relation": {"name": "Els", "street": "Dorpsstraat 1", "postcode": "1234ab", "city": "Ergens"},
              "kind": "complaint", "description": "Te laat.", "category": 3, "incident_date": "29-12",
              "police_report_advised": True, "assign_to": 7}
    started = dt.datetime(2026, 1, 2, 10, 15)
    assert intake_support.first_problem_page(fields, TODAY) is None
    report = to_report(fields, started)
    assert report.received_at == dt.datetime(2025, 12, 30, 10, 15)
    assert report.incident_date == dt.date(2025, 12, 29)
    assert report.relation["postcode"] == "1234ab" and report.relation_id is None
    assert (report.assign_to, report.acknowledgement_method, report.police_report_advised) == (7, "", True)
    assert report.acknowledgement_to_send == "letter"  # the letter is still to go: remembered, not yet done
    fields.update(intake_support.ack_fields("phone"))
    confirmed = to_report(fields, started)
    assert (confirmed.acknowledgement_method, confirmed.acknowledgement_to_send) == ("phone", "")


def test_answer_sentence_reads_aloud_in_dutch():
    assert intake_support.answer_sentence(dt.date(2026, 3, 3)) == "U krijgt uiterlijk op 3 maart 2026 antwoord."


def test_relations_are_found_with_their_earlier_complaints(db, staff):
    first = intake.register(staff["sanne"], intake.NewReport(
        description="Niet opgehaald.", category="Niet ophalen",
        relation={"name": "Maria Bakker", "postcode": "3511 AB", "city": "Utrecht", "street": "Kerkstraat 3"}))
    hidden = intake.register(staff["petra"], intake.NewReport(
        description="Vertrouwelijk.", relation_id=first.relation_id, confidential=True))
    [match] = intake_support.find_relations("3511", staff["sanne"])
    assert match.name == "Maria Bakker" and match.has_address
    assert [c.number for c in match.earlier] == [first.number]  # Sanne may not see the confidential one
    assert hidden.number in [c.number for c in intake_support.find_relations("bakker", staff["henk"])[0].earlier]


def test_handover_goes_to_the_coordinators(db, staff):
    assert [name for _id, name in intake_support.handover_choices()] == ["Petra Jansen", "Ruud Bakker"]


def test_parse_date_raises_validation_error_for_nonsense():
    with pytest.raises(ValidationError):
        parse_date("morgen", TODAY)


def test_only_a_caller_who_left_a_way_to_be_reached_is_promised_an_answer(sqlite_db, staff):
    from klachtenbureau.workflow import intake, intake_support

    def read_out(**relation) -> str:
        report = intake.NewReport(description="Te laat opgehaald.", relation=relation or None,
                                  anonymous=not relation)
        return intake_support.read_aloud(intake.register(staff["sanne"], report))

    assert "U krijgt uiterlijk" in read_out(name="Jan Smit", phone="06 12345678")
    assert "U krijgt uiterlijk" in read_out(name="Els Post", street="Dorpsstraat 1", postcode="9711 AA",
                                            city="Groningen")
    anonymous = read_out()  # (a named caller must leave a phone number, e-mail or address: the intake checks it)
    assert "U krijgt uiterlijk" not in anonymous and "terug met dit nummer" in anonymous
