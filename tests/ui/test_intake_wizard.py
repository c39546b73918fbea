"""The intake wizard driven from the keyboard only, checked against the database it writes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QApplication, QComboBox, QLineEdit, QMessageBox, QPlainTextEdit, QWidget,
)

from klachtenbureau.i18n import format_date
from klachtenbureau.models import AuditEntry, Complaint, Relation, TimelineEntry, database
from klachtenbureau.models.complaints import CHANNELS
from klachtenbureau.ui import app, printing
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.ui.intake.confirmation_page import letters_available
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import deadlines, intake, settings
from klachtenbureau.workflow.offline import drafts, write_queue
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.intake_support import short_date
from tests.ui.keys import activate, active_modal, show


@pytest.fixture
def wizard(qtbot, session) -> IntakeWizard:
    return show(qtbot, IntakeWizard(session))


def page_key(wizard: IntakeWizard) -> str:
    return wizard.current_page().key


def focused_name() -> str:
    return QApplication.focusWidget().accessibleName()


def anonymous_complaint(qtbot, wizard: IntakeWizard, keyboard) -> None:
    """From the arrival page (Enter), an anonymous caller (Alt+A), a complaint (Enter): on 'Wat is er gebeurd?'."""
    keyboard.enter()
    keyboard.alt("a")
    qtbot.waitUntil(lambda: wizard.values["who"] == "anonymous")
    keyboard.enter()
    keyboard.enter()


def registered(qtbot, wizard: IntakeWizard) -> Complaint:
    qtbot.waitUntil(lambda: page_key(wizard) == "confirmation", timeout=10_000)
    return Complaint.get_by_id(wizard.confirmation.complaint.id)


def phone_complaint_from_new_caller(qtbot, wizard, keyboard) -> None:
    """The everyday call: a new caller, a complaint, handed over to the coordinator."""
    phone_complaint_until_registering(qtbot, wizard, keyboard)
    keyboard.enter()  # handed over to the first coordinator, receipt confirmed on the phone: Registreren


def phone_complaint_until_registering(qtbot, wizard, keyboard) -> None:
    keyboard.enter()  # Telefoon is already chosen, received today
    assert page_key(wizard) == "who" and focused_name() == "Zoeken naar een bekende klager"
    keyboard.type("Jan de Vries")
    keyboard.alt("n")  # Nieuwe klager: takes the name from the search box
    qtbot.waitUntil(lambda: focused_name() == "Naam van de klager")
    assert wizard.pages[1].name.text() == "Jan de Vries"
    keyboard.tab()
    assert focused_name() == "Telefoonnummer"
    keyboard.type("06 12345678")
    keyboard.enter()
    assert page_key(wizard) == "kind"
    keyboard.enter()  # Klacht is already chosen
    assert page_key(wizard) == "what" and focused_name() == "Omschrijving"
    keyboard.dictate("De taxi is niet gekomen; ik heb de voorstelling gemist.")
    keyboard.tab()
    assert focused_name() == "Categorie"
    keyboard.type("Ni")  # the list jumps to "Niet ophalen"
    keyboard.enter()
    assert page_key(wizard) == "outcome"


def test_phone_complaint_is_registered_with_deadlines_timeline_and_audit(qtbot, wizard, keyboard, staff):
    phone_complaint_from_new_caller(qtbot, wizard, keyboard)
    complaint = registered(qtbot, wizard)

    assert (complaint.kind, complaint.channel, complaint.status) == ("complaint", "phone", "in_progress")
    assert complaint.relation.name == "Jan de Vries"
    assert complaint.relation.phone == "06 12345678"
    assert complaint.category.name == "Niet ophalen"
    assert complaint.description == "De taxi is niet gekomen; ik heb de voorstelling gemist."
    assert complaint.received_by_id == staff["sanne"].id
    assert complaint.assigned_to_id == staff["petra"].id
    assert complaint.acknowledgement_method == "phone" and complaint.acknowledged_at is not None
    received = complaint.received_at.date()
    profile, calendar = settings.deadline_profile(), settings.calendar()
    assert complaint.acknowledge_by == deadlines.acknowledge_by(received, profile, calendar)
    assert complaint.answer_by == deadlines.answer_by(received, profile, calendar)
    steps = [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == complaint.id)
             .order_by(TimelineEntry.id)]
    assert steps[0].startswith("Klacht geregistreerd (telefoon) door Sanne de Vries")
    assert "Ontvangst bevestigd (telefonisch)." in steps
    assert "Overgedragen aan Petra Jansen." in steps
    audit = AuditEntry.get(AuditEntry.complaint_id == complaint.id)
    assert (audit.action, audit.user_login) == ("register", "sanne")
    assert json.loads(audit.changes)["description"] == "(gewijzigd)"  # no personal text in the audit log
    assert drafts.list_drafts() == []
    sentence = wizard.confirmation.read_aloud.text()
    assert complaint.number in sentence
    assert f"U krijgt uiterlijk op {format_date(complaint.answer_by)} antwoord." in sentence


def test_typical_phone_complaint_takes_eight_key_presses_besides_typing(qtbot, wizard, keyboard):
    phone_complaint_from_new_caller(qtbot, wizard, keyboard)
    registered(qtbot, wizard)
    # Enter · Alt+N · Tab · Enter · Enter · Tab · Enter · Enter, plus the name, the number and "Ni".
    assert keyboard.presses == 8
    assert keyboard.typed == len("Jan de Vries") + len("06 12345678") + len("Ni")


def test_inquiry_answered_on_the_spot_is_closed_at_once(qtbot, wizard, keyboard):
    keyboard.enter()
    keyboard.alt("a")  # Anoniem
    qtbot.waitUntil(lambda: wizard.values["who"] == "anonymous")
    keyboard.enter()
    keyboard.alt("n")  # Navraag
    qtbot.waitUntil(lambda: wizard.values["kind"] == "inquiry")
    keyboard.enter()
    keyboard.dictate("Is het theater rolstoeltoegankelijk?")
    keyboard.tab()
    keyboard.type("Ov")
    keyboard.enter()
    assert page_key(wizard) == "outcome" and focused_name() == "Oplossing"  # an inquiry is answered now
    keyboard.dictate("Ja, er is een lift bij de zij-ingang.")
    keyboard.enter()  # Registreren, also from the text box
    complaint = registered(qtbot, wizard)
    # Enter · Alt+A · Enter · Alt+N · Enter · Tab · Enter · Enter, plus "Ov".
    assert keyboard.presses == 8

    assert (complaint.kind, complaint.status, complaint.anonymous) == ("inquiry", "closed", True)
    assert complaint.resolved_at_intake and complaint.closed_at is not None
    assert complaint.answer == "Ja, er is een lift bij de zij-ingang."
    assert complaint.category.name == "Overig"
    assert complaint.assigned_to_id is None
    assert "vastgelegd onder nummer" in wizard.confirmation.read_aloud.text()


def test_the_inquiry_path_speaks_of_a_question_not_of_what_happened(qtbot, wizard, keyboard):
    keyboard.enter()
    keyboard.alt("a")
    qtbot.waitUntil(lambda: wizard.values["who"] == "anonymous")
    keyboard.enter()
    keyboard.alt("n")  # Navraag
    qtbot.waitUntil(lambda: wizard.values["kind"] == "inquiry")
    keyboard.enter()
    assert wizard.current_page().heading.text() == "Wat is de vraag?"
    assert "4. Wat is de vraag" in wizard.steps.text() and "gebeurd" not in wizard.steps.text()
    keyboard.dictate("Is het theater rolstoeltoegankelijk?")
    keyboard.tab()
    keyboard.type("Ov")
    keyboard.enter()
    outcome = wizard.current_page()
    assert outcome.heading.text() == "Direct beantwoord of overdragen?"
    assert outcome.guidance.text().startswith("Beantwoord de vraag nu") and "excuses" not in outcome.guidance.text()


def test_the_intake_names_every_channel_as_the_rest_of_the_desk_does(wizard):
    channel = wizard.pages[0].channel
    for code, name in CHANNELS.items():
        assert channel.button(code).text().replace("&", "").startswith(name)


def test_anonymous_complaint_keeps_no_relation(qtbot, wizard, keyboard, tmp_path):
    anonymous_complaint(qtbot, wizard, keyboard)
    keyboard.dictate("Een vrijwilliger was onbeschoft bij de ingang.")
    keyboard.tab()
    keyboard.type("Vr")  # "Vrijwilliger met een klacht"
    keyboard.enter()
    keyboard.enter()
    complaint = registered(qtbot, wizard)

    assert complaint.anonymous and complaint.relation_id is None
    assert complaint.category.name == "Vrijwilliger met een klacht"
    assert Relation.select().count() == 0
    # nothing is promised that cannot happen: no answer by a date, nobody "contacts the complainant"
    said = wizard.confirmation.read_aloud.text()
    assert "U krijgt uiterlijk" not in said and "Belt u ons gerust terug met dit nummer" in said
    assert complaint.number in said
    steps = wizard.confirmation.next_steps.text()
    assert "contact opneemt" not in steps and "kan terugbellen met het nummer" in steps
    wizard.resize(1366, 700)
    wizard.grab().save(str(tmp_path / "anoniem-bevestigd.png"))


def test_existing_relation_is_found_by_part_of_its_postcode(qtbot, wizard, keyboard, staff):
    earlier = intake.register(staff["sanne"], intake.NewReport(
        description="Niet opgehaald.", category="Niet ophalen", relation={
            "name": "Maria Bakker", "street": "Kerkstraat 3", "postcode": "3511 AB", "city": "Utrecht",
            "phone": "030 123 4567"}))
    keyboard.enter()
    keyboard.type("3511")
    results = wizard.pages[1].results
    qtbot.waitUntil(lambda: results.topLevelItemCount() == 1)
    assert results.topLevelItem(0).text(0) == "Maria Bakker"
    keyboard.press(Qt.Key.Key_Down)
    assert focused_name() == "Gevonden klagers"
    assert wizard.pages[1].earlier_list.topLevelItem(0).text(0) == earlier.number  # the earlier complaint is shown
    keyboard.enter()
    assert page_key(wizard) == "kind"
    keyboard.enter()
    keyboard.dictate("Weer niet opgehaald.")
    keyboard.tab()
    keyboard.type("Ni")
    keyboard.enter()
    keyboard.enter()
    complaint = registered(qtbot, wizard)

    assert complaint.relation_id == earlier.relation_id
    # Enter · ↓ · Enter · Enter · Tab · Enter · Enter, plus "3511" and "Ni".
    assert keyboard.presses == 7
    assert Relation.select().count() == 1


def test_postal_complaint_asks_for_a_letter_and_offers_to_print_it(qtbot, wizard, keyboard):
    complaint = postal_complaint_by_keyboard(qtbot, wizard, keyboard)

    assert complaint.channel == "post" and complaint.acknowledged_at is None
    assert complaint.relation.postcode == "3811 AB"
    page = wizard.confirmation
    assert "per brief" in page.next_steps.text()
    assert format_date(complaint.acknowledge_by) in page.next_steps.text()
    assert page.print_button.isVisibleTo(page)
    assert page.print_button.isEnabled() == letters_available()
    if not letters_available():
        assert "Volgt" in page.print_button.toolTip()
        return
    with qtbot.waitSignal(wizard.print_acknowledgement_requested) as requested:
        keyboard.alt("a")  # Ontvangstbevestiging afdrukken
    assert requested.args == [complaint.id]


def test_telephonist_prints_the_acknowledgement_and_it_counts_as_sent(qtbot, session, keyboard, tmp_path,
                                                                      monkeypatch):
    target = tmp_path / "ontvangstbevestiging.pdf"
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, _name: target)
    desk = show(qtbot, MainWindow(session))
    desk.tabs.setCurrentWidget(desk.intake)
    complaint = postal_complaint_by_keyboard(qtbot, desk.intake, keyboard)
    keyboard.alt("a")  # Ontvangstbevestiging afdrukken
    qtbot.waitUntil(lambda: desk.findChild(printing.LetterPreviewDialog) is not None)
    preview = desk.findChild(printing.LetterPreviewDialog)
    qtbot.waitUntil(preview.save_button.isEnabled, timeout=10_000)  # she may: checked before the letter was made
    with qtbot.waitSignal(preview.recorded, timeout=10_000):
        qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    stored = Complaint.get_by_id(complaint.id)
    assert (stored.status, stored.acknowledgement_method) == ("in_progress", "letter")  # no longer 'Nieuw'
    assert "als verstuurd genoteerd" in preview.message.text.text()


def postal_complaint_by_keyboard(qtbot, wizard: IntakeWizard, keyboard) -> Complaint:
    """A letter from a new complainant with an address, handed over, its acknowledgement to go by letter."""
    keyboard.alt("p")  # Post (brief)
    qtbot.waitUntil(lambda: wizard.values["channel"] == "post")
    assert wizard.values["acknowledgement_to_send"] == "letter"
    keyboard.enter()
    keyboard.alt("n")
    qtbot.waitUntil(lambda: focused_name() == "Naam van de klager")
    keyboard.type("Gerrit Mulder")
    keyboard.tab(3)
    assert focused_name() == "Straat en huisnummer"
    keyboard.type("Dorpsstraat 5")
    keyboard.tab()
    keyboard.type("3811ab")
    keyboard.tab()
    keyboard.type("Amersfoort")
    keyboard.enter()
    keyboard.enter()
    keyboard.dictate("Er is twee keer afgeschreven.")
    keyboard.tab()
    keyboard.type("Gee")
    keyboard.enter()
    keyboard.enter()
    return registered(qtbot, wizard)


def test_category_is_found_by_words_anywhere_in_its_name(qtbot, wizard, keyboard):
    anonymous_complaint(qtbot, wizard, keyboard)
    keyboard.dictate("Een mede-deelnemer maakte kwetsende opmerkingen.")
    keyboard.tab()
    category = wizard.pages[3].category
    names = [category.itemText(i) for i in range(category.count())]
    assert names == sorted(names, key=str.casefold) and names[:3] == [
        "Bereikbaarheid theaters", "Een foutieve reservering", "Een klacht m.b.t. een mede-deelnemer"]
    keyboard.type("Een klacht m.b.t. een mede")  # three names start with "Een"; the space types a space
    assert category.lineEdit().text() == "Een klacht m.b.t. een mede"
    assert category.currentText() != "Een foutieve reservering"
    keyboard.enter()
    assert page_key(wizard) == "outcome"
    assert category.itemText(category.findData(wizard.values["category"])) == "Een klacht m.b.t. een mede-deelnemer"

    keyboard.alt("t")  # Terug, to choose again
    qtbot.waitUntil(lambda: page_key(wizard) == "what")
    keyboard.tab()
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type("vrijwilliger")  # a word in the middle of a name finds it too, after the one that starts so
    matches = category.suggestions.completionModel()
    assert [matches.index(i, 0).data() for i in range(matches.rowCount())] == [
        "Vrijwilliger met een klacht", "Een klacht m.b.t. een vrijwilliger"]
    keyboard.press(Qt.Key.Key_Down)
    keyboard.enter()
    assert page_key(wizard) == "outcome"
    assert category.itemText(category.findData(wizard.values["category"])) == "Een klacht m.b.t. een vrijwilliger"


def test_enter_goes_on_from_the_description_and_alt_with_a_free_letter_types_nothing(qtbot, wizard, keyboard):
    anonymous_complaint(qtbot, wizard, keyboard)
    assert page_key(wizard) == "what" and focused_name() == "Omschrijving"
    what = wizard.pages[3]
    keyboard.dictate("Eerst dit.")
    keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    keyboard.dictate("Toen dat.")
    keyboard.alt("f")  # nothing on this page has the letter F
    assert what.description.toPlainText() == "Eerst dit.\nToen dat."
    keyboard.enter()  # as the footer says: on (here to the missing category), not a new line
    assert what.description.toPlainText() == "Eerst dit.\nToen dat."
    assert what.fields["category"].problem() == "Kies een categorie." and focused_name() == "Categorie"
    keyboard.alt("f")
    assert what.category.lineEdit().text() == ""
    keyboard.type("Ov")
    keyboard.enter()
    assert page_key(wizard) == "outcome"
    assert "Enter: verder · Shift+Enter: nieuwe regel in een tekstvak" in wizard.hint.text()


@pytest.fixture
def desk_style(qapp):
    """The application's style sheet, as ``klachtenbureau`` sets it at the start."""
    qapp.setStyleSheet(app.STYLE)
    yield
    qapp.setStyleSheet("")


def looks_focused(qtbot, widget: QWidget, elsewhere: QWidget) -> bool:
    """Whether ``widget`` looks different with the focus than without it."""
    assert widget.hasFocus()
    focused = widget.grab().toImage()
    elsewhere.setFocus()
    qtbot.waitUntil(lambda: not widget.hasFocus())
    return widget.grab().toImage() != focused


def test_the_focus_shows_on_radio_buttons_from_the_start_and_on_combo_boxes(qtbot, desk_style, wizard, keyboard):
    phone = wizard.pages[0].channel.button("phone")  # the first page, before any key is pressed
    assert looks_focused(qtbot, phone, wizard.pages[0].received)
    phone.setFocus()
    anonymous_complaint(qtbot, wizard, keyboard)
    keyboard.alt("s")  # Ernst
    what = wizard.pages[3]
    assert looks_focused(qtbot, what.severity, what.description)


def test_messages_appear_at_their_field_and_never_block_typing(qtbot, wizard, keyboard):
    keyboard.enter()
    keyboard.alt("n")
    qtbot.waitUntil(lambda: focused_name() == "Naam van de klager")
    who = wizard.pages[1]
    keyboard.type("Els")
    keyboard.tab()
    keyboard.type("12345")
    keyboard.tab()  # leaving the phone field checks it; the cursor moves on regardless
    assert who.fields["phone"].problem().startswith("Dit telefoonnummer klopt niet")
    assert focused_name() == "E-mailadres"
    keyboard.type("els@")
    keyboard.tab(2)
    assert who.fields["email"].problem().startswith("Dit e-mailadres klopt niet")
    keyboard.type("0123 xx")
    keyboard.tab()
    assert who.fields["postcode"].problem() == "Een postcode begint nooit met een 0; controleer de cijfers."
    assert not who.fields["name"].problem() and not who.fields["city"].problem()

    keyboard.enter()  # not past this page with wrong input
    assert page_key(wizard) == "who" and focused_name() == "Telefoonnummer"
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type("0612")
    assert who.phone.text() == "0612"  # typing goes on while the message shows
    assert who.fields["phone"].problem()
    keyboard.type("345678")
    assert who.fields["phone"].problem() == ""  # gone as soon as the number is right

    wizard.pages[1].postcode.clear()
    wizard.pages[1].email.clear()
    keyboard.enter()
    assert page_key(wizard) == "kind"
    keyboard.enter()
    keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # nothing described, no category
    what = wizard.pages[3]
    assert page_key(wizard) == "what" and focused_name() == "Omschrijving"
    assert what.fields["description"].problem() == "Beschrijf de klacht."
    assert what.fields["category"].problem() == "Kies een categorie."
    assert what.fields["incident_date"].problem() == ""


def test_escape_asks_before_the_report_is_thrown_away(qtbot, wizard, keyboard):
    keyboard.enter()
    keyboard.type("Kees")
    assert len(drafts.list_drafts()) == 1
    keyboard.press(Qt.Key.Key_Escape)
    assert isinstance(active_modal(qtbot), QMessageBox)
    keyboard.enter()  # the default is to keep going
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert wizard.pages[1].search.text() == "Kees" and len(drafts.list_drafts()) == 1

    activate(qtbot, wizard)
    keyboard.press(Qt.Key.Key_Escape)
    assert isinstance(active_modal(qtbot), QMessageBox)
    keyboard.alt("w")  # Weggooien
    qtbot.waitUntil(lambda: page_key(wizard) == "arrival")
    assert drafts.list_drafts() == [] and wizard.values["search"] == ""


def test_draft_left_by_the_previous_version_is_offered_and_registered_after_the_upgrade(qtbot, session, staff,
                                                                                          keyboard):
    from klachtenbureau import config
    from klachtenbureau.models import Category

    today = dt.date.today()
    fields = {"channel": "post", "received_date": short_date(today), "who": "new", "search": "", "name": "Ria Dekker",
              "attention": "", "street": "Havenkade 4", "postcode": "1012ab", "city": "Amsterdam", "country": "",
              "phone": "", "email": "", "relation_type": "participant", "salutation": "", "kind": "complaint",
              "description": "Twee keer afgeschreven.", "category_id": Category.get(Category.name == "Overig").id,
              "incident_date": "", "involved_party": "", "people_involved": "", "desired_outcome": "", "severity": 2,
              "confidential": False, "loss": False, "outcome": "handover", "resolution": "", "agrees": False,
              "coordinator_id": staff["ruud"].id, "ack": "letter", "confirmed_dates": {}}
    config.drafts_dir().mkdir(parents=True, exist_ok=True)
    (config.drafts_dir() / "01d0.json").write_text(json.dumps({
        "format": 1, "id": "01d0", "operation_id": "a" * 32, "database_url": session.database_url,
        "user_login": "sanne", "started_at": dt.datetime.now().replace(microsecond=0).isoformat(), "updated_at": None,
        "page": 4, "fields": fields}), encoding="utf-8")
    wizard = show(qtbot, IntakeWizard(session))
    assert "Ria Dekker" in wizard.offer.text.text()
    keyboard.alt("o")  # Openen en verder invullen
    qtbot.waitUntil(lambda: page_key(wizard) == "outcome")
    assert wizard.pages[4].ack.value() == "letter"
    keyboard.enter()  # Registreren
    complaint = registered(qtbot, wizard)
    assert (complaint.relation.name, complaint.relation.postcode, complaint.assigned_to_id) == (
        "Ria Dekker", "1012 AB", staff["ruud"].id)
    assert (complaint.channel, complaint.acknowledgement_method, complaint.acknowledged_at) == ("post", "letter", None)
    assert drafts.list_drafts() == []


def test_draft_survives_a_crash_and_is_offered_at_the_next_start(qtbot, session, keyboard):
    crashed = show(qtbot, IntakeWizard(session))
    keyboard.enter()
    keyboard.type("Piet Jansen")
    keyboard.alt("n")
    qtbot.waitUntil(lambda: focused_name() == "Naam van de klager")
    keyboard.tab()
    keyboard.type("06 87654321")
    operation_id = crashed.draft.operation_id
    crashed.hide()  # never closed, never saved: as if the PC lost power

    wizard = show(qtbot, IntakeWizard(session))
    assert wizard.offer.isVisible() and "Piet Jansen" in wizard.offer.text.text()
    keyboard.alt("o")  # Openen en verder invullen
    qtbot.waitUntil(lambda: page_key(wizard) == "who")
    assert wizard.pages[1].name.text() == "Piet Jansen"
    assert wizard.pages[1].phone.text() == "06 87654321"
    assert wizard.draft.operation_id == operation_id
    keyboard.enter()
    keyboard.enter()
    keyboard.dictate("Mijn jas is bij de garderobe zoekgeraakt.")
    assert wizard.pages[3].loss.isChecked() and wizard.pages[3].reminder.isVisible()
    keyboard.tab()
    keyboard.type("Ov")
    keyboard.enter()
    keyboard.enter()
    complaint = registered(qtbot, wizard)

    assert complaint.relation.name == "Piet Jansen" and complaint.police_report_advised
    assert AuditEntry.get(AuditEntry.operation_id == operation_id).entity_id == complaint.id
    assert drafts.list_drafts() == []


@pytest.fixture
def share(tmp_path, request):
    """A database in a folder that can disappear, like a network drive; with the staff."""
    folder = tmp_path / "share"
    folder.mkdir()
    url = f"sqlite:///{(folder / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    request.addfinalizer(database.close)
    return folder, url, request.getfixturevalue("staff")


@pytest.mark.expect_log("^Registreren: database niet bereikbaar")
def test_unreachable_database_lets_the_call_end_and_registers_the_report_once_when_it_is_back(qtbot, share,
                                                                                            keyboard):
    folder, url, staff = share
    session = Session(staff["sanne"], url)
    desk = show(qtbot, MainWindow(session))
    desk.tabs.setCurrentWidget(desk.intake)
    wizard = desk.intake
    qtbot.waitUntil(lambda: "verbonden" in desk.database_label.text(), timeout=10_000)
    phone_complaint_until_registering(qtbot, wizard, keyboard)
    operation_id = wizard.draft.operation_id
    gone = folder.rename(folder.with_name("share-weg"))  # the network drive drops out

    keyboard.enter()  # Registreren
    qtbot.waitUntil(lambda: page_key(wizard) == "confirmation", timeout=10_000)
    assert wizard.confirmation.heading.text() == "Melding bewaard op deze computer"
    assert "nummer nu nog niet" in wizard.confirmation.read_aloud.text()
    assert [w.operation_id for w in write_queue.pending(url)] == [operation_id]
    assert drafts.list_drafts() == []  # the queue holds it now
    assert "Zonder verbinding" in desk.connection_bar.text.text()
    qtbot.mouseClick(wizard.confirmation.new_button, Qt.MouseButton.LeftButton)  # the next caller, still offline
    assert page_key(wizard) == "arrival" and wizard.stack.isEnabled()

    gone.rename(folder)
    # The first attempt may have committed after all (the reply got lost): sending it again must find it.
    first = intake.register(staff["sanne"], write_queue.report_from_payload(write_queue.pending(url)[0].payload),
                            operation_id)
    desk.refresh_status()
    qtbot.waitUntil(lambda: write_queue.pending(url) == [], timeout=10_000)
    assert Complaint.select().count() == 1
    assert AuditEntry.get(AuditEntry.operation_id == operation_id).entity_id == first.id
    assert Complaint.get_by_id(first.id).relation.name == "Jan de Vries"


def test_every_input_has_an_accessible_name(wizard):
    inputs = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractItemView, QAbstractButton)
    checked = 0
    for page in wizard.pages:
        for widget in page.findChildren(QWidget):
            if isinstance(widget, inputs) and widget.window() is wizard.window() \
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                checked += 1
                assert widget.accessibleName(), f"{type(widget).__name__} on page {page.key} has no accessible name"
    assert checked > 30


def test_a_date_is_typed_as_it_is_said(qtbot, wizard, keyboard):
    today = wizard.context.today
    arrival = wizard.pages[0]
    keyboard.alt("p")  # Post (brief): the letter came in last week
    qtbot.waitUntil(lambda: wizard.values["channel"] == "post")
    keyboard.alt("d")  # Datum van ontvangst
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type("Vorige week vrijdag")
    friday = today - dt.timedelta(days=today.weekday() + 3)
    assert arrival.fields["received_at"].hint.text() == format_date(friday, "EEEE d MMMM yyyy")
    assert not arrival.fields["received_at"].problem()
    keyboard.enter()
    assert page_key(wizard) == "who"
    assert wizard.values["received_at"] == short_date(friday)  # the day meant, also when the draft is finished later

    keyboard.alt("a")  # Anoniem
    qtbot.waitUntil(lambda: wizard.values["who"] == "anonymous")
    keyboard.enter()
    keyboard.enter()
    keyboard.dictate("De chauffeur was onvriendelijk.")
    keyboard.alt("d")  # Datum voorval
    keyboard.type("eergisteren")
    assert wizard.pages[3].fields["incident_date"].hint.text() == format_date(
        today - dt.timedelta(days=2), "EEEE d MMMM yyyy")


def test_an_impossible_date_is_refused_at_its_field(qtbot, wizard, keyboard):
    keyboard.alt("d")
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type("1-1-1990")
    keyboard.enter()
    assert page_key(wizard) == "arrival" and focused_name() == "Datum van ontvangst"
    assert "meer dan een jaar terug" in wizard.pages[0].fields["received_at"].problem()

    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type("eergisteren")  # a letter of two days ago
    anonymous_complaint(qtbot, wizard, keyboard)
    keyboard.dictate("De taxi kwam niet.")
    keyboard.alt("d")
    keyboard.type("gisteren")  # after the letter came in
    keyboard.enter()
    what = wizard.pages[3]
    assert page_key(wizard) == "what"
    assert what.fields["incident_date"].problem() == (
        "Het voorval kan niet na de ontvangst van de melding zijn gebeurd; controleer beide datums.")


def test_an_unlikely_date_is_asked_about_once(qtbot, wizard, keyboard):
    long_ago = short_date(wizard.context.today - dt.timedelta(days=40))
    arrival = wizard.pages[0]
    keyboard.alt("p")
    qtbot.waitUntil(lambda: wizard.values["channel"] == "post")
    keyboard.alt("d")
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type(long_ago)
    assert arrival.fields["received_at"].hint.text().endswith("Dat is 40 dagen geleden. Klopt de datum?")
    keyboard.enter()
    box = active_modal(qtbot)
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Klopt de datum?"
    assert box.text().startswith("Datum van ontvangst: ") and "40 dagen geleden" in box.text()
    keyboard.enter()  # the default is to correct it
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    activate(qtbot, wizard)
    assert page_key(wizard) == "arrival" and focused_name() == "Datum van ontvangst"
    assert arrival.received.selectedText() == long_ago  # ready to be typed over

    keyboard.enter()  # it is right after all
    active_modal(qtbot)
    keyboard.alt("j")  # Ja, de datum klopt
    qtbot.waitUntil(lambda: page_key(wizard) == "who")
    activate(qtbot, wizard)
    keyboard.alt("t")  # Terug: the confirmed date is not asked about again
    qtbot.waitUntil(lambda: page_key(wizard) == "arrival")
    assert arrival.fields["received_at"].hint.text() == format_date(
        wizard.context.today - dt.timedelta(days=40), "EEEE d MMMM yyyy")
    keyboard.enter()
    assert page_key(wizard) == "who" and QApplication.activeModalWidget() is None
