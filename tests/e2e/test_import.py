from datetime import date

import pytest
from playwright.sync_api import expect

from ganxun.cadres.columns import COLUMNS
from tests.core.test_tabular import xlsx_bytes
from tests.e2e.conftest import login, shot
from tests.factories import make_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def row(name, id_number, *, rank="一级科员", org="419901CZJ", born=date(1991, 6, 1)):
    values = {"人员编码": "", "身份证号": id_number, "姓名": name, "性别": "男", "出生日期": born, "民族": "汉族",
              "政治面貌": "中共党员", "单位编码": org, "职务": "科员", "职级": rank, "领导职务": "否",
              "干部类别": "机关公务员", "班子成员": "否", "地方党政班子": "", "一把手": "否", "优秀年轻干部": "否",
              "党支部书记": "否", "任现职级时间": date(2021, 3, 1), "录用时间": date(2014, 7, 1)}
    return [values[c] for c in COLUMNS]


def test_city_admin_fixes_a_bad_file_and_imports_it(page, e2e_world):
    # given a cadres file with two bad rows: a rank that does not exist and a wrong check digit
    good_a = make_id_number(born=date(1991, 6, 1), seq=401)
    good_b = make_id_number(born=date(1991, 6, 1), seq=402)
    bad_id = good_b[:17] + ("0" if good_b[17] != "0" else "1")
    bad = xlsx_bytes(COLUMNS, [row("欧阳龑", good_a, rank="处长"), row("司马𠮷", bad_id)])
    fixed = xlsx_bytes(COLUMNS, [row("欧阳龑", good_a), row("司马𠮷", good_b)])
    login(page, "city_admin")
    # when they open 数据导入 and upload the bad file
    page.get_by_role("link", name="数据导入").click()
    expect(page.get_by_test_id("kind-cadres")).to_have_class("nav-link active")
    shot(page, "import_upload")
    page.get_by_test_id("import-file").set_input_files({"name": "干部名册.xlsx", "mimeType": XLSX, "buffer": bad})
    expect(page.get_by_test_id("import-file-name")).to_have_text("干部名册.xlsx")
    shot(page, "import_file_chosen")
    page.get_by_test_id("import-check").click()
    # then both errors are listed with row and column, and no full ID number is shown
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors).to_contain_text("第 2 行")
    expect(errors).to_contain_text("职级")
    expect(errors).to_contain_text("第 3 行")
    expect(errors).to_contain_text("校验位不正确")
    expect(page.get_by_test_id("import-error-summary")).to_contain_text("有 2 处错误，未导入任何数据")
    assert bad_id not in page.content()
    shot(page, "import_preview_errors")
    # when they upload the fixed file
    page.get_by_test_id("import-file").set_input_files({"name": "干部名册.xlsx", "mimeType": XLSX, "buffer": fixed})
    page.get_by_test_id("import-check").click()
    # then the preview shows two new cadres and nothing is written yet
    expect(page.get_by_test_id("count-created")).to_have_text("2")
    expect(page.get_by_test_id("import-samples")).to_contain_text("欧阳龑")
    shot(page, "import_preview_ok")
    # when they confirm
    page.get_by_test_id("import-confirm").click()
    # then the result page counts them
    expect(page.get_by_test_id("done-created")).to_have_text("2")
    shot(page, "import_done")
    # and the cadre list shows them
    page.get_by_test_id("import-go-list").click()
    page.fill("#f-q", "欧阳龑")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("cadre-table")).to_contain_text("欧阳龑")
    expect(page.get_by_test_id("cadre-count")).to_contain_text("共 1 人")
    page.fill("#f-q", "")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("cadre-table")).to_contain_text("司马𠮷")
    shot(page, "import_cadres_listed")


def test_city_admin_imports_orgs_after_a_bad_file(page, e2e_world):
    # given a CSV with a new district and its bureau
    good = ("\ufeff单位编码,单位名称,上级编码,类型,级别\r\n419903,南城区,4199,地区,县\r\n"
            "419903CZJ,南城区财政局,419903,机关,县\r\n").encode("utf-8")
    login(page, "city_admin")
    page.goto("/import/?kind=orgs")
    # when they first upload an empty file
    page.get_by_test_id("import-file").set_input_files({"name": "组织机构.csv", "mimeType": "text/csv", "buffer": b""})
    page.get_by_test_id("import-check").click()
    # then the whole file is refused in Chinese
    expect(page.get_by_test_id("import-errors")).to_contain_text("整个文件")
    expect(page.get_by_test_id("import-errors")).to_contain_text("文件是空的")
    shot(page, "import_orgs_empty_file")
    # when they upload the real file and confirm
    page.get_by_test_id("import-file").set_input_files({"name": "组织机构.csv", "mimeType": "text/csv", "buffer": good})
    page.get_by_test_id("import-check").click()
    expect(page.get_by_test_id("count-created")).to_have_text("2")
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("done-created")).to_have_text("2")
    # then the org tree shows the new district
    page.get_by_test_id("import-go-list").click()
    expect(page.get_by_test_id("org-tree")).to_contain_text("南城区")


def test_county_admin_imports_records_and_reads_them_in_the_cadre_history(page, e2e_world):
    # given a records file with two classes for 王磊 (C-DC-1)
    from ganxun.records.columns import COLUMNS as RECORD_COLUMNS

    def record(ref, title, start, end, hours):
        values = {"外部编号": ref, "人员编码": "C-DC-1", "身份证号": "", "姓名": "王磊", "培训名称": title,
                  "培训形式": "网络培训", "内容类别": "理论教育", "培训机构": "", "开始日期": start, "结束日期": end,
                  "天数": "", "学时": hours, "系统培训": "否", "结业": "是"}
        return [values[c] for c in RECORD_COLUMNS]

    data = xlsx_bytes(RECORD_COLUMNS, [record("WX-1", "网络专题班：新质生产力", date(2025, 3, 1), date(2025, 3, 20), 20),
                                       record("WX-2", "网络专题班：基层治理", date(2025, 5, 6), date(2025, 5, 30), 16)])
    login(page, "dc_admin")
    # when they import it on 数据导入 → 培训记录
    page.get_by_role("link", name="数据导入").click()
    page.get_by_test_id("kind-records").click()
    page.get_by_test_id("import-file").set_input_files({"name": "培训记录.xlsx", "mimeType": XLSX, "buffer": data})
    page.get_by_test_id("import-check").click()
    expect(page.get_by_test_id("count-created")).to_have_text("2")
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("done-created")).to_have_text("2")
    # then the cadre's 变更历史 shows the import as one line of what was added, in Chinese
    page.goto("/cadres/C-DC-1/?tab=history")
    history = page.locator("table")
    expect(history).to_contain_text("新增 2 条：WX-1、WX-2")
    expect(history).to_contain_text("合计计入 36.0 学时")
    expect(history).to_contain_text("批量导入 培训记录.xlsx")
    shot(page, "cadre_history_after_records_import")


def test_a_large_records_file_is_checked_and_imported_in_the_background(page, e2e_world, settings):
    from ganxun.records.columns import COLUMNS as RECORD_COLUMNS
    from ganxun.records.models import LearningRecord
    from tests.core.test_tabular import csv_bytes
    from tests.factories import add_institution
    from tests.records.test_record_import import rec

    # given a file large enough for the background (here: over 10 lines) with one bad row
    settings.GANXUN_BACKGROUND_IMPORT_ROWS = 10
    add_institution("DX4199", "中共示例市委党校", "party_school", owner=e2e_world.orgs["city_dept"])
    rows = [rec(外部编号=f"BG-{i}", 培训名称=f"第{i}期县处级干部进修班") for i in range(40)]
    bad = [*rows[:7], rec(外部编号="BG-X", 学时="1.25"), *rows[7:]]
    padding = b"\r\n" * 70000
    login(page, "city_admin")
    page.goto("/import/?kind=records")
    # when they upload it
    page.get_by_test_id("import-file").set_input_files(
        {"name": "学习记录.csv", "mimeType": "text/csv", "buffer": csv_bytes(RECORD_COLUMNS, bad) + padding})
    page.get_by_test_id("import-check").click()
    # then the background check names the bad row, in the per-row report too, and writes nothing
    expect(page.get_by_test_id("import-error-summary")).to_contain_text("有 1 处错误，未导入任何数据")
    page.get_by_role("link", name="错误", exact=True).click()
    expect(page.get_by_test_id("import-report")).to_contain_text("第 9 行")
    expect(page.get_by_test_id("import-report")).to_contain_text("最多保留一位小数")
    shot(page, "import_background_errors")
    # when they upload the fixed file
    page.get_by_test_id("import-file").set_input_files(
        {"name": "学习记录.csv", "mimeType": "text/csv", "buffer": csv_bytes(RECORD_COLUMNS, rows) + padding})
    page.get_by_test_id("import-check").click()
    expect(page.get_by_test_id("count-created")).to_have_text("40")
    expect(page.get_by_test_id("import-report").locator("tbody tr")).to_have_count(40)
    shot(page, "import_background_checked")
    assert LearningRecord.objects.count() == 0
    # and confirm it
    page.get_by_test_id("import-confirm").click()
    # then the write ran in the background, and its report downloads as a workbook
    expect(page.get_by_test_id("import-result")).to_contain_text("导入完成")
    expect(page.get_by_test_id("job-status")).to_contain_text("已完成")
    shot(page, "import_background_done")
    with page.expect_download() as download:
        page.get_by_test_id("report-download").click()
    assert download.value.suggested_filename.startswith("学习记录导入报告_")
    assert LearningRecord.objects.count() == 40
    # and 我的任务 lists both jobs
    page.get_by_role("link", name="我的任务").click()
    expect(page.get_by_test_id("job-row")).to_have_count(3)
    shot(page, "my_jobs")
