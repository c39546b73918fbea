"""A large, realistic database for the benchmarks, made fast.

``workflow/demo.py`` makes every complaint through the real procedure
(numbering, timeline, audit, measures) at about 15 ms a complaint: 25 minutes
for 100,000. So only a seed set goes that way; the rest is bulk-inserted with
one prepared ``executemany`` per table in batches of 1,000, shaped like what demo.py makes —
the same Dutch names, towns, categories and texts (with extra sentences for a
varied vocabulary), the same channel mix and age spread, deadlines from the
office's own calendar, a status that follows the age, the timeline steps and
contact notes that status implies, and one audit entry per step. Numbers
continue the year counters and the counters are moved on, so the application
can keep registering in the result. The database's own triggers keep the
full-text index, exactly as they do for the application.

Measured on the 2-core build machine (shared with other work): 100,000
complaints in 113 s on SQLite and 524 s on PostgreSQL, against ~25 minutes
through demo.py on SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable

import peewee

from klachtenbureau.models import AuditEntry, Category, Complaint, NumberCounter, Relation, TimelineEntry, audit, db
from klachtenbureau.models.database import is_sqlite
from klachtenbureau.models.folding import fold
from klachtenbureau.workflow import deadlines, demo, settings
from klachtenbureau.workflow.numbering import format_number

SEED_COMPLAINTS = 200
BATCH = 1000

EXTRA_SENTENCES = [
    "Dit is al de tweede keer dit jaar.", "Mijn buurvrouw had hetzelfde probleem.",
    "Ik ben erg teleurgesteld in de organisatie.", "De chauffeur wist de weg niet en belde niet terug.",
    "Bij de kassa wist niemand waar de reservering was.", "Mijn dochter heeft het ook al gemeld per e-mail.",
    "Ik gebruik een rolstoel en de ingang was afgesloten.", "Het was koud en er was nergens een stoel.",
    "De medewerker aan de telefoon was wel vriendelijk.", "Ik wil graag dat iemand mij terugbelt.",
    "De brief met de tijden kwam pas na de voorstelling.", "Er stond een verkeerd adres op de bevestiging.",
    "We hebben anderhalf uur op de stoep gestaan.", "De begeleider moest zelf een taxi betalen.",
    "In de zaal was het veel te warm en de airco deed het niet.", "Onze plaatsen waren dubbel verkocht.",
    "Het bedrag is nog steeds niet teruggestort.", "Ik heb de klantenservice drie keer gebeld.",
    "Mijn man is slechthorend en heeft niets verstaan.", "De vrijwilliger heeft ons toen wel naar huis gebracht.",
]
CONTACT_NOTES = [
    "Klager gebeld voor een toelichting.", "Terugbelverzoek: klager was niet bereikbaar, voicemail ingesproken.",
    "Navraag gedaan bij het theater over de plaatsen.", "Vervoerder gevraagd om de ritgegevens van die avond.",
    "Klager gemaild met de vraag om het reserveringsnummer.",
    "Gesprek met de vrijwilliger gehad over de ontvangst.",
    "Klager kwam langs op kantoor en heeft de situatie uitgelegd.",
    "Financiële administratie controleert de afschrijving.",
    "Hoorzitting gehouden met klager en coördinator; afspraken vastgelegd.",
    "Dochter van klager belde namens haar moeder.",
]
# Every complaint row carries every column a later step may set: insert_many takes its columns from the first row.
LATER_COLUMNS = {
    "assigned_to": None, "acknowledged_at": None, "acknowledgement_method": "", "answered_at": None, "closed_at": None,
    "resolved_at_intake": False, "answer": "", "findings_facts": "", "findings_circumstances": "",
    "findings_causes": "", "verdict": "", "remedies": "", "escalation_level": "", "escalated_at": None,
    "satisfaction": "", "aftercare_at": None, "assigned_at": None, "aftercare_by": None, "waiting_for": "",
    "waiting_reason": "", "waiting_since": None, "waiting_until": None, "answer_days_left": None,
}
# action -> timeline text, as procedure.py writes them
STEP_TEXTS = {
    "acknowledge": "Ontvangst bevestigd.", "wait": "Wachten op klager.", "assign": "Toegewezen aan {handler}.",
    "investigate": "Onderzoek vastgelegd.", "verdict": "Oordeel vastgelegd.", "answer": "Klacht beantwoord.",
    "escalate": "Geëscaleerd naar directeur: klager is het niet eens met het antwoord.",
    "aftercare": "Nazorg: tevreden.", "close": "Afgesloten.",
}


def generate(count: int, seed: int = 1, today: dt.date | None = None,
             progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` complaints: the first SEED_COMPLAINTS through demo.py, the rest in bulk."""
    today = today or dt.date.today()
    through_workflow = min(count, SEED_COMPLAINTS)
    if through_workflow:
        demo.generate(through_workflow, seed=seed, today=today)
    bulk = _Bulk(random.Random(seed), today)
    made = through_workflow
    while made < count:
        size = min(BATCH, count - made)
        with db.atomic():
            bulk.batch(size)
        made += size
        if progress:
            progress(made)
    if not is_sqlite():
        for table in ("relation", "complaint", "timeline_entry", "audit_entry"):
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        db.execute_sql("ANALYZE")  # what autovacuum does after a bulk load, without waiting for it
    return count


def _insert(table: type[peewee.Model], rows: list[dict]) -> None:
    """``executemany`` of one prepared INSERT, each value through its field's ``db_value`` and the fields a row
    leaves out at their defaults, as ``insert_many`` stores them — without building SQL text for every row
    (peewee's SQL generation was 85 % of the bulk load)."""
    if not rows:
        return
    named = set(rows[0])
    fields = [f for f in table._meta.sorted_fields if f.name in named or f.default is not None]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    sql = f'INSERT INTO "{table._meta.table_name}" ({columns}) VALUES ({", ".join([db.param] * len(fields))})'

    def value(field: peewee.Field, row: dict):
        if field.name in row:
            return field.db_value(row[field.name])
        return field.db_value(field.default() if callable(field.default) else field.default)

    values = [tuple(value(f, row) for f in fields) for row in rows]
    if is_sqlite():
        db.cursor().executemany(sql, values)
    else:  # psycopg2's executemany is one round trip a row; execute_values sends the batch as one statement
        from psycopg2.extras import execute_values

        execute_values(db.cursor(), sql.rsplit(" VALUES ", 1)[0] + " VALUES %s", values, page_size=len(values))


class _Bulk:
    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.users = demo.ensure_users()
        self.handlers = [self.users[k] for k in ("petra", "ruud", "anouk")]
        self.intakers = [self.users["sanne"], self.users["mohamed"]]
        self.categories = {c.name: c.id for c in Category.select()}
        self.profile = settings.deadline_profile()
        self.calendar = settings.calendar()
        self.deadline_cache: dict[dt.date, tuple[dt.date, dt.date]] = {}
        self.next_relation = (Relation.select(peewee.fn.MAX(Relation.id)).scalar() or 0) + 1
        self.next_complaint = (Complaint.select(peewee.fn.MAX(Complaint.id)).scalar() or 0) + 1
        self.relation_ids: list[int] = [r.id for r in Relation.select(Relation.id)]
        self.logins = {u.id: u.login for u in self.users.values()}
        self.counters = dict(NumberCounter.select(NumberCounter.year, NumberCounter.last).tuples())

    def _deadlines(self, day: dt.date) -> tuple[dt.date, dt.date]:
        if day not in self.deadline_cache:
            self.deadline_cache[day] = (deadlines.acknowledge_by(day, self.profile, self.calendar),
                                        deadlines.answer_by(day, self.profile, self.calendar))
        return self.deadline_cache[day]

    def _relation(self) -> dict:
        rng = self.rng
        prefix, town = rng.choice(demo.TOWNS)
        name = f"{rng.choice(demo.FIRST)} {rng.choice(demo.LAST)}"
        local = name.lower().replace(" ", ".").replace("ı", "i").replace("ö", "o").replace("ç", "c")
        letters = "ABCDEFGHJKLMNPRTVWXZ"
        row = {
            "id": self.next_relation, "name": name, "search_name": fold(name),
            "street": f"{rng.choice(demo.STREETS)} {rng.randint(1, 180)}",
            "postcode": f"{prefix} {rng.choice(letters)}{rng.choice(letters)}", "city": town,
            "phone": f"06 {rng.randint(1, 5)}{rng.randint(0, 9999999):07d}" if rng.random() < 0.8 else "",
            "email": f"{local}{rng.randint(1, 99)}@example.nl" if rng.random() < 0.6 else "",
            "relation_type": rng.choices(["participant", "volunteer", "partner", "customer"], [80, 12, 4, 4])[0],
        }
        self.next_relation += 1
        return row

    def batch(self, size: int) -> None:
        rng = self.rng
        ages = sorted((min(int(rng.expovariate(1 / 150)), 730) for _ in range(size)), reverse=True)
        relations, complaints, entries, audits = [], [], [], []
        for age in ages:
            complaint, steps = self._complaint(age, relations)
            complaints.append(complaint)
            for at, user_id, action, kind, summary, before, after in steps:
                contact = kind == "contact"
                entries.append({"complaint": complaint["id"], "at": at, "user": user_id, "kind": kind,
                                "method": "phone" if contact else "", "direction": "out" if contact else "",
                                "summary": summary, "status_from": before, "status_to": after})
                audits.append({"operation_id": uuid.uuid4().hex, "at": at, "user_login": self.logins[user_id],
                               "action": action, "entity": "complaint", "entity_id": complaint["id"],
                               "complaint_id": complaint["id"],
                               "changes": json.dumps({"status": after} if after and after != before else {})})
        self._number(complaints)
        previous = AuditEntry.select(AuditEntry.chain).order_by(AuditEntry.id.desc()).limit(1).scalar() or ""
        for row in audits:  # linked as audit.append links them, so 'db check' finds the log whole
            row["chain"] = previous = audit.link(previous, row)
        for table, rows in ((Relation, relations), (Complaint, complaints), (TimelineEntry, entries),
                            (AuditEntry, audits)):
            _insert(table, rows)

    def _number(self, complaints: list[dict]) -> None:
        """Numbers per year, continuing (and moving on) the counters the application uses."""
        for row in complaints:
            year = row["received_at"].year
            self.counters[year] = self.counters.get(year, 0) + 1
            row["number"] = format_number(year, self.counters[year])
        for year, last in self.counters.items():
            NumberCounter.insert(year=year, last=last).on_conflict(
                conflict_target=[NumberCounter.year], update={NumberCounter.last: last}).execute()

    def _complaint(self, age: int, relations: list[dict]) -> tuple[dict, list[tuple]]:
        rng, today = self.rng, self.today
        day = today - dt.timedelta(days=age)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        received = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59)))
        channel = rng.choices(list(demo.CHANNEL_WEIGHTS), list(demo.CHANNEL_WEIGHTS.values()))[0]
        kind = "inquiry" if rng.random() < 0.12 else "complaint"
        category, text = rng.choice(demo.COMPLAINTS)
        if kind == "inquiry":
            category, text = "Overig", rng.choice(demo.INQUIRIES)
        elif rng.random() < 0.7:
            text += " " + rng.choice(EXTRA_SENTENCES)
        anonymous = channel in ("website", "social_media", "in_person") and rng.random() < 0.15
        relation_id = None
        if not anonymous:
            if self.relation_ids and rng.random() < 0.15:
                relation_id = rng.choice(self.relation_ids)
            else:
                row = self._relation()
                relations.append(row)
                relation_id = row["id"]
                self.relation_ids.append(relation_id)
        confidential = rng.random() < 0.03
        intaker = rng.choice(self.intakers)
        handler, coordinator = rng.choice(self.handlers), self.users["petra"]
        if confidential:
            handler, coordinator = self.users["fatima"], self.users["henk"]
        acknowledge_by, answer_by = self._deadlines(day)
        complaint = {
            **LATER_COLUMNS, "id": self.next_complaint, "kind": kind, "channel": channel, "received_at": received,
            "received_by": intaker.id, "relation": relation_id, "anonymous": anonymous,
            "category": self.categories.get(category, self.categories["Overig"]), "description": text,
            "desired_outcome": rng.choice(["", "Excuses", "Geld terug", "Dat het niet weer gebeurt"]),
            "severity": rng.choices([1, 2, 3, 4], [30, 45, 20, 5])[0], "confidential": confidential,
            "deadline_profile": self.profile.code, "acknowledge_by": acknowledge_by, "answer_by": answer_by,
            "created_at": received, "updated_at": received, "status": "new",
        }
        self.next_complaint += 1
        steps = [(received, intaker.id, "register", "step", f"Klacht geregistreerd ({channel}).", "", "new")]
        if channel == "phone" and (kind == "inquiry" or rng.random() < 0.15):
            complaint.update(status="closed", answered_at=received, closed_at=received, acknowledged_at=received,
                             acknowledgement_method="phone", resolved_at_intake=True,
                             answer="Direct uitgelegd en excuses aangeboden.")
            steps.append((received, intaker.id, "register", "step", "Direct afgehandeld.", "new", "closed"))
            return complaint, steps
        self._progress(complaint, steps, age, channel, handler, coordinator)
        return complaint, steps

    def _progress(self, c: dict, steps: list[tuple], age: int, channel: str, handler, coordinator) -> None:
        """Take the complaint as far as its age allows, like demo.py's plan."""
        rng = self.rng
        progress = min(1.0, age / 20) * rng.random() ** 0.3 if age < 40 else 1.0
        received = c["received_at"]

        def step(days: int, status: str, action: str, who, text: str | None = None, kind: str = "step") -> bool:
            moment = received + dt.timedelta(days=days)
            if moment.date() > self.today:
                return False
            before = c["status"]
            if kind == "step":
                c["status"] = status
            steps.append((moment, who.id, action, kind, text or STEP_TEXTS[action], before if kind == "step" else "",
                          status if kind == "step" else ""))
            c["updated_at"] = moment
            return True

        ack_days = 0 if channel == "phone" else 1
        if (channel == "phone" or progress > 0.1) and step(ack_days, "acknowledged", "acknowledge", coordinator):
            c.update(acknowledged_at=received + dt.timedelta(days=ack_days),
                     acknowledgement_method=demo.ACK_BY_CHANNEL.get(channel, "phone"))
        if progress > 0.2 and step(1, "in_progress" if c.get("acknowledged_at") else "new", "assign", coordinator,
                                   STEP_TEXTS["assign"].format(handler=handler.full_name)):
            c.update(assigned_to=handler.id, assigned_at=received + dt.timedelta(days=1))
        if progress > 0.35 and step(2, "", "contact", handler, rng.choice(CONTACT_NOTES), kind="contact"):
            if step(3, c["status"], "investigate", handler):
                c.update(findings_facts="Navraag gedaan bij de vervoerder en de vrijwilliger.",
                         findings_circumstances="Drukke avond.", findings_causes="Planning niet doorgegeven.")
        if 0.35 < progress <= 0.5 and c.get("findings_facts") and rng.random() < 0.3 and step(
                3, c["status"], "wait", handler, "Wachten op klager: ritgegevens gevraagd."):
            until = received.date() + dt.timedelta(days=14)  # asked for more information (seed 004 1.3)
            c.update(waiting_for="complainant", waiting_reason="Ritgegevens gevraagd.", waiting_until=until,
                     waiting_since=received.date() + dt.timedelta(days=3), answer_days_left=2,
                     answer_by=self.calendar.add_working_days(until, 2))
        if progress > 0.5 and c.get("findings_facts") and step(3, c["status"], "verdict", handler):
            c["verdict"] = rng.choices(["founded", "partly_founded", "unfounded", "undetermined"], [40, 25, 25, 10])[0]
            if c["verdict"] in ("founded", "partly_founded"):
                c["remedies"] = "apology"
        if progress > 0.7 and c.get("verdict") and c.get("acknowledged_at") and step(
                4, "answered", "answer", handler):
            c.update(answer=demo.ANSWERS[c["verdict"]], answered_at=received + dt.timedelta(days=4),
                     aftercare_by=self.calendar.add_working_days(received.date() + dt.timedelta(days=4), 10))
            if rng.random() < 0.06:
                if step(6, "escalated", "escalate", coordinator):
                    c.update(escalation_level="director", escalated_at=received + dt.timedelta(days=6))
            elif progress > 0.85 and step(12, "answered", "aftercare", handler):
                c.update(satisfaction="yes", aftercare_at=received + dt.timedelta(days=12))
                if step(13, "closed", "close", coordinator):
                    c["closed_at"] = received + dt.timedelta(days=13)
