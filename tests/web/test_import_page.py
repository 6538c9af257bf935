"""The 数据导入 page: upload → every error or a preview → confirm once → result."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganxun.audit.models import AuditEvent
from ganxun.cadres.columns import COLUMNS
from ganxun.cadres.models import Cadre
from ganxun.core.tabular import read_table
from ganxun.orgs.columns import COLUMNS as ORG_COLUMNS
from ganxun.orgs.models import Org
from tests.cadres.test_cadre_import import cadre_row
from tests.core.test_tabular import xlsx_bytes

FULL_ID = re.compile(r"\d{17}[\dX]")
URL = "/import/"


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "uploads"


@pytest.fixture
def as_user(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client
    return login


def upload(client, rows, *, kind="cadres", headers=COLUMNS, name="干部.xlsx", data=None):
    content = data if data is not None else xlsx_bytes(headers, rows)
    return client.post(URL, {"kind": kind, "action": "preview", "file": SimpleUploadedFile(name, content)})


def confirm(client, token, kind="cadres"):
    return client.post(URL, {"kind": kind, "action": "confirm", "token": token})


def test_the_page_offers_the_kinds_the_role_may_import(as_user):
    # when the city admin opens the page
    page = as_user("city").get(URL)
    # then both kinds are offered, each with a template link
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="kind-cadres"' in html and 'data-testid="kind-orgs"' in html
    assert "/import/template/cadres.xlsx" in html
    assert "下载模板" in html and "必填" in html


def test_unit_hr_imports_cadres_but_not_orgs(as_user):
    client = as_user("dc_hr")
    assert 'data-testid="kind-orgs"' not in client.get(URL).content.decode()
    assert client.get(URL + "?kind=orgs").status_code == 404
    assert client.get("/import/template/orgs.xlsx").status_code == 404


@pytest.mark.parametrize("persona", ["leader", "cadre"])
def test_roles_that_cannot_write_get_not_found(as_user, persona):
    assert as_user(persona).get(URL).status_code == 404


def test_an_institution_imports_its_classes_and_libraries_but_not_the_registry(as_user):
    client = as_user("institution")
    html = client.get(URL).content.decode()
    for kind in ("classes", "sessions", "enrolments", "teachers", "courses"):
        assert f'data-testid="kind-{kind}"' in html
    for kind in ("orgs", "cadres", "records", "institutions"):
        assert f'data-testid="kind-{kind}"' not in html
        assert client.get(URL + f"?kind={kind}").status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("persona", ["city", "admin"])
@pytest.mark.parametrize("kind", ["cadres", "orgs"])
def test_the_templates_example_row_passes_the_check(as_user, kind, persona):
    # given the template downloaded by a city admin or the superuser
    client = as_user(persona)
    response = client.get(f"/import/template/{kind}.xlsx")
    assert response.status_code == 200
    table = read_table(response.content, f"{kind}.xlsx")
    assert table.headers == (COLUMNS if kind == "cadres" else ORG_COLUMNS) and len(table.rows) == 1
    # when it is uploaded as it is
    page = upload(client, None, kind=kind, data=response.content, name=f"{kind}.xlsx")
    # then it passes the check
    assert page.context["report"].created == 1, page.context.get("errors")


def test_a_file_with_two_bad_rows_lists_both_and_writes_nothing(as_user, uploads_dir):
    # given
    client, count = as_user("city"), Cadre.objects.count()
    rows = [cadre_row(), cadre_row(职级="处长"), cadre_row(身份证号="110105194912310021", 性别="")]
    # when
    page = upload(client, rows)
    # then both errors are on the page with their row and column
    html = page.content.decode()
    assert page.status_code == 200
    assert [(e.row, e.column) for e in page.context["errors"]] == [(3, "职级"), (4, "身份证号")]
    assert "第 3 行" in html and "第 4 行" in html and "校验位不正确" in html
    assert "有 2 处错误，未导入任何数据" in html
    assert not FULL_ID.search(html)
    # and nothing was written or parked for later
    assert Cadre.objects.count() == count
    assert not any(uploads_dir.glob("*.upload"))


def test_preview_then_confirm_imports_once_even_when_clicked_twice(as_user, uploads_dir):
    # given a good file previewed
    client = as_user("city")
    page = upload(client, [cadre_row(姓名="孙明"), cadre_row(姓名="周芳", female=True)])
    report, token = page.context["report"], page.context["token"]
    assert report.created == 2 and token
    assert "确认导入" in page.content.decode()
    assert not Cadre.objects.filter(name="孙明").exists()
    # when 确认导入 is clicked twice
    first, second = confirm(client, token), confirm(client, token)
    # then both land on the same result page and the cadres went in once
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Cadre.objects.filter(name__in=["孙明", "周芳"]).count() == 2
    assert AuditEvent.objects.filter(event_type="imported").count() == 1
    result = client.get(first["Location"])
    assert result.status_code == 200 and result.context["result"]["created"] == 2
    assert "查看干部名册" in result.content.decode()
    # and the upload is gone from the waiting room
    assert not any(uploads_dir.glob("*.upload")) and not any(uploads_dir.glob("*.claimed"))


def test_another_user_cannot_confirm_someone_elses_upload(as_user, client, world):
    # given the city admin's previewed upload
    token = upload(as_user("city"), [cadre_row()]).context["token"]
    # when the other city's admin posts its token
    client.force_login(world.users["other"])
    # then it is not found, and nothing is imported
    assert confirm(client, token).status_code == 404
    assert not Cadre.objects.filter(name="孙明").exists()


def test_a_forged_token_is_not_found(as_user):
    assert confirm(as_user("city"), "../../etc/passwd").status_code == 404


def test_cancel_discards_the_upload(as_user, uploads_dir):
    client = as_user("city")
    token = upload(client, [cadre_row()]).context["token"]
    response = client.post(URL, {"kind": "cadres", "action": "cancel", "token": token})
    assert response.status_code == 302
    assert not any(uploads_dir.glob("*.upload"))
    assert confirm(client, token).status_code == 404


def test_a_renamed_program_gets_a_chinese_message(as_user):
    page = upload(as_user("city"), None, data=b"MZ\x90\x00" + bytes(range(256)) * 4, name="名册.xlsx")
    assert page.status_code == 200 and "不是 Excel 文件" in page.content.decode()


def test_an_empty_upload_gets_a_chinese_message(as_user):
    page = upload(as_user("city"), None, data=b"", name="空.csv")
    assert "0 字节" in page.content.decode() or "请选择" in page.content.decode()


def test_a_confirm_that_no_longer_fits_writes_nothing_and_shows_why(as_user):
    # given a previewed new cadre whose ID number is registered by someone else before the confirm
    client = as_user("city")
    row = cadre_row(人员编码="N-1")
    token = upload(client, [row]).context["token"]
    Cadre.objects.create(person_code="N-OTHER", id_number=row[1], name="他人", gender="male",
                         birth_date=row[4], org=Org.objects.get(code="419901CZJ"), rank="clerk_1", tier="staff",
                         category="civil_servant")
    # when
    page = confirm(client, token)
    # then
    assert page.status_code == 200 and "已登记在另一名干部名下" in page.content.decode()
    assert not Cadre.objects.filter(person_code="N-1").exists()


def test_an_org_name_with_a_script_tag_is_shown_as_text(as_user):
    # when the preview lists a new org named like a script
    page = upload(as_user("city"), [["419907", "<script>alert(1)</script>", "4199", "地区", "县"]], kind="orgs",
                  headers=ORG_COLUMNS, name="orgs.xlsx")
    # then it is escaped
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_a_file_that_changes_nothing_offers_no_confirm(as_user):
    client, row = as_user("city"), cadre_row()
    confirm(client, upload(client, [row]).context["token"])
    page = upload(client, [row])
    assert page.context["report"].unchanged == 1 and not page.context["token"]
    assert "无需导入" in page.content.decode()


def test_uploads_are_private_files(as_user, uploads_dir):
    token = upload(as_user("city"), [cadre_row()]).context["token"]
    parked = next(Path(uploads_dir).glob(f"*-{token}.upload"))
    assert parked.stat().st_mode & 0o077 == 0
