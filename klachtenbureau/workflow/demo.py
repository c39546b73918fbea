"""Realistic Dutch demo data, made through the same workflow functions the office uses.

Complaints spread over the last two years and land in every state: old ones
mostly closed, recent ones acknowledged, assigned, answered or still waiting,
some of them overdue. Several demo processes may fill one database at once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Category, Complaint, Relation, User
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.database import retry_on_busy, write_transaction
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, HANDLER, INTAKE, QUALITY
from klachtenbureau.workflow import admin, deadlines, intake, measures, permissions, procedure, settings
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.db_errors import DuplicateError

USERS = [
    ("admin", "Beheerder", ADMIN),
    ("sanne", "Sanne de Vries", INTAKE),
    ("mohamed", "Mohamed El Amrani", INTAKE),
    ("petra", "Petra Jansen", COORDINATOR),
    ("ruud", "Ruud Bakker", COORDINATOR),
    ("kees", "Kees Mulder", HANDLER),
    ("anouk", "Anouk Visser", QUALITY),
    ("henk", "Henk Smit", DIRECTOR),
    ("fatima", "Fatima Yilmaz", COUNSELLOR),
]
# Who sees confidential complaints signs in with a password (permissions.needs_proof_of_identity): the demo's own is
# this one, named in --help. A demo database is for trying, never for real complaints.
DEMO_PASSWORD = "demo-wachtwoord"

FIRST = ["Jan", "Maria", "Piet", "Anja", "Kees", "Fatma", "Wim", "Ingrid", "Ahmed", "Els", "Gerrit", "Yvonne",
         "Dirk", "Sevda", "Johan", "Marleen", "Henk", "Noor", "Theo", "Ria", "Bram", "Lotte", "Mustafa", "Joke"]
LAST = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
        "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
        "Brouwer", "de Wit", "Dijkstra", "Yıldız", "Öztürk", "Çelik", "Kramer"]
STREETS = ["Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianastraat",
           "Beatrixlaan", "Wilhelminastraat", "Eikenlaan", "Populierenweg", "Marktplein", "Havenkade"]
TOWNS = [("1012", "Amsterdam"), ("3011", "Rotterdam"), ("2511", "Den Haag"), ("3511", "Utrecht"),
         ("5611", "Eindhoven"), ("9711", "Groningen"), ("6511", "Nijmegen"), ("8011", "Zwolle"),
         ("2011", "Haarlem"), ("4811", "Breda"), ("6211", "Maastricht"), ("7511", "Enschede")]
COMPLAINTS = [
    ("Niet ophalen", "De taxi is niet gekomen; ik heb tot half acht bij de deur gewacht en de voorstelling gemist."),
    ("Tijdstip ophalen", "Ik werd een uur te vroeg opgehaald en moest lang in de kou wachten bij het theater."),
    ("Te laat of niet gebeld m.b.t. ophaaltijd", "Niemand heeft gebeld over de ophaaltijd, ik wist niet wanneer ik klaar moest staan."),
    ("Geluid theaters", "Het geluid in de zaal was zo slecht dat ik de acteurs niet kon verstaan."),
    ("Slechte plekken theater", "We zaten helemaal achteraan achter een pilaar en zagen niets van het podium."),
    ("Een foutieve reservering", "De reservering stond op de verkeerde datum, we stonden voor een dichte deur."),
    ("Het niet ontvangen van een reservering", "Ik heb me aangemeld maar nooit een bevestiging ontvangen."),
    ("Een klacht m.b.t. een vrijwilliger", "De vrijwilliger was onvriendelijk en liet mij alleen bij de ingang staan."),
    ("Een klacht m.b.t. een mede-deelnemer", "Een mede-deelnemer maakte de hele avond kwetsende opmerkingen."),
    ("Pauze: geen koffie, thee, pauze te kort", "In de pauze was er geen koffie of thee en de pauze duurde maar tien minuten."),
    ("Geen of foutieve (financiële) boeking", "Er is twee keer een bijdrage van mijn rekening afgeschreven."),
    ("Bereikbaarheid theaters", "Het theater was voor mij met de rollator niet goed bereikbaar, er was geen lift."),
    ("Voorstelling valt tegen", "De voorstelling was heel anders dan in de folder stond."),
    ("Vrijwilliger met een klacht", "Als vrijwilliger kreeg ik de planning pas op het laatste moment door."),
    ("Overig", "Mijn jas is na afloop zoekgeraakt bij de garderobe."),
]
INQUIRIES = ["Wanneer worden de nieuwe voorstellingen bekendgemaakt?", "Kan mijn begeleider ook mee naar het concert?",
             "Hoe kan ik mijn reservering wijzigen?", "Is het theater rolstoeltoegankelijk?"]
CHANNEL_WEIGHTS = {"phone": 45, "email": 20, "post": 10, "website": 12, "volunteer": 6, "in_person": 4,
                   "social_media": 3}
ACK_BY_CHANNEL = {"post": "letter", "email": "email", "website": "email", "social_media": "email"}
BATCH = 25
# The handler's answer, fitting the verdict the letter around it states (an apology only where one is due).
ANSWERS = {
    "founded": "Wij hebben uw klacht nagevraagd bij de vervoerder en de vrijwilliger. Wat u beschrijft, klopt: de "
               "planning was niet aan hen doorgegeven. Dat had niet mogen gebeuren.",
    "partly_founded": "Wij hebben uw klacht nagevraagd bij de vervoerder en de vrijwilliger. De planning was niet aan "
                      "hen doorgegeven; dat had niet mogen gebeuren. Dat u daarover niemand kon bereiken, hebben wij "
                      "niet kunnen terugvinden: die avond was de telefoon de hele tijd bemand.",
    "unfounded": "Wij hebben uw klacht nagevraagd bij de vervoerder en de vrijwilliger. Uit hun gegevens blijkt dat "
                 "alles is gegaan zoals het met u was afgesproken.",
    "undetermined": "Wij hebben uw klacht nagevraagd bij de vervoerder en de vrijwilliger, maar konden niet meer "
                    "nagaan hoe het die avond precies is gegaan.",
}
# How far a showcase complaint got, and how many days ago it came in (the overdue one is old).
SHOWCASE = {"new": 0.0, "acknowledged": 0.15, "in_progress": 0.4, "answered": 0.75, "escalated": 0.75}
SHOWCASE_AGES = {"new": 9, "acknowledged": 1, "in_progress": 3, "answered": 8, "escalated": 10}


def ensure_users() -> dict[str, User]:
    """The demo staff, one or more per role; safe when several demo processes start at once."""
    actor = store.system_user()
    users = {}
    for login, name, role in USERS:
        user = User.get_or_none(User.login == login)
        if user is None:
            try:
                user = store.create_user(actor, login, name, role, email=f"{login}@voorbeeld.nl",
                                         confidential_access=role == COUNSELLOR)
            except (ValidationError, DuplicateError):  # another demo process made it first
                user = User.get(User.login == login)
            else:
                if permissions.needs_proof_of_identity(user):
                    user = admin.set_password(actor, user, DEMO_PASSWORD)
        users[login] = user
    return users


def only_demo_users() -> bool:
    """The database has no sign-in users but the demo's own: filling it needs nobody's permission."""
    logins = {login for login, _name, _role in USERS}
    return all(user.login in logins for user in admin.sign_in_users())


def _working_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59)))


class _Generator:
    def __init__(self, seed: int | None, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self.users = ensure_users()
        self.handlers = [self.users[k] for k in ("petra", "ruud", "anouk", "kees")]
        self.categories = {c.name: c.id for c in Category.select()}

    def relation(self) -> tuple[int | None, dict[str, str] | None]:
        rng = self.rng
        if rng.random() < 0.15:
            existing = Relation.select(Relation.id).order_by(peewee.fn.Random()).first()
            if existing:
                return existing.id, None
        prefix, town = rng.choice(TOWNS)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        local = name.lower().replace(" ", ".").replace("ı", "i").replace("ö", "o").replace("ç", "c")
        return None, {
            "name": name, "street": f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
            "postcode": f"{prefix} {rng.choice('ABCDEFGHJKLMNPRTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRTVWXZ')}",
            "city": town, "phone": f"06 {rng.randint(1, 5)}{rng.randint(0, 9999999):07d}" if rng.random() < 0.8 else "",
            "email": f"{local}{rng.randint(1, 99)}@example.nl" if rng.random() < 0.6 else "",
            "relation_type": rng.choices(["participant", "volunteer", "partner", "customer"], [80, 12, 4, 4])[0],
        }

    def age(self) -> int:
        """Days since receipt: many recent complaints, fewer old ones, none older than two years."""
        return min(int(self.rng.expovariate(1 / 150)), 730)

    def one(self, age: int, showcase: str | None = None) -> list[Callable[[], object]]:
        """The steps of one complaint's life, as a list of calls to run in order.

        ``showcase`` forces how far it got ('new', 'acknowledged', ...), so that every
        state of the procedure is on show however few complaints are made.
        """
        rng, today = self.rng, self.today
        received = _working_moment(rng, today - dt.timedelta(days=age))
        channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
        if showcase:
            channel = "post" if showcase == "new" else "email"
        kind = "inquiry" if rng.random() < 0.12 and not showcase else "complaint"
        category, text = rng.choice(COMPLAINTS)
        if kind == "inquiry":
            category, text = "Overig", rng.choice(INQUIRIES)
        anonymous = channel in ("website", "social_media", "in_person") and rng.random() < 0.15
        relation_id, relation = (None, None) if anonymous else self.relation()
        resolved_now = channel == "phone" and (kind == "inquiry" or rng.random() < 0.15)
        intaker = self.users[rng.choice(["sanne", "mohamed"])]
        report = intake.NewReport(
            description=text, category=category if category in self.categories else "Overig", kind=kind,
            channel=channel, received_at=received, relation_id=relation_id, relation=relation, anonymous=anonymous,
            severity=rng.choices([1, 2, 3, 4], [30, 45, 20, 5])[0], confidential=rng.random() < 0.03,
            complex_sensitive=rng.random() < 0.04, police_report_advised="zoekgeraakt" in text,
            desired_outcome=rng.choice(["", "Excuses", "Geld terug", "Dat het niet weer gebeurt"]),
            acknowledgement_method="phone" if channel == "phone" and not resolved_now else "",
            resolved_now=resolved_now, complainant_agrees=resolved_now,
            resolution=rng.choice(["Direct uitgelegd en excuses aangeboden.", "Vraag beantwoord aan de telefoon."]),
        )
        state: dict[str, object] = {}
        steps: list[Callable[[], object]] = [
            lambda: _at(received, lambda: state.__setitem__("c", intake.register(intaker, report)))]
        if resolved_now:
            return steps

        handler = rng.choice(self.handlers)
        coordinator = self.users["petra"]
        if report.confidential:  # seen only by the director and the confidential counsellor
            handler, coordinator = self.users["fatima"], self.users["henk"]
        # A handler without managing rights proposes the answer; the coordinator sets the term and sends it.
        decider = coordinator if permissions.is_handler(handler) else handler
        # Most complaints are answered within a week or two; a few get stuck and show up as overdue.
        progress = 1.0 if age >= 14 else min(1.0, age / 7) * rng.random() ** 0.3
        if age >= 5 and rng.random() < 0.04:
            progress = rng.choice([0.15, 0.4, 0.6])
        if showcase:
            progress = SHOWCASE[showcase]
        plan: list[tuple[int, Callable[[], object]]] = []

        def c():
            return state["c"]

        if channel != "phone" and progress > 0.1:
            method = ACK_BY_CHANNEL.get(channel, "phone")
            plan.append((1, lambda: procedure.acknowledge(coordinator, c(), method)))
        if progress > 0.2:
            plan.append((1, lambda: procedure.assign(coordinator, c(), handler)))
        if progress > 0.35:
            plan.append((2, lambda: procedure.add_contact(handler, c(), "Klager gebeld voor een toelichting.",
                                                          "phone", "out")))
            plan.append((3, lambda: procedure.investigate(handler, c(), "Navraag gedaan bij de vervoerder en de vrijwilliger.",
                                                          "Drukke avond.", "Planning niet doorgegeven.")))
        verdict = rng.choices(["founded", "partly_founded", "unfounded", "undetermined"], [40, 25, 25, 10])[0]
        if progress > 0.5:
            plan.append((3, lambda: procedure.record_verdict(handler, c(), verdict)))
            if verdict in ("founded", "partly_founded"):
                plan.append((3, lambda: procedure.record_remedy(handler, c(), ["apology"] + (
                    ["compensation"] if rng.random() < 0.2 else []), amount="25.00")))
        if rng.random() < 0.05 and progress > 0.3:
            plan.append((3, lambda: procedure.extend(decider, c(), deadlines.proposed_extension(
                deadlines.get_profile(c().deadline_profile), c().answer_by, settings.calendar()),
                "Wij wachten nog op de reactie van de vervoerder.", True)))
        if progress > 0.7:
            if decider is not handler:
                plan.append((4, lambda: procedure.propose_answer(handler, c(), ANSWERS[verdict])))
            plan.append((4, lambda: procedure.answer(decider, c(), ANSWERS[verdict])))
            if showcase == "escalated" or (rng.random() < 0.06 and not showcase):
                plan.append((6, lambda: procedure.escalate(coordinator, c(), "director",
                                                           "Klager is het niet eens met het antwoord.")))
                if not showcase:  # the new level answers before the complaint is closed
                    plan.append((20, lambda: procedure.answer(self.users["henk"], c(),
                                                              "In een gesprek met de directeur is het opgelost.")))
                    plan.append((25, lambda: procedure.close(self.users["henk"], c(),
                                                             "Afgehandeld na een gesprek met de directeur.")))
            elif progress > 0.85 and showcase != "answered":
                plan.append((12, lambda: procedure.aftercare(handler, c(), rng.choices(["yes", "partly", "no"],
                                                                                       [70, 20, 10])[0])))
                plan.append((13, lambda: procedure.close(coordinator, c())))
        return steps + [lambda offset=offset, call=call: _at(received + dt.timedelta(days=offset), call)
                        for offset, call in plan if received + dt.timedelta(days=offset) <= _now_day(today)]


def _now_day(today: dt.date) -> dt.datetime:
    return dt.datetime.combine(today, dt.time(23, 59))


def _at(moment: dt.datetime, call: Callable[[], object]) -> object:
    with acting_at(moment):
        return call()


def generate(count: int, seed: int | None = None, today: dt.date | None = None,
             progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` complaints (and measures for some of them); returns how many were made."""
    gen = _Generator(seed, today or dt.date.today())
    plans: list[tuple[int, str | None]] = [(gen.age(), None) for _ in range(count)]
    for i, state in enumerate(list(SHOWCASE)[:count]):
        plans[i] = (SHOWCASE_AGES[state], state)
    plans.sort(key=lambda plan: plan[0], reverse=True)  # oldest first: numbers follow the calendar
    made = 0
    while made < count:
        batch = [gen.one(age, showcase) for age, showcase in plans[made:made + BATCH]]

        @retry_on_busy
        def write(batch: list[list[Callable[[], object]]] = batch) -> None:
            # A batch in one transaction: far fewer fsyncs on a network share, still short enough
            # (well under a second) that a colleague registering at the same time hardly waits.
            with write_transaction():
                for steps in batch:
                    for step in steps:
                        step()

        write()
        made += len(batch)
        _measure(gen)
        if progress:
            progress(made)
    return made


def _measure(gen: _Generator) -> None:
    if gen.rng.random() > 0.4:
        return
    recent = [c.id for c in Complaint.select(Complaint.id).order_by(Complaint.id.desc()).limit(3)]
    owner = gen.rng.choice(gen.handlers)
    due = gen.today + dt.timedelta(days=gen.rng.randint(-60, 90))
    measure = measures.create(gen.users["anouk"], gen.rng.choice([
        "Ophaaltijden een dag vooraf bevestigen", "Vrijwilligers instrueren over ontvangst bij de ingang",
        "Afspraak met theater over pauzeservice", "Controle dubbele afschrijvingen", "Plattegrond met lift in de folder",
    ]), owner, due, "Naar aanleiding van klachten.", "complaint", recent)
    if due < gen.today and gen.rng.random() < 0.6:
        measures.implement(owner, measure, True)
        if gen.rng.random() < 0.7:
            measures.record_check(gen.users["anouk"], measure, "Steekproef van tien ritten.", "Geen nieuwe klachten.",
                                  gen.rng.random() < 0.8)
