"""The quota holds under concurrent requests: 20 parallel enrolments against 10 places (PostgreSQL only).

Each request is a real one through the page's view, in its own thread and database connection. The class row
is locked while places are counted; without that lock (the second test takes it away) the same requests
over-fill the class.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from ganxun.classes import services
from ganxun.classes.models import Enrolment, TrainingClass
from ganxun.records.models import LearningRecord
from tests.conftest import build_world
from tests.factories import add_cadre, add_institution

# serialized_rollback: the flush after each test would otherwise take the data the migrations seeded (the data
# dictionary) from the tests that run after these
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PARALLEL, PLACES = 20, 10


@pytest.fixture
def crowded_class():
    world = build_world()
    add_institution("DX4199", "示例市委党校", "party_school", level="city", owner=world.orgs["city_dept"])
    from ganxun.classes.services import class_save
    from ganxun.resources.models import Institution
    from datetime import date

    class_save(acting_user=world.users["city"], values={
        "code": "BC1", "name": "热门班次", "kind": "core", "organiser": world.orgs["city_dept"],
        "institution": Institution.objects.get(code="DX4199"), "start_date": date(2021, 3, 1),
        "end_date": date(2021, 3, 5), "full_time": True, "quota": PLACES})
    cadres = [add_cadre(world.orgs["city_edu"], f"C-Q-{i}", f"学员{i}") for i in range(PARALLEL)]
    return world, cadres


def _slow_inserts(monkeypatch):
    """Every insert of an enrolment waits a little after the places were counted: the race window made wide."""
    real = Enrolment.objects.bulk_create

    def slow(objs, *args, **kwargs):
        threading.Event().wait(0.2)
        return real(objs, *args, **kwargs)
    monkeypatch.setattr(Enrolment.objects, "bulk_create", slow)


def _enrol_all_at_once(world, cadres) -> list[int]:
    barrier = threading.Barrier(len(cadres))
    statuses = []

    def request(cadre):
        client = Client()
        client.force_login(world.users["city"])
        barrier.wait()
        try:
            statuses.append(client.post("/classes/BC1/enrol/", {"person": [cadre.person_code]}).status_code)
        finally:
            connection.close()
    threads = [threading.Thread(target=request, args=(c,)) for c in cadres]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_twenty_parallel_requests_fill_ten_places_and_wait_list_the_rest(crowded_class, monkeypatch):
    world, cadres = crowded_class
    _slow_inserts(monkeypatch)
    statuses = _enrol_all_at_once(world, cadres)
    assert statuses == [302] * PARALLEL
    counts = {s: Enrolment.objects.filter(status=s).count() for s in ("enrolled", "waitlisted")}
    assert counts == {"enrolled": PLACES, "waitlisted": PARALLEL - PLACES}
    assert TrainingClass.objects.get(code="BC1").quota == PLACES
    assert not LearningRecord.objects.exists()


def test_without_the_lock_the_same_requests_overfill_the_class(crowded_class, monkeypatch):
    world, cadres = crowded_class
    _slow_inserts(monkeypatch)
    from ganxun.classes.selectors import access_class

    # the class read as before, but without FOR UPDATE: every request counts the same free places
    monkeypatch.setattr(services, "_locked_class", lambda user, code, *, open_only=True: access_class(user, code))
    _enrol_all_at_once(world, cadres)
    assert Enrolment.objects.filter(status="enrolled").count() > PLACES
