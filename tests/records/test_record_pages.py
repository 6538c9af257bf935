"""The ledger pages as users meet them: the scope decides what is seen, writers act, bad input changes nothing."""

import re
from datetime import date
from decimal import Decimal

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.records.models import CadreYearTotal, EntryKind, LearningRecord
from ganxun.records.services import record_append, record_reverse, self_study_submit

VISIBLE = {
    "admin": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1", "C-OTHER-1"},
    "province": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1", "C-OTHER-1"},
    "city": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1"},
    "dc": {"C-DC-1", "C-DC-2"},
    "dc_hr": {"C-DC-1", "C-DC-2"},
    "leader": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1"},
    "other": {"C-OTHER-1"},
    "cadre": {"C-DC-2"},
    "institution": set(),
}
# Whose entries each persona finds in the ledger: their cadres'; a training institution's staff every entry at
# their institution (the ``ledger`` fixture records all of them at DX4199, theirs) and no cadre of the registry.
LEDGER = {**VISIBLE, "institution": VISIBLE["admin"]}
WRITERS = {"admin", "province", "city", "dc", "dc_hr", "other"}
ORG_OF = {"C-CITY-1": "4199JYJ", "C-CITY-2": "4199JYJ", "C-DC-1": "419901CZJ", "C-DC-2": "419901CZJ",
          "C-XC-1": "419902NYJ", "C-OTHER-1": "4198FGW"}
CLASS = {"title": "县处级干部进修班", "source": "full_time", "content_category": "theory",
         "start_date": date(2021, 3, 1), "end_date": date(2021, 3, 5), "hours": "40", "is_system_training": True}
FORM = {"person_code": "C-DC-1", "title": "财政业务专题培训班", "source": "full_time", "content_category": "professional",
        "institution": "DX4199", "start_date": "2024-05-06", "end_date": "2024-05-10", "days": "", "hours": "40",
        "completed": "on"}


@pytest.fixture
def ledger(world, schools):
    """One entry per cadre, recorded by the superuser; ``{person_code: record}``."""
    return {code: record_append(acting_user=world.users["admin"], person_code=code, values=CLASS,
                                institution_code="DX4199")
            for code in sorted(VISIBLE["admin"])}


@pytest.fixture
def as_user(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client
    return login


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_list_and_actions_follow_the_scope(as_user, persona, ledger):
    client = as_user(persona)
    # the list shows exactly the records of the cadres in scope
    page = client.get("/records/list/?page_size=100")
    if persona == "institution":
        # an institution's staff read their trainees' hours on 学员学时, not the registry's list by unit
        assert page.status_code == 302 and page["Location"] == "/records/trainees/"
    else:
        assert page.status_code == 200
        assert {r.cadre.person_code for r in page.context["page"].object_list} == VISIBLE[persona]
    for code, record in ledger.items():
        inside = code in LEDGER[persona]
        writable = inside and persona in WRITERS
        # the dialogs of a record outside the scope, or for a role that cannot write, are "not found"
        for action in ("reverse", "correct"):
            assert client.get(f"/records/{record.pk}/{action}/").status_code == (200 if writable else 404), (
                persona, code, action)
            # (an empty reason: a writer gets the form back, anyone else the same 404)
            assert client.post(f"/records/{record.pk}/{action}/", {"reason": ""}).status_code == (
                200 if writable else 404), (persona, code, action)
        # an org filter outside the scope is not found either
        if persona != "institution":
            org_visible = ORG_OF[code] in {ORG_OF[c] for c in VISIBLE[persona]}
            listing = client.get(f"/records/list/?org={ORG_OF[code]}")
            assert listing.status_code == (200 if org_visible else 404), (persona, code, "org filter")
    # nothing was reversed by the attempts above
    assert LearningRecord.objects.count() == len(ledger)
    # the review page is for writers; the self-study page is for the cadre's own login
    assert client.get("/records/review/").status_code == (200 if persona in WRITERS else 404)
    assert client.get("/records/self_study/").status_code == (200 if persona == "cadre" else 404)
    assert client.get("/records/new/").status_code == (200 if persona in WRITERS else 404)


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_export_contains_only_the_scope(as_user, persona, ledger):
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    response = as_user(persona).get("/records/export.xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["外部编号", "人员编码", "身份证号"]
    assert {r[1] for r in rows[1:]} == LEDGER[persona]
    assert not any(re.search(r"\d{17}[\dX]", str(cell)) for r in rows for cell in r)


def test_anonymous_is_sent_to_login(client, world):
    for url in ["/records/list/", "/records/review/", "/records/self_study/", "/records/new/", "/records/1/reverse/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_unit_hr_records_a_class_from_the_dialog(as_user, world, schools):
    # when dc_hr fills in 新增 for one of their cadres
    client = as_user("dc_hr")
    response = client.post("/records/new/", FORM, HTTP_HX_REQUEST="true")
    # then the dialog closes by refreshing the list, and the entry counts its days from the dates
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    record = LearningRecord.objects.get(title="财政业务专题培训班")
    assert (record.days, record.credit_hours, record.institution.code) == (5, Decimal("40.0"), "DX4199")
    assert record.recorded_by == world.users["dc_hr"] and record.origin == "manual"
    body = client.get("/records/list/").content.decode()
    assert "财政业务专题培训班" in body and "已登记" in body


def test_an_outside_provider_is_kept_as_free_text_and_a_wrong_code_is_refused(as_user, world, schools):
    client = as_user("dc")
    client.post("/records/new/", {**FORM, "institution": "某某会计师协会培训部"})
    record = LearningRecord.objects.get(title=FORM["title"])
    assert (record.institution_id, record.institution_name, record.institution_recognised) == (
        None, "某某会计师协会培训部", False)
    response = client.post("/records/new/", {**FORM, "title": "另一个班", "institution": "DX9999"})
    assert "DX9999 不存在" in response.content.decode()
    assert not LearningRecord.objects.filter(title="另一个班").exists()


@pytest.mark.parametrize("change, field, message", [
    ({"hours": "12.25"}, "hours", "最多保留一位小数"),
    ({"hours": "很多"}, "hours", "应为数字"),
    ({"end_date": "2024-05-01"}, "end_date", "不能早于开始日期"),
    ({"start_date": "2024-02-30"}, "start_date", "应为日期"),
    ({"source": "online", "days": "3"}, "days", "不计脱产天数"),
    ({"days": "-1"}, "days", "不小于 0 的整数"),
    ({"title": ""}, "title", "不能为空"),
    ({"person_code": "C-XC-1"}, "person_code", "不存在或不在您的管理范围内"),
    ({"person_code": "C-NOPE"}, "person_code", "不存在或不在您的管理范围内"),
    ({"end_date": "2999-01-01"}, "end_date", "不能晚于今天"),
])
def test_bad_input_is_answered_in_chinese_and_nothing_is_written(as_user, world, schools, change, field, message):
    # given the county admin's new-record dialog with one bad value
    client = as_user("dc")
    events = AuditEvent.objects.count()
    # when they submit it
    response = client.post("/records/new/", {**FORM, **change}, HTTP_HX_REQUEST="true")
    # then the dialog comes back with the message beside the field, and nothing is written
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors.get(field, [])), form.errors
    assert LearningRecord.objects.count() == 0 and AuditEvent.objects.count() == events


def test_script_in_a_title_is_shown_as_text(as_user, world, schools):
    client = as_user("dc")
    client.post("/records/new/", {**FORM, "title": "<script>alert(1)</script>'; DROP TABLE x"})
    body = client.get("/records/list/").content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_reversal_from_the_page_needs_a_reason_and_is_shown_struck_through(as_user, world, ledger):
    client = as_user("dc_hr")
    record = ledger["C-DC-1"]
    # without a reason nothing happens
    response = client.post(f"/records/{record.pk}/reverse/", {"reason": " "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "不能为空" in response.content.decode()
    assert not LearningRecord.objects.filter(reverses=record).exists()
    # with one, the negative twin is appended and the totals fall back
    response = client.post(f"/records/{record.pk}/reverse/", {"reason": "重复登记"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    twin = LearningRecord.objects.get(reverses=record)
    assert twin.kind == EntryKind.REVERSAL and twin.reason == "重复登记"
    assert sum(t.hours for t in CadreYearTotal.objects.filter(cadre=world.cadres["dc1"])) == 0
    # the default list hides both; with 显示已冲销 they are marked
    default = client.get("/records/list/").context["page"].object_list
    assert record.pk not in {r.pk for r in default} and twin.pk not in {r.pk for r in default}
    body = client.get("/records/list/?reversed=1").content.decode()
    assert "已冲销" in body and "gx-reversed" in body and "gx-reversal" in body and f"冲销 R{record.pk}" in body
    # and the reversed entry offers no second reversal
    assert client.get(f"/records/{record.pk}/reverse/").status_code == 404
    assert client.get(f"/records/{twin.pk}/correct/").status_code == 404


def test_correction_from_the_page_reverses_and_appends(as_user, world, ledger):
    client = as_user("dc")
    record = ledger["C-DC-2"]
    # the dialog opens with the stored values
    form = client.get(f"/records/{record.pk}/correct/").context["form"]
    assert form.initial["hours"] == "40.0" and form.initial["institution"] == "DX4199"
    data = {"title": record.title, "source": "full_time", "content_category": "theory", "institution": "DX4199",
            "start_date": "2021-03-01", "end_date": "2021-03-05", "days": "5", "hours": "36",
            "is_system_training": "on", "completed": "on"}
    # a correction without a reason is refused
    response = client.post(f"/records/{record.pk}/correct/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert LearningRecord.objects.count() == len(ledger)
    # with a reason, the original is reversed and the corrected entry appended
    response = client.post(f"/records/{record.pk}/correct/", {**data, "reason": "学时登记有误"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    corrected = LearningRecord.objects.filter(cadre=world.cadres["dc2"], kind="entry").latest("id")
    assert corrected.hours == Decimal("36.0") and "学时登记有误" in corrected.reason
    assert LearningRecord.objects.filter(reverses=record).exists()
    assert sum(t.hours for t in CadreYearTotal.objects.filter(cadre=world.cadres["dc2"])) == Decimal("36.0")


def test_self_study_submit_review_and_approval(client, world):
    # given the cadre's own login submits self-study, once with a bad value
    client.force_login(world.users["cadre"])
    bad = client.post("/records/self_study/", {"title": "自学《习近平谈治国理政》第四卷", "start_date": "2024-01-01",
                                               "end_date": "2024-03-31", "hours": "20.05"})
    assert bad.status_code == 200 and "最多保留一位小数" in bad.content.decode()
    assert LearningRecord.objects.count() == 0
    response = client.post("/records/self_study/", {"title": "自学《习近平谈治国理政》第四卷", "start_date": "2024-01-01",
                                                    "end_date": "2024-03-31", "hours": "20",
                                                    "content_category": "theory"})
    assert response.status_code == 302
    record = LearningRecord.objects.get()
    assert record.status == "pending" and record.credit_hours == 0 and record.source == "self_study"
    assert "待审核" in client.get("/records/self_study/").content.decode()
    # when the unit's personnel office approves it on the review page
    client.force_login(world.users["dc_hr"])
    review = client.get("/records/review/")
    assert [r.pk for r in review.context["page"].object_list] == [record.pk]
    assert client.post(f"/records/review/{record.pk}/approve/").status_code == 302
    # then it counts, and the cadre sees it approved
    record.refresh_from_db()
    assert record.status == "approved" and record.credit_hours == Decimal("20.0")
    assert record.reviewed_by == world.users["dc_hr"]
    assert not client.get("/records/review/").context["page"].object_list
    client.force_login(world.users["cadre"])
    assert "有效" in client.get("/records/self_study/").content.decode()


def test_rejecting_self_study_needs_a_reason_the_cadre_then_sees(client, world):
    record = self_study_submit(acting_user=world.users["cadre"], values={
        "title": "自学", "start_date": date(2024, 1, 1), "end_date": date(2024, 1, 2), "hours": "2"})
    client.force_login(world.users["dc_hr"])
    response = client.post(f"/records/review/{record.pk}/reject/", {"reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "不能为空" in response.content.decode()
    response = client.post(f"/records/review/{record.pk}/reject/", {"reason": "学习内容不具体"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    record.refresh_from_db()
    assert record.status == "rejected" and record.credit_hours == 0
    client.force_login(world.users["cadre"])
    body = client.get("/records/self_study/").content.decode()
    assert "未通过" in body and "学习内容不具体" in body


def test_review_of_another_countys_self_study_is_not_found(client, world):
    record = self_study_submit(acting_user=world.users["cadre"], values={
        "title": "自学", "start_date": date(2024, 1, 1), "end_date": date(2024, 1, 2), "hours": "2"})
    client.force_login(world.users["other"])
    assert client.post(f"/records/review/{record.pk}/approve/").status_code == 404
    assert client.get(f"/records/review/{record.pk}/reject/").status_code == 404
    record.refresh_from_db()
    assert record.status == "pending"


def test_list_filters_and_counts(as_user, world, ledger):
    record_append(acting_user=world.users["admin"], person_code="C-DC-1", values={
        "title": "网络专题班", "source": "online", "content_category": "knowledge", "start_date": date(2023, 6, 1),
        "end_date": date(2023, 6, 30), "hours": "12.5"}, institution_code="WL0001")
    record_reverse(acting_user=world.users["admin"], record_id=ledger["C-DC-2"].pk, reason="重复")
    client = as_user("dc")
    page = client.get("/records/list/?source=online")
    assert [r.title for r in page.context["page"].object_list] == ["网络专题班"]
    assert client.get("/records/list/?year=2021").context["counts"]["total"] == 1
    assert client.get("/records/list/?q=王磊").context["counts"]["total"] == 2
    assert client.get("/records/list/?q=C-DC-1&category=knowledge").context["counts"]["total"] == 1
    counts = client.get("/records/list/").context["counts"]
    assert (counts["total"], counts["hours"], counts["days"]) == (2, Decimal("52.5"), 5)
    # with the reversed ones shown, the reversal nets the cancelled entry to nothing
    counts = client.get("/records/list/?reversed=1").context["counts"]
    assert (counts["total"], counts["hours"]) == (4, Decimal("52.5"))
    assert client.get("/records/list/?status=pending").context["counts"]["total"] == 0


def test_a_list_longer_than_the_cap_pages_without_totals_until_narrowed(as_user, world, ledger, monkeypatch):
    from ganxun.records import views

    # given a list limit of 3 entries (a province's ledger has millions) and the superuser's 6
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    client = as_user("admin")
    response = client.get("/records/list/?page_size=2")
    # then no sum over everything is offered, the pages stop at the cap, and the newest come first
    body = response.content.decode()
    assert response.context["counts"] is None and "超过 3 条记录" in body and "缩小范围后显示合计" in body
    page = response.context["page"]
    assert page.paginator.num_pages == 2 and len(page.object_list) == 2
    # and neither the count line nor the pager claims a total it did not count
    pager = re.search(r'data-testid="page-count">([^<]*)<', body).group(1)
    assert pager == "超过 3 条，第 1/2 页" and "共 3 条" not in body
    assert all(r.is_reversed is False for r in page.object_list)
    # when narrowed to one county, the totals are back
    counts = client.get("/records/list/?org=419901").context["counts"]
    assert (counts["total"], counts["cadres"]) == (2, 2)
    # the real cap reads in 万: 超过 10 万条
    assert views.how_many(100_000) == "10 万条"


def test_a_list_exactly_at_the_cap_shows_its_count(as_user, world, ledger, monkeypatch):
    from ganxun.records import views

    client = as_user("admin")
    total = client.get("/records/list/").context["counts"]["total"]
    monkeypatch.setattr(views, "COUNT_CAP", total)
    body = client.get("/records/list/?page_size=2").content.decode()
    assert f"共 {total} 条记录" in body and "超过" not in body
    assert re.search(r'data-testid="page-count">共 %d 条，第 1/' % total, body)


def test_list_pages_never_show_a_full_id_number(as_user, ledger):
    client = as_user("admin")
    for url in ["/records/list/", "/records/list/?reversed=1", "/records/review/"]:
        assert not re.search(r"\d{17}[\dX]", client.get(url).content.decode()), url


def test_the_list_counts_its_queries(as_user, world, ledger, django_assert_max_num_queries):
    for i in range(30):
        record_append(acting_user=world.users["admin"], person_code="C-DC-1", values={**CLASS, "title": f"班{i}"})
    client = as_user("city")
    client.get("/records/list/")
    with django_assert_max_num_queries(20):
        client.get("/records/list/?page_size=50&reversed=1")


def test_the_import_page_takes_records_from_the_template(client, world, schools, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    client.force_login(world.users["dc_hr"])
    # the 学习记录 tab is offered, with its template
    page = client.get("/import/?kind=records").content.decode()
    assert 'data-testid="kind-records"' in page and "学习记录只增不改" in page
    template = client.get("/import/template/records.xlsx")
    assert template.status_code == 200
    # when the unit uploads the template as it comes, it previews one new record, then imports it once
    preview = client.post("/import/", {"kind": "records", "action": "preview",
                                              "file": SimpleUploadedFile("学习记录.xlsx", template.content)})
    assert preview.status_code == 200 and preview.context["report"].created == 1, preview.context.get("errors")
    token = preview.context["token"]
    for _ in range(2):  # a double click imports once
        assert client.post("/import/", {"kind": "records", "action": "confirm", "token": token}
                           ).status_code == 302
    record = LearningRecord.objects.get()
    assert record.external_id == "PX2024-0001" and record.origin == "import" and record.institution.code == "DX4199"
    assert record.cadre.org.path.startswith(world.orgs["dc_fin"].path)
    # and the leader, who only reads, is offered no import of records
    client.force_login(world.users["leader"])
    assert client.get("/import/?kind=records").status_code == 404
