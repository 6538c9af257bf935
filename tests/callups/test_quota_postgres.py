"""A unit's quota holds under concurrent nominations: 20 clerks' requests at once against 10 places (PostgreSQL).

Each nomination runs in its own thread and database connection. The quota row is locked while its places are
counted; without the lock (the second test takes it away) the same nominations over-fill the quota.
"""

import threading
from datetime import date

import pytest
from django.db import connection

from ganxun.callups import services
from ganxun.callups.models import CallUpQuota, Nomination
from ganxun.classes.models import TrainingClass
from ganxun.core.errors import DomainError
from tests.conftest import build_world
from tests.factories import add_cadre

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PARALLEL, PLACES = 20, 10


@pytest.fixture
def crowded_callup():
    world = build_world()
    TrainingClass.objects.create(code="BC1", name="热门班次", kind="core", organiser=world.orgs["city_dept"],
                                 start_date=date(2021, 3, 1), end_date=date(2021, 3, 5), quota=50)
    cadres = [add_cadre(world.orgs["dc_fin"], f"C-Q-{i}", f"学员{i}") for i in range(PARALLEL)]
    callup = services.callup_save(acting_user=world.users["city"], class_code="BC1", title="调训通知",
                                  deadline=date(2021, 2, 20), quotas={"419901CZJ": PLACES})
    services.callup_issue(acting_user=world.users["city"], code=callup.code)
    return world, callup, cadres


def _slow_inserts(monkeypatch):
    """Each nomination is written a little after the places were counted: the race window made wide."""
    real = Nomination.objects.create

    def slow(**kwargs):
        threading.Event().wait(0.2)
        return real(**kwargs)
    monkeypatch.setattr(Nomination.objects, "create", slow)


def _nominate_all_at_once(world, callup, cadres) -> list[str]:
    barrier = threading.Barrier(len(cadres))
    outcomes = []

    def request(cadre):
        barrier.wait()
        try:
            services.nominate(acting_user=world.users["dc_hr"], callup_code=callup.code,
                              person_codes=[cadre.person_code], today=date(2021, 2, 1))
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()
    threads = [threading.Thread(target=request, args=(c,)) for c in cadres]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_twenty_parallel_nominations_fill_ten_places_and_the_rest_are_refused(crowded_callup, monkeypatch):
    world, callup, cadres = crowded_callup
    _slow_inserts(monkeypatch)
    outcomes = _nominate_all_at_once(world, callup, cadres)
    assert sorted(outcomes) == ["ok"] * PLACES + ["quota_full"] * (PARALLEL - PLACES)
    assert Nomination.objects.filter(callup=callup, status="nominated").count() == PLACES


def test_without_the_quota_lock_the_same_nominations_overfill_it(crowded_callup, monkeypatch):
    world, callup, cadres = crowded_callup
    _slow_inserts(monkeypatch)
    monkeypatch.setattr(CallUpQuota.objects, "select_for_update", lambda *a, **k: CallUpQuota.objects.all())
    _nominate_all_at_once(world, callup, cadres)
    assert Nomination.objects.filter(callup=callup, status="nominated").count() > PLACES
