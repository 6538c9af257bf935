import re
from datetime import date, timedelta

from playwright.sync_api import expect

from ganxun.records.models import LearningRecord
from tests.e2e.conftest import login, shot
from tests.factories import add_institution


def _logout(page):
    page.get_by_role("button", name="退出").click()


def _dialog_shown(page):
    """Wait for the dialog's fade-in to finish, so a screenshot shows it as the user does."""
    expect(page.locator("#gx-modal")).to_have_class(re.compile(r"\bshow\b"))
    page.wait_for_timeout(400)


def test_city_admin_records_a_class_and_unit_hr_reverses_it(page, e2e_world):
    add_institution("DX4199", "中共示例市委党校", "party_school", owner=e2e_world.orgs["city_dept"])
    start = date.today() - timedelta(days=40)
    end = start + timedelta(days=4)
    # given the city admin on 学时与档案 → 学习记录
    login(page, "city_admin")
    page.get_by_role("link", name="学习记录").click()
    expect(page.get_by_test_id("record-count")).to_contain_text("共 0 条记录")
    # when they open 新增 and first forget the hours
    page.get_by_test_id("record-new-button").click()
    dialog = page.get_by_test_id("record-new")
    expect(dialog).to_be_visible()
    dialog.locator("#id_person_code").fill("C-DC-1")
    dialog.locator("#id_title").fill("财政干部业务能力提升专题培训班")
    dialog.locator("#id_source").select_option("full_time")
    dialog.locator("#id_content_category").select_option("professional")
    dialog.locator("#id_institution").fill("中共示例市委党校")
    dialog.locator("#id_start_date").fill(start.isoformat())
    dialog.locator("#id_end_date").fill(end.isoformat())
    dialog.locator("#id_hours").fill("32.25")
    _dialog_shown(page)
    shot(page, "records_new_dialog")
    dialog.get_by_test_id("dialog-submit").click()
    # then the dialog stays open with the message beside the field
    expect(page.get_by_test_id("record-new").get_by_test_id("field-error")).to_contain_text("最多保留一位小数")
    _dialog_shown(page)
    shot(page, "records_new_dialog_error")
    # when they correct it and confirm
    page.get_by_test_id("record-new").locator("#id_hours").fill("32")
    page.get_by_test_id("record-new").get_by_test_id("dialog-submit").click()
    # then the list shows the new record, its 5 days counted
    table = page.get_by_test_id("record-table")
    expect(table).to_contain_text("财政干部业务能力提升专题培训班")
    expect(table).to_contain_text("王磊")
    expect(page.get_by_test_id("record-count")).to_contain_text("共 1 条记录")
    expect(page.get_by_test_id("record-count")).to_contain_text("计入 32.0 学时、脱产 5 天")
    shot(page, "records_list")
    _logout(page)

    # given the unit's personnel office
    login(page, "dc_hr")
    page.get_by_role("link", name="学习记录").click()
    # when they reverse the record with a reason (the field is required)
    page.get_by_test_id("record-reverse-link").first.click()
    dialog = page.get_by_test_id("record-reverse")
    expect(dialog).to_contain_text("财政干部业务能力提升专题培训班")
    expect(dialog.locator("#id_reason")).to_have_attribute("required", "")
    dialog.locator("#id_reason").fill("重复登记，已由班次结业写入")
    _dialog_shown(page)
    shot(page, "records_reverse_dialog")
    page.get_by_test_id("record-reverse").get_by_test_id("dialog-submit").click()
    # then the list no longer counts it, and with 显示已冲销 both entries are marked
    expect(page.get_by_test_id("record-count")).to_contain_text("共 0 条记录")
    page.check("#f-reversed")
    page.get_by_role("button", name="搜索").click()
    table = page.get_by_test_id("record-table")
    expect(table.locator("tr.gx-reversed")).to_have_count(1)
    expect(table.locator("tr.gx-reversal")).to_contain_text("重复登记，已由班次结业写入")
    expect(table).to_contain_text("已冲销")
    expect(page.get_by_test_id("record-count")).to_contain_text("计入 0.0 学时")
    shot(page, "records_list_reversed")
    assert LearningRecord.objects.filter(kind="reversal").count() == 1


def test_cadre_reports_self_study_and_unit_hr_approves_it(page, e2e_world):
    # given the cadre's own login on 自学申报
    login(page, "dc2_self")
    page.get_by_role("link", name="学时申报").click()
    form = page.get_by_test_id("self-study-form")
    form.locator("#id_title").fill("自学《习近平谈治国理政》第四卷")
    form.locator("#id_content_category").select_option("theory")
    form.locator("#id_start_date").fill("2024-01-01")
    form.locator("#id_end_date").fill("2024-03-31")
    form.locator("#id_hours").fill("20")
    shot(page, "records_self_study_form")
    # when they submit
    page.get_by_test_id("self-study-submit").click()
    # then their report waits for review
    expect(page.get_by_role("alert")).to_contain_text("请等待单位审核")
    expect(page.get_by_test_id("self-study-table")).to_contain_text("待审核")
    shot(page, "records_self_study_submitted")
    _logout(page)

    # when the unit's personnel office approves it on 自学审核
    login(page, "dc_hr")
    page.get_by_role("link", name="自学审核").click()
    expect(page.get_by_test_id("review-count")).to_contain_text("待审核 1 条")
    expect(page.get_by_test_id("review-table")).to_contain_text("赵婷")
    shot(page, "records_review")
    page.get_by_test_id("review-approve").click()
    # then the queue is empty and the record counts
    expect(page.get_by_role("alert")).to_contain_text("已通过 赵婷 的自学申报")
    expect(page.get_by_test_id("review-count")).to_contain_text("待审核 0 条")
    _logout(page)
    login(page, "dc2_self")
    page.get_by_role("link", name="学时申报").click()
    expect(page.get_by_test_id("self-study-table")).to_contain_text("有效")
    record = LearningRecord.objects.get()
    assert record.status == "approved" and record.credit_hours == 20


def test_unit_hr_approves_a_page_of_claims_at_once_and_returns_the_rest(page, e2e_world):
    from ganxun.records.services import self_study_submit

    # given 23 self-study claims of the unit's cadre waiting for review
    for n in range(23):
        self_study_submit(acting_user=e2e_world.users["cadre"], values={
            "title": f"自学《习近平谈治国理政》第{n + 1}讲", "content_category": "theory",
            "start_date": date(2024, 3, 1), "end_date": date(2024, 3, 10), "hours": "4"})
    login(page, "dc_hr")
    page.get_by_role("link", name="自学审核").click()
    expect(page.get_by_test_id("review-count")).to_contain_text("待审核 23 条")
    # nothing ticked: the bulk buttons wait
    expect(page.get_by_test_id("bulk-approve")).to_be_disabled()
    # when they tick 全选 (this page: 20 claims)
    page.get_by_test_id("review-select-all").check()
    expect(page.get_by_test_id("review-selected")).to_contain_text("已选 20 条")
    expect(page.locator('[data-testid="review-check"]:checked')).to_have_count(20)
    shot(page, "records_review_selected")
    # and confirm 通过所选
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("bulk-approve").click()
    # then the 20 count and 3 remain
    expect(page.get_by_role("alert")).to_contain_text("已通过 20 条自学申报（1 名干部），共计入 80.0 学时")
    expect(page.get_by_test_id("review-count")).to_contain_text("待审核 3 条")
    assert LearningRecord.objects.filter(status="approved").count() == 20
    # when they tick the remaining three and return them without a reason first
    page.get_by_test_id("review-select-all").check()
    page.get_by_test_id("bulk-reject").click()
    expect(page.get_by_test_id("bulk-reason")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert LearningRecord.objects.filter(status="pending").count() == 3
    # and then with one reason for all
    page.get_by_test_id("bulk-reason").fill("请附学习笔记后重新申报")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("bulk-reject").click()
    expect(page.get_by_role("alert")).to_contain_text("已退回 3 条自学申报，退回原因：请附学习笔记后重新申报")
    expect(page.get_by_test_id("review-count")).to_contain_text("待审核 0 条")
    assert set(LearningRecord.objects.filter(status="rejected").values_list("reason", flat=True)) == {
        "请附学习笔记后重新申报"}
