"""The benchmark's hand-written dashboard (benchmarks/bench_dashboard.py ``raw_figures``) counts what the dashboard shows.

Its time is the floor ``statistics.figures`` is measured against; a twin that counts less (no visibility rule, no
handling times, no count of what the user may not see) flatters the app. So on a small generated register, on
SQLite and PostgreSQL, both are asked for the same periods by people who see more and less, and must agree.
"""

import dataclasses
import datetime as dt

from benchmarks import bench_dashboard
from klachtenbureau.models import Complaint, User
from klachtenbureau.workflow import inbox, intake, periods, procedure, statistics


def test_the_raw_dashboard_twin_counts_what_the_dashboard_shows_each_user(generated_db):
    petra, henk = User.get(User.login == "petra"), User.get(User.login == "henk")
    today = dt.date.today()
    # What the generator may leave out: a complaint the coordinator may not see, and a clock that stands still.
    intake.register(henk, intake.NewReport(description="Vertrouwelijk: de chauffeur was grof.", anonymous=True,
                                           confidential=True))
    waiting = Complaint.get_by_id(inbox.complaint_ids(petra, inbox.InboxQuery(filter="overdue"), today)[0])
    procedure.wait(petra, waiting, "complainant", "Welke rit bedoelt u?", today + dt.timedelta(days=10))
    compared = 0
    for login in ("petra", "henk", "kees", "fatima", "anouk"):
        user = User.get(User.login == login)
        for preset in ("this_half_year", "this_year", "last_year"):
            period = periods.preset(preset, today)
            shown = dataclasses.asdict(statistics.figures(user, period, today=today))
            for field in ("period", "kind", "today"):
                shown.pop(field)
            assert bench_dashboard.raw_figures(user, period, today) == shown, (login, preset)
            compared += shown["received"]
    petra_now = statistics.figures(petra, periods.preset("this_year", today), today=today)
    # It compares something: hidden, overdue, handled and charted complaints.
    assert petra_now.not_shown > 0 and petra_now.overdue > 0 and petra_now.overdue_anywhere > 0
    assert petra_now.median_working_days is not None and len(petra_now.by_category) > 3 and compared > 300
