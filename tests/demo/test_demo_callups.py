"""The demo's call-ups: two years of them filled the classes; around them rejections, leave and make-ups, open
call-ups waiting for the audit, and a few clashes for the conflict check to find."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db.models import Count, Q

from ganxun.callups.conflicts import find_conflicts
from ganxun.callups.models import ACTIVE_STATUSES, AnnualPlan, CallUp, CallUpQuota, Makeup, Nomination
from ganxun.callups.selectors import inbox_for, makeups_with_state
from ganxun.classes.models import Enrolment
from ganxun.core.roles import UNSCOPED_OPERATOR

DAY = date(2026, 11, 25)


DEMO_BUILD = {"last_day": DAY}


@pytest.fixture
def demo(shared_demo, db):
    """The small demo (built once for the module: see tests/demo/conftest.py)."""
    return shared_demo


def test_the_small_demo_has_two_years_of_call_ups_that_filled_its_classes(demo):
    from ganxun.accounts.models import User

    callups = CallUp.objects.all()
    years = Counter(callups.values_list("training_class__start_date__year", flat=True))
    assert years[DAY.year - 1] > 20 and years[DAY.year] > 20
    # every approved nomination is its trainee's place in the class
    approved = Nomination.objects.filter(status="approved").select_related("enrolment", "callup")
    assert approved.count() > 500
    assert all(n.enrolment.training_class_id == n.callup.training_class_id and n.enrolment.cadre_id == n.cadre_id
               for n in approved)
    # no quota holds more places than it gives
    over = CallUpQuota.objects.annotate(n=Count("nominations", filter=Q(nominations__status__in=ACTIVE_STATUSES))) \
        .filter(n__gt=models_places())
    assert not over.exists()
    statuses = Counter(Nomination.objects.values_list("status", flat=True))
    assert statuses["rejected"] > 0 and statuses["on_leave"] > 0 and statuses["nominated"] > 0
    assert set(callups.values_list("mode", flat=True)) == {"quota", "named"}
    # leave leaves a make-up owed; some are open on the build day
    makeups = list(makeups_with_state(Makeup.objects.all()))
    assert makeups and any(not m.met for m in makeups)
    assert all(m.leave.status == "approved" and m.leave.nomination.status == "on_leave" for m in makeups)
    # the city department has its plans for both years, with the seed's targets and its classes
    plans = AnnualPlan.objects.filter(org__code__endswith="ZZB", year__in=(DAY.year - 1, DAY.year))
    assert plans.count() == 2
    assert all(p.targets.filter(planned=150, group="县处级领导干部").exists() and p.planned_classes.exists()
               and p.quotas.filter(unit__org_type="region").exists() for p in plans)
    # the units have call-ups waiting in their inbox
    assert inbox_for(User.objects.get(username="jyj_rs")).exists() or Nomination.objects.filter(
        status="nominated").exists()


def models_places():
    from django.db.models import F

    return F("places")


def test_the_conflict_check_finds_the_demo_clashes(demo):
    found = find_conflicts(UNSCOPED_OPERATOR, DAY, DAY + timedelta(days=150), kinds={"multi_organiser"})
    assert 1 <= len(found) <= 6
    pending = Nomination.objects.filter(status="nominated").exclude(warnings=[])
    assert pending.exists()
    assert {f.subject for f in found} <= set(pending.values_list("cadre__person_code", flat=True))
    # and the demo's enrolments themselves never sit one person in two classes at once
    assert not Enrolment.objects.filter(nomination__status="nominated").exists()


def test_the_demo_ledger_seldom_repeats_a_programme_within_a_year(demo):
    from ganxun.classes.models import Enrolment

    # officers avoid 重复调训: a few in the demo's year for the report to show
    year = find_conflicts(UNSCOPED_OPERATOR, date(2025, 1, 1), date(2025, 12, 31), kinds={"repeat"})
    trainees = Enrolment.objects.filter(training_class__start_date__year=2025).values("cadre_id").distinct().count()
    assert trainees > 100 and len(year) <= 0.05 * trainees, (len(year), trainees)  # was 56 of 308 before
