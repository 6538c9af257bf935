"""工作台: each role's home page shows what that role needs — the cadre their own progress and what is due,
a training institution its record and its trainees, administrators counters and the reviews waiting."""

import re
from datetime import date, timedelta

import pytest

from ganxun.records.services import record_append, self_study_submit
from ganxun.shell.selectors import cadre_home
from ganxun.web.menu import menu_for
from tests.plans.conftest import schools  # noqa: F401  (the shared fixture)


def _full_time(world, person, *, end, days, hours, institution="DX4199", title="科级干部进修班"):
    return record_append(acting_user=world.users["admin"], person_code=person, institution_code=institution,
                         values={"title": title, "source": "full_time", "start_date": end - timedelta(days=days - 1),
                                 "end_date": end, "hours": hours})




# ---- the cadre's progress (the selector, at fixed dates) ------------------------------------------

def by_code(home):
    return {p.indicator.code: p for p in home.progress}


def test_a_cadre_behind_pace_sees_the_gap_and_the_time_left(world, schools):  # noqa: F811
    # given 赵婷 (科员, 优秀年轻干部) with one five-day class of 40 hours in May 2022
    _full_time(world, "C-DC-2", end=date(2022, 5, 13), days=5, hours="40")
    # when she opens her home page at the end of September 2022
    home = cadre_home(world.users["cadre"], as_of=date(2022, 9, 30))
    progress = by_code(home)
    # then she sees each indicator of the plan that applies to her, and only those (优秀年轻干部 is the
    # department's internal designation: its rotation stays off her own pages)
    assert home.plan.id == "henan-2019-2022"
    assert set(progress) == {"staff_hours_annual"}
    yearly = progress["staff_hours_annual"]
    assert (yearly.label, yearly.actual, yearly.gap) == ("进度滞后", "5 天 / 40.0 学时", "还差 7 天或 50.0 学时")
    assert (yearly.window, yearly.days_left) == ("2022 年度", 92)
    assert yearly.window_dates == "2022-01-01 至 2022-12-31，统计至 2022-09-30"
    assert yearly.time_left == "还剩 92 天（2022-12-31 结束）"
    # and what is due is the yearly hours, for being behind pace
    assert [(p.indicator.code, p.due_reason) for p in home.due] == [
        ("staff_hours_annual", "进度滞后：完成比例低于已过去的时间比例")]


def test_an_indicator_on_track_is_due_when_its_window_closes_soon(world, schools):  # noqa: F811
    _full_time(world, "C-DC-2", end=date(2022, 6, 30), days=10, hours="85")
    # on 15 October 85 of 90 hours is ahead of the calendar, but the year ends in 77 days
    home = cadre_home(world.users["cadre"], as_of=date(2022, 10, 15))
    yearly = by_code(home)["staff_hours_annual"]
    assert yearly.label == "进度正常" and yearly.gap == "还差 2 天或 5.0 学时"
    assert yearly.due_reason == "统计窗口 77 天后结束，尚未达到要求"
    # while in July (170 days left) it is not due yet
    assert not cadre_home(world.users["cadre"], as_of=date(2022, 7, 13)).due


def leader_login(world):
    """张建国 (正处级, 局长) with a login of his own."""
    from ganxun.accounts.models import User

    return User.objects.create(username="city1_self", role="cadre", person=world.cadres["city1"])


def test_a_rolling_indicator_reads_its_window_and_when_met(world, schools):  # noqa: F811
    # given a leader with a system training at the party school in 2020
    record_append(acting_user=world.users["admin"], person_code="C-CITY-1", institution_code="DX4199",
                  values={"title": "县处级干部进修班", "source": "full_time", "start_date": date(2020, 3, 2),
                          "end_date": date(2020, 4, 30), "hours": "300", "is_system_training": True})
    home = cadre_home(leader_login(world), as_of=date(2022, 12, 31))
    makeup = by_code(home)["makeup_5y"]
    assert (makeup.label, makeup.window, makeup.gap) == ("达标", "截至今日 5 年内", "")
    assert makeup.days_left is None and "滚动计算" in makeup.time_left


def test_a_rolling_indicator_not_met_is_due_now(world, schools):  # noqa: F811
    # given a leader with no system training in five years: 补训 is unmet, and a class now fixes it
    home = cadre_home(leader_login(world), as_of=date(2022, 12, 31))
    makeup = by_code(home)["makeup_5y"]
    assert (makeup.label, makeup.gap) == ("未达标", "还差 1 次")
    assert makeup in home.due and "补上即可达标" in makeup.due_reason
    # and a closed plan-period window that was missed is shown, but no longer due
    hours = by_code(home)["leader_hours_5y"]
    assert hours.label == "未达标" and hours.time_left == "统计窗口已结束" and hours not in home.due


def test_the_cadre_home_evaluates_only_the_cadre(world, schools, evaluations):  # noqa: F811
    cadre_home(world.users["cadre"], as_of=date(2022, 9, 30))
    assert {person for person, _ in evaluations} == {"C-DC-2"}


# ---- the pages ------------------------------------------------------------------------------------

def page(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_cadre_home_shows_progress_and_claims_not_the_registry_counters(client, world, schools):  # noqa: F811
    today = date.today()
    _full_time(world, "C-DC-2", end=today, days=1, hours="8")
    for title in ("自学《之江新语》", "自学《中国共产党简史》"):
        self_study_submit(acting_user=world.users["cadre"], values={
            "title": title, "start_date": today, "end_date": today, "hours": "3"})
    html = page(client, world.users["cadre"])
    assert "干部总数" not in html and "单位（含地区、组织部）" not in html
    assert 'data-indicator="staff_hours_annual"' in html and f"{today.year} 年度" in html
    assert "young_rotation_4y" not in html and "优秀年轻干部" not in html
    pending = html[html.index('data-testid="cadre-pending"'):]
    assert re.search(r'data-testid="pending-count">2<', pending)
    assert "自学《之江新语》" in pending and 'href="/records/self_study/"' in pending


def test_the_school_lands_on_its_record_and_its_trainees(client, world, schools):  # noqa: F811
    today = date.today()
    _full_time(world, "C-DC-1", end=today, days=5, hours="40", title="财政业务专题培训班")
    _full_time(world, "C-OTHER-1", end=today, days=5, hours="40", title="财政业务专题培训班")
    _full_time(world, "C-XC-1", end=today, days=5, hours="40", institution="GBXY01", title="乡村振兴专题班")
    html = page(client, world.users["institution"])
    assert "中共示例市委党校" in html and "干部总数" not in html
    stats = html[html.index('data-testid="home-trainee-stats"'):]
    assert re.search(r'data-testid="stat-this-year">2 ', stats)
    recent = html[html.index('data-testid="home-recent"'):]
    assert "财政业务专题培训班" in recent and "乡村振兴专题班" not in recent
    assert 'href="/resources/institutions/DX4199/"' in html and 'href="/records/trainees/DX4199/"' in html
    # and 本机构 in the menu opens the institution's record
    labels = [e["item"].label for g in menu_for(world.users["institution"], "/") for e in g["items"]]
    assert "本机构" in labels and "学员学时" in labels
    response = client.get("/my-institution/", follow=True)
    assert response.redirect_chain == [("/resources/institutions/DX4199/", 302)]
    assert [e["item"].label for g in menu_for(world.users["institution"], "/resources/institutions/DX4199/")
            for e in g["items"] if e["active"]] == ["本机构"]


def test_a_school_account_whose_institution_is_not_registered_is_told_so(client, world):
    html = page(client, world.users["institution"])
    assert 'data-testid="no-institution"' in html and "DX4199" in html


@pytest.mark.parametrize("persona", ["admin", "city", "dc", "dc_hr", "leader", "cadre"])
def test_only_institution_staff_have_an_own_institution(client, world, persona):
    client.force_login(world.users[persona])
    assert client.get("/my-institution/").status_code == 404
    assert "本机构" not in {e["item"].label for g in menu_for(world.users[persona], "/") for e in g["items"]}


def test_administrators_see_their_counters_and_the_reviews_waiting(client, world):
    for _ in range(3):
        self_study_submit(acting_user=world.users["cadre"], values={
            "title": "自学", "start_date": date(2024, 1, 1), "end_date": date(2024, 1, 2), "hours": "2"})
    html = page(client, world.users["dc_hr"])
    assert re.search(r'data-testid="stat-cadres">2<', html)
    pending = html[html.index('data-testid="stat-pending"'):]
    assert re.search(r'class="num">3 ', pending) and 'href="/records/review/"' in pending
    # the city admin counts them too; the other city's has none to review
    assert re.search(r'class="num">3 ', page(client, world.users["city"]).split('data-testid="stat-pending"')[1])
    other = page(client, world.users["other"])
    assert re.search(r'data-testid="stat-pending">\s*<div class="num">0 ', other) and "都已审核" in other
    # a leader reads, does not review: no queue, the count of units instead
    leader = page(client, world.users["leader"])
    assert 'data-testid="stat-pending"' not in leader and "单位（含地区、组织部）" in leader


@pytest.mark.parametrize("persona", ["admin", "city", "dc_hr", "leader"])
def test_an_administrators_home_evaluates_nobody(client, world, schools, evaluations, persona,  # noqa: F811
                                                 django_assert_max_num_queries):
    _full_time(world, "C-DC-2", end=date.today(), days=1, hours="8")
    client.force_login(world.users[persona])
    client.get("/")  # warm the session
    with django_assert_max_num_queries(10):  # session, user, scope, two counts, the session saved
        assert client.get("/").status_code == 200
    assert not evaluations


def test_a_school_with_too_many_recent_entries_is_not_counted_on_the_home_page(client, world, schools,  # noqa: F811
                                                                              monkeypatch):
    from ganxun.records import selectors

    monkeypatch.setattr(selectors, "TRAINEE_TOTALS_CAP", 1)
    for person in ("C-DC-1", "C-DC-2"):
        _full_time(world, person, end=date.today(), days=2, hours="16")
    html = page(client, world.users["institution"])
    assert "近两年的学时记录超过 1 条，不在工作台合计" in html and 'data-testid="stat-this-year"' not in html
    assert "科级干部进修班" in html  # the last year's trainings are still listed
