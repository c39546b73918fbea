"""The benchmark's hand-written dossier (benchmarks/bench_inbox.py ``_raw_dossier``) reads what the app shows.

Its time is the floor the app's ``dossier_data.load`` is measured against; a twin that reads less (other words
for the similar complaints, another window, no visibility rule) flatters the app. So on a small generated
register, on SQLite and PostgreSQL, both are asked for the same dossiers and must agree.
"""

import datetime as dt

from benchmarks import bench_inbox
from klachtenbureau.models import Complaint, User
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import dossier_data, editing, inbox, intake, measures, procedure
from klachtenbureau.workflow.personal_data import privacy


def _shown(d: dossier_data.Dossier) -> dict:
    f = d.facts
    return {
        "number": f.number, "category": d.complaint.category.name,
        "complainant": d.complaint.relation.name if d.complaint.relation_id else None,
        "handler": d.complaint.assigned_to.full_name if d.complaint.assigned_to_id else None,
        "timeline": [(t.by, t.summary) for t in f.timeline], "documents": [doc.id for doc in f.documents],
        "measures": [m.title for m in f.measures], "history": [a.action for a in f.history],
        "earlier": [c.id for c in d.earlier], "similar": [c.id for c in d.similar],
    }


def _twin(raw: dict) -> dict:
    c = raw["complaint"]
    return {
        "number": c["number"], "category": c["category_name"], "complainant": c["r_name"], "handler": c["handler"],
        "timeline": [(t["full_name"] or "", t["summary"]) for t in raw["timeline"]],
        "documents": [doc["id"] for doc in raw["documents"]], "measures": [m["title"] for m in raw["measures"]],
        "history": [privacy.action_label(a["action"]) for a in raw["history"]],
        "earlier": [e["id"] for e in raw["earlier"]], "similar": [s["id"] for s in raw["similar"]],
    }


def test_the_raw_dossier_twin_reads_what_the_dossier_shows(generated_db):
    petra, henk = User.get(User.login == "petra"), User.get(User.login == "henk")
    ids = inbox.complaint_ids(petra, inbox.InboxQuery(filter="all"))
    sample = [Complaint.get_by_id(i) for i in ids[::len(ids) // 8]]
    first = sample[0]
    # What the generator leaves out: an attachment, a measure, and complaints the coordinator may not see
    # among the complainant's earlier and the similar ones.
    editing.attach_document(petra, first, "brief.pdf", "application/pdf", b"%PDF-1.4 brief")
    measures.create(petra, "Ritten vooraf bevestigen", petra, dt.date.today() + dt.timedelta(days=30),
                    complaint_ids=[first.id])
    procedure.add_contact(petra, first, "Klager gebeld.", "phone", "out")
    with acting_at(first.received_at - dt.timedelta(days=1)):
        hidden = intake.register(henk, intake.NewReport(description=first.description, category=first.category_id,
                                                        relation_id=first.relation_id, confidential=True))
    dossiers = {c.id: (_shown(dossier_data.load(petra, c.id)), _twin(bench_inbox._raw_dossier(petra.id, c.id)))
                for c in sample}
    for shown, twin in dossiers.values():
        assert twin == shown
    shown = dossiers[first.id][0]
    assert shown["documents"] and shown["measures"] == ["Ritten vooraf bevestigen"]
    assert hidden.id not in shown["earlier"] + shown["similar"]
    assert sum(len(s["similar"]) for s, _t in dossiers.values()) > len(sample)  # the comparison compares something
    assert bench_inbox._raw_dossier(petra.id, hidden.id) is None
