"""De-identification of free text with deduce in its worker process, on top of the known-names scrubber.

The worker is real (deduce loads its lookup cache: ~15 s and ~1.1 GB), so this module starts it as few times
as it can: one for the sentences, one per export or report that starts its own.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import textwrap

import pytest

from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import intake, reporting
from klachtenbureau.workflow.personal_data import deidentify, export
from klachtenbureau.workflow.personal_data.deidentify import Deidentifier, redact
from klachtenbureau.workflow.personal_data.scrub import Complainant
from tests.workflow.deidentify_sentences import SENTENCES

TODAY = dt.date(2026, 7, 8)


@pytest.fixture(scope="module")
def worker():
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(deidentify.SWITCH_ENV, raising=False)
        with Deidentifier(["Zwaantje Kwakkelstein"]) as cleaner:
            yield cleaner


def test_a_birth_date_goes_and_the_procedures_dates_stay():
    text = "Geboren op 7-7-1990; belde 3 maart 2026 en 12-01-2009."
    found = [(11, 19, "datum"), (27, 39, "datum"), (43, 53, "datum")]
    assert redact(text, found, TODAY) == "Geboren op [geboortedatum]; belde 3 maart 2026 en [geboortedatum]."


def test_a_form_of_address_or_role_before_a_name_stays_and_placeholders_are_left_alone():
    text = "Vrijwilliger Jan Pietersen en mevrouw A. de Groot belden [naam] uit 3811 AB Amersfoort."
    found = [(0, 26, "persoon"), (30, 49, "persoon"), (57, 63, "persoon"), (68, 86, "locatie")]
    assert redact(text, found, TODAY) == "Vrijwilliger [naam] en mevrouw [naam] belden [naam] uit [postcode]."
    assert redact("In het Diakonessenhuis.", [(7, 22, "zorginstelling")], TODAY) == "In het Diakonessenhuis."


def test_third_parties_in_hand_written_sentences_go_and_the_sentences_stay_readable(worker):
    wrong = []
    for text, gone, kept in SENTENCES:
        cleaned = worker.text(text)
        leaked = [g for g in gone if g.lower() in cleaned.lower()]
        lost = [k for k in kept if k not in cleaned]
        if leaked or lost:
            wrong.append(f"{text!r} -> {cleaned!r}: left {leaked}, lost {lost}")
    assert worker.complete and wrong == []


def test_known_and_own_names_go_first_and_deduce_removes_the_rest(worker):
    own = Complainant("Bartholomeus van Oudenhoven", "Kastanjelaan 123", "8888 XY", "Nergenshuizen", "020 624 1234")
    text = ("Meneer Van Oudenhoven (Kastanjelaan 123) zegt dat Zwaantje Kwakkelstein en buurman Kees Mulder het "
            "zagen. De taxi kwam niet.")
    assert worker.text(text, own) == ("Meneer Van [naam] ([adres]) zegt dat [naam] en buurman [naam] het zagen. "
                                      "De taxi kwam niet.")
    assert "ook van anderen" in worker.legend()


def test_the_anonymised_export_and_the_boards_list_leave_out_third_parties(sqlite_db, staff, monkeypatch):
    monkeypatch.delenv(deidentify.SWITCH_ENV)
    when = dt.datetime(2026, 3, 2, 10)
    with acting_at(when):
        complaint = intake.register(staff["sanne"], intake.NewReport(
            description="Vrijwilliger Jan Pietersen was onbeleefd tegen mevrouw Anna de Groot uit Zwolle.",
            received_at=when, channel="post", complex_sensitive=True, severity=3,
            relation={"name": "Kees Mulder", "street": "Dorpsstraat 1", "postcode": "1234 AB", "city": "Utrecht"}))
    out = io.StringIO()
    export.write(staff["petra"], out, "json", anonymize=True)
    [row] = json.loads(out.getvalue())
    assert row["description"] == "Vrijwilliger [naam] was onbeleefd tegen mevrouw [naam] uit [plaats]."

    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    [listed] = report.exceptional
    assert listed.number == complaint.number
    assert listed.summary == "Vrijwilliger [naam] was onbeleefd tegen mevrouw [naam] uit [plaats]."
    assert "ook van anderen" in report.anonymisation_note


@pytest.mark.expect_log("Namen van derden worden niet uit vrije tekst verwijderd")
def test_without_deduce_the_scrubber_works_alone_and_the_report_says_so(monkeypatch, caplog):
    monkeypatch.delenv(deidentify.SWITCH_ENV)
    monkeypatch.setattr(deidentify, "_warned", False)
    refusing = [sys.executable, "-c", "print('{\"ready\": false, \"reason\": \"ModuleNotFoundError: deduce\"}')"]
    for _ in range(2):
        with Deidentifier(["Jan Pietersen"], command=refusing) as cleaner:
            assert cleaner.text("Jan Pietersen en Anna de Groot.") == "[naam] en Anna de Groot."
            assert not cleaner.complete
            assert "Namen van derden zijn niet verwijderd" in cleaner.legend()
    warned = [r for r in caplog.records if "deduce werkt niet" in r.getMessage()]
    assert len(warned) == 1 and "ModuleNotFoundError" in warned[0].getMessage()


@pytest.mark.expect_log("Namen van derden worden niet uit vrije tekst verwijderd")
def test_a_worker_that_dies_half_way_leaves_the_rest_to_the_scrubber(monkeypatch):
    monkeypatch.delenv(deidentify.SWITCH_ENV)
    monkeypatch.setattr(deidentify, "_warned", False)
    dying = [sys.executable, "-c", "import sys, json; print(json.dumps({'ready': True}), flush=True); "
             "sys.stdin.readline(); print(json.dumps({'text': 'A [naam].'}), flush=True)"]
    with Deidentifier(["Jan Pietersen"], command=dying) as cleaner:
        assert cleaner.text("A Jan.") == "A [naam]." and cleaner.complete
        assert cleaner.text("Jan Pietersen en Anna.") == "[naam] en Anna." and not cleaner.complete


def test_the_worker_refuses_to_build_the_lookup_cache_in_front_of_a_user(tmp_path):
    # The bundle's cache folder, empty: the worker says it cannot work instead of building for minutes.
    script = ("import sys; from pathlib import Path; from klachtenbureau.workflow.personal_data import deidentify; "
              f"deidentify._cache_path = lambda: Path({str(tmp_path)!r}); "
              "sys.exit(deidentify.serve(sys.stdin, sys.stdout))")
    done = subprocess.run([sys.executable, "-c", script], input="", capture_output=True, text=True, timeout=120)
    answer = json.loads(done.stdout.splitlines()[0])
    assert done.returncode == 1 and answer["ready"] is False and "CacheMissing" in answer["reason"]
    assert list(tmp_path.iterdir()) == []


def test_the_worker_loads_its_lists_with_the_collector_paused_and_keeps_them_out_of_later_collections():
    """Unpickling deduce's lists with the cycle collector running took 8.4 s instead of 2.5 s, and each later full
    collection 3.7 s: the worker pauses it while loading, freezes what it loaded and collects again afterwards."""
    script = textwrap.dedent("""
        import gc, io, json
        from klachtenbureau.workflow.personal_data import deidentify
        seen = {}
        def asked():  # the worker's stdin: one text, then what the collector does while the worker serves
            yield json.dumps({"text": "Jan Pietersen belde."}) + "\\n"
            seen.update(collecting=gc.isenabled(), frozen=gc.get_freeze_count())
        out = io.StringIO()
        code = deidentify.serve(asked(), out)
        print(json.dumps({"code": code, "answers": out.getvalue().splitlines(), **seen}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["code"] == 0 and json.loads(found["answers"][1]) == {"text": "[naam] belde."}
    assert found["collecting"] and found["frozen"] > 1_000_000  # the lookup lists: millions of objects
