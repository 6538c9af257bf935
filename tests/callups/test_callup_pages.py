"""The call-up pages as each role sees them: the department issues and audits, the unit nominates and is warned,
the cadre sees their call-up; outside the scope every page is a 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ganxun.callups.models import CallUp, Nomination
from ganxun.classes.models import Enrolment, TrainingClass


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def upcoming(world):
    start = timezone.localdate() + timedelta(days=30)
    return TrainingClass.objects.create(code="BC9", name="县处级干部进修班", kind="core", organiser=world.orgs["city_dept"],
                                        start_date=start, end_date=start + timedelta(days=19), quota=30,
                                        content_category="party_spirit")


def _issue(client, tc, **extra):
    data = {"class_code": tc.code, "mode": "quota", "title": "关于调训参加县处级干部进修班的通知",
            "deadline": (tc.start_date - timedelta(days=7)).isoformat(), "quotas": "419901CZJ:1\n4199JYJ：2",
            "report_at": "开班当天上午8:30，市委党校报到", **extra}
    response = client.post("/callups/new/", data)
    return response, CallUp.objects.order_by("-id").first()


def test_the_department_drafts_issues_and_the_unit_finds_it_in_its_inbox(world, upcoming, client):
    login(client, world.users["city"])
    assert "BC9" in client.get("/callups/new/").content.decode()
    response, callup = _issue(client, upcoming)
    assert response.status_code == 302 and response["Location"] == f"/callups/{callup.code}/"
    page = client.get(response["Location"]).content.decode()
    assert "草稿" in page and "示例市教育局" in page and 'data-testid="callup-issue"' in page
    assert client.post(f"/callups/{callup.code}/issue/").status_code == 302
    docx = client.get(f"/callups/{callup.code}/notice.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from docx import Document
    import io

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "东城区财政局 1 名" in text and "县处级干部进修班" in text
    client.logout()
    login(client, world.users["dc_hr"])
    inbox = client.get("/callups/").content.decode()
    assert callup.code in inbox and "待本单位办理" in inbox
    detail = client.get(f"/callups/{callup.code}/").content.decode()
    assert 'data-testid="nominate-panel"' in detail and "王磊" in detail and "张建国" not in detail


def test_bad_quota_lines_are_named_and_nothing_is_saved(world, upcoming, client):
    login(client, world.users["city"])
    response, _ = _issue(client, upcoming, quotas="419901CZJ 一")
    assert response.status_code == 200
    assert "名额分配第 1 行“419901CZJ 一”应为“单位编码:名额”" in response.content.decode()
    response, _ = _issue(client, upcoming, quotas="NOPE:3")
    assert "单位“NOPE”不存在或不在您的管理范围内" in response.content.decode()
    assert not CallUp.objects.exists()


def test_a_nomination_with_a_clash_is_warned_then_audited_into_the_class(world, upcoming, client):
    login(client, world.users["city"])
    _, callup = _issue(client, upcoming)
    client.post(f"/callups/{callup.code}/issue/")
    county = TrainingClass.objects.create(code="DC9", name="区直机关专题班", kind="thematic", organiser=world.orgs["dc_dept"],
                                          start_date=upcoming.start_date, end_date=upcoming.start_date + timedelta(days=3))
    Enrolment.objects.create(training_class=county, cadre=world.cadres["dc1"])
    client.logout()
    login(client, world.users["dc_hr"])
    page = client.post(f"/callups/{callup.code}/nominate/", {"person": ["C-DC-1"]}, follow=True).content.decode()
    assert "已提名 1 人" in page and "冲突提示（多头调训）" in page
    over = client.post(f"/callups/{callup.code}/nominate/", {"person": ["C-DC-2"]}, follow=True).content.decode()
    assert "东城区财政局 的名额为 1 个" in over
    client.logout()
    login(client, world.users["city"])
    page = client.get(f"/callups/{callup.code}/").content.decode()
    assert "1 人有冲突提示" in page and "区直机关专题班" in page
    nomination = Nomination.objects.get()
    page = client.post(f"/callups/{callup.code}/audit/", {"nomination": [nomination.pk], "approve": "1"},
                       follow=True).content.decode()
    assert "已审核通过 1 人" in page
    assert Enrolment.objects.filter(training_class=upcoming, cadre=world.cadres["dc1"]).exists()
    # the conflicts report shows it too, and exports it
    report = client.get("/callups/conflicts/", {"from": upcoming.start_date, "to": upcoming.end_date}).content.decode()
    assert 'data-kind="multi_organiser"' in report and 'data-subject="C-DC-1"' in report
    export = client.get("/callups/conflicts/", {"from": upcoming.start_date, "to": upcoming.end_date, "format": "xlsx"})
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_the_cadre_sees_their_named_call_up_and_asks_for_leave(world, upcoming, client):
    login(client, world.users["city"])
    _, callup = _issue(client, upcoming, mode="named", quotas="", named="C-DC-2")
    client.post(f"/callups/{callup.code}/issue/")
    client.logout()
    login(client, world.users["cadre"])
    assert client.get("/callups/").status_code == 302
    page = client.get("/callups/mine/").content.decode()
    assert "县处级干部进修班" in page and "开班当天上午8:30" in page
    n = Nomination.objects.get()
    page = client.post(f"/callups/{callup.code}/nominations/{n.pk}/leave/",
                       {"reason": "住院治疗", "next": "/callups/mine/"}, follow=True).content.decode()
    assert "已提交请假申请" in page and "住院治疗（待审批）" in page


@pytest.mark.parametrize("who", ["other", "institution", "cadre"])
def test_outside_the_scope_a_call_up_is_a_404(world, upcoming, client, who):
    login(client, world.users["city"])
    _, callup = _issue(client, upcoming)
    client.post(f"/callups/{callup.code}/issue/")
    client.logout()
    login(client, world.users[who])
    for url in (f"/callups/{callup.code}/", f"/callups/{callup.code}/notice.docx"):
        assert client.get(url).status_code == 404, (who, url)
    assert client.post(f"/callups/{callup.code}/nominate/", {"person": ["C-DC-1"]}).status_code == 404
    assert not Nomination.objects.exists()


def test_the_read_only_leader_reads_the_call_up_but_cannot_nominate_or_audit(world, upcoming, client):
    login(client, world.users["city"])
    _, callup = _issue(client, upcoming)
    client.post(f"/callups/{callup.code}/issue/")
    client.logout()
    login(client, world.users["leader"])
    page = client.get(f"/callups/{callup.code}/").content.decode()
    assert "县处级干部进修班" in page and 'data-testid="nominate-panel"' not in page
    page = client.post(f"/callups/{callup.code}/nominate/", {"person": ["C-DC-1"]}, follow=True).content.decode()
    assert "没有这份调训通知的名额" in page
    assert not Nomination.objects.exists()


def test_the_rates_page_counts_the_call_ups_of_the_year_by_unit_and_category(world, upcoming, client):
    login(client, world.users["city"])
    _, callup = _issue(client, upcoming)
    client.post(f"/callups/{callup.code}/issue/")
    client.force_login(world.users["dc_hr"])
    client.post(f"/callups/{callup.code}/nominate/", {"person": ["C-DC-1"]})
    client.force_login(world.users["city"])
    page = client.get("/callups/rates/", {"year": upcoming.start_date.year}).content.decode()
    assert 'data-key="419901CZJ"' in page and "50%" in page       # 1 of the bureau's 2 cadres
    assert "1 / 5 人" in page                                       # the city's 5 cadres, one called up
    by_category = client.get("/callups/rates/", {"year": upcoming.start_date.year, "by": "category"}).content.decode()
    assert "干部类别" in by_category and "1 / 5 人" in by_category
    client.force_login(world.users["other"])
    assert "1 / 1 人" not in client.get("/callups/rates/", {"year": upcoming.start_date.year}).content.decode()
    client.force_login(world.users["cadre"])
    assert client.get("/callups/rates/").status_code == 404


def test_a_department_writes_its_annual_plan_lists_its_classes_and_sees_plan_against_actual(world, upcoming, client):
    from ganxun.callups.models import AnnualPlan

    login(client, world.users["city"])
    assert "还没有年度培训计划" in client.get("/callups/plans/").content.decode()
    bad = client.post("/callups/plans/new/", {"year": upcoming.start_date.year, "title": "计划",
                                              "targets": "县处级领导干部 | 一百五十 | 每年选调"})
    assert "计划指标第 1 行应为“培训对象 | 计划人数 | 计划表述 | 班次类型”" in bad.content.decode()
    assert not AnnualPlan.objects.exists()
    response = client.post("/callups/plans/new/", {
        "year": upcoming.start_date.year, "title": "示例市委组织部年度干部教育培训计划",
        "targets": "县处级领导干部 | 150 | 每年选调150名左右县处级领导干部到市委党校参加系统理论学习 | 主体班\n"
                   "优秀年轻干部 | 100 | 每年举办2期中青年干部培训班"})
    plan = AnnualPlan.objects.get()
    assert response["Location"] == f"/callups/plans/{plan.pk}/"
    assert [(t.group, t.planned, t.class_kind) for t in plan.targets.all()] == [
        ("县处级领导干部", 150, "core"), ("优秀年轻干部", 100, "")]
    county = plan.targets.get(group="县处级领导干部")
    page = client.post(f"/callups/plans/{plan.pk}/classes/", {"class_code": "BC9", "target": county.pk,
                                                              "planned": "30"}, follow=True).content.decode()
    assert "已将班次 BC9 列入计划" in page and 'data-class="BC9"' in page
    Enrolment.objects.create(training_class=upcoming, cadre=world.cadres["city1"], completed=True)
    page = client.get(f"/callups/plans/{plan.pk}/").content.decode()
    row = page[page.index(f'data-target="{county.pk}"'):]
    assert "<td class=\"num\">150</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">1</td>" in row
    client.post(f"/callups/plans/{plan.pk}/publish/")
    plan.refresh_from_db()
    assert plan.status == "published"
    client.force_login(world.users["other"])
    assert client.get(f"/callups/plans/{plan.pk}/").status_code == 404
    client.force_login(world.users["dc_hr"])
    assert client.get("/callups/plans/").status_code == 404


def test_a_unit_submits_its_plan_with_proof_when_team_members_attend_and_the_county_approves(world, client,
                                                                                              settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ganxun.callups.models import PlanSubmission

    settings.VAR_DIR = tmp_path
    client.force_login(world.users["dc_hr"])
    data = {"kind": "adhoc", "year": 2026, "title": "财政系统预算绩效管理专题培训", "start_date": "2026-06-01",
            "end_date": "2026-06-03", "participants": "30", "team_members": "2", "content": "预算绩效管理，30人，3天"}
    refused = client.post("/callups/submissions/", data).content.decode()
    assert "有党政班子成员参训的，须上传证明材料" in refused and not PlanSubmission.objects.exists()
    proof = SimpleUploadedFile("党组会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    page = client.post("/callups/submissions/", {**data, "proof": proof}, follow=True).content.decode()
    assert "已报东城区委组织部审批" in page
    s = PlanSubmission.objects.get()
    assert (s.unit.code, s.approver.code, s.team_members, s.status) == ("419901CZJ", "419901ZZB", 2, "submitted")
    client.force_login(world.users["dc"])
    page = client.get("/callups/submissions/").content.decode()
    assert 'data-testid="incoming-table"' in page and "财政系统预算绩效管理专题培训" in page
    assert client.get(f"/callups/submissions/{s.pk}/proof/").getvalue() == b"%PDF-1.4 minutes"
    client.post(f"/callups/submissions/{s.pk}/decide/", {"approve": "1", "note": "同意"})
    s.refresh_from_db()
    assert s.status == "approved" and s.review_note == "同意"
    client.force_login(world.users["other"])
    assert client.get(f"/callups/submissions/{s.pk}/proof/").status_code == 404
    assert client.post(f"/callups/submissions/{s.pk}/decide/", {"approve": "0", "note": "x"}).status_code == 404


def test_a_suggested_list_names_the_cadres_who_need_it_most_and_the_officer_confirms_it(world, upcoming, client):
    from ganxun.callups.models import Nomination
    from ganxun.jobs.models import Job
    from ganxun.records.services import record_append

    login(client, world.users["city"])
    _, callup = _issue(client, upcoming, quotas="419901CZJ:1")
    client.post(f"/callups/{callup.code}/issue/")
    # 王磊 trained full-time last year; 赵婷 has no full-time training: she needs it more
    record_append(acting_user=world.users["admin"], person_code="C-DC-1", values={
        "title": "科级干部进修班", "source": "full_time", "content_category": "theory",
        "start_date": upcoming.start_date - timedelta(days=200), "end_date": upcoming.start_date - timedelta(days=190),
        "hours": "80", "days": 11})
    page = client.get("/callups/suggest/").content.decode()
    assert callup.code in page
    response = client.post("/callups/suggest/", {"callup": [callup.code]})
    job = Job.objects.get(kind="callup_suggest")
    assert response["Location"] == f"/callups/suggest/{job.pk}/" and job.status == "done", job.message
    page = client.get(response["Location"]).content.decode()
    assert 'data-person="C-DC-2"' in page and 'data-person="C-DC-1"' not in page and "长期未参加脱产培训" in page
    done = client.post(response["Location"], {"pick": [f"{callup.code}|C-DC-2"]}, follow=True).content.decode()
    assert "已点名调训 1 人" in done
    n = Nomination.objects.get()
    assert (n.cadre.person_code, n.status, n.quota.unit.code) == ("C-DC-2", "named", "419901CZJ")
    # the unit sees it and confirms
    client.force_login(world.users["dc_hr"])
    client.post(f"/callups/{callup.code}/nominations/{n.pk}/confirm/")
    n.refresh_from_db()
    assert n.status == "approved" and n.enrolment is not None


def test_the_plan_form_gives_subordinate_units_places_and_the_page_shows_who_was_called(world, upcoming, client):
    from ganxun.callups.models import AnnualPlan

    login(client, world.users["city"])
    bad = client.post("/callups/plans/new/", {"year": upcoming.start_date.year, "title": "计划",
                                              "targets": "县处级领导干部 | 150 | 每年选调", "quotas": "419901 | 科级 | 20"})
    assert "名额分配第 1 行：计划中没有培训对象“科级”" in bad.content.decode() and not AnnualPlan.objects.exists()
    client.post("/callups/plans/new/", {"year": upcoming.start_date.year, "title": "计划",
                                        "targets": "县处级领导干部 | 150 | 每年选调", "quotas": "419901 | 县处级领导干部 | 20"})
    plan = AnnualPlan.objects.get()
    client.post(f"/callups/plans/{plan.pk}/classes/", {"class_code": "BC9", "target": plan.targets.get().pk})
    _, callup = _issue(client, upcoming, quotas="419901CZJ:1")
    client.post(f"/callups/{callup.code}/issue/")
    client.force_login(world.users["dc_hr"])
    client.post(f"/callups/{callup.code}/nominate/", {"person": ["C-DC-1"]})
    client.force_login(world.users["city"])
    page = client.get(f"/callups/plans/{plan.pk}/").content.decode()
    row = page[page.index('data-unit="419901"'):]
    assert "东城区" in row and '<td class="num">20</td><td class="num">1</td><td class="num">0</td>' in row
    assert "419901 | 县处级领导干部 | 20" in client.get(f"/callups/plans/{plan.pk}/edit/").content.decode()
