"""A large upload is checked and written in the background: progress, a per-row report, one import per confirm.

The test settings run a job at once, inside the request that queues it (django-tasks' immediate
backend); ``test_worker.py`` runs a real ``ganxun worker``.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from ganxun.jobs.models import Job, JobStatus
from ganxun.records.columns import COLUMNS
from ganxun.records.models import LearningRecord
from tests.core.test_tabular import csv_bytes
from tests.records.test_record_import import rec

URL = "/import/"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    # anything of 10 lines or more is "large" here
    settings.GANXUN_BACKGROUND_IMPORT_ROWS = 10
    return tmp_path


@pytest.fixture
def dc(client, world, schools):
    client.force_login(world.users["dc"])
    return client


def rows(n: int, **values) -> list:
    return [rec(外部编号=f"BG-{i}", 培训名称=f"班{i}", **values) for i in range(n)]


def upload(client, content: bytes, name="学习记录.csv"):
    # padded past the 64 KB the page reads in memory without looking further
    return client.post(URL, {"kind": "records", "action": "preview", "file": SimpleUploadedFile(name, content)})


def big_csv(table_rows) -> bytes:
    return csv_bytes(COLUMNS, table_rows) + b"\r\n" * 70000  # blank lines: skipped by the reader


def test_a_large_file_is_checked_in_the_background_then_written_once(dc):
    # when the county officer uploads a large file
    response = upload(dc, big_csv(rows(30)))
    # then they land on the check job's page, which has finished (immediate backend) with what would happen
    check = Job.objects.get(kind="import_check")
    assert response.status_code == 302 and response["Location"] == f"/import/job/{check.pk}/"
    page = dc.get(response["Location"])
    html = page.content.decode()
    assert check.owner == page.wsgi_request.user and Job.objects.get(pk=check.pk).status == JobStatus.DONE
    assert 'data-testid="count-created">30<' in html and 'data-testid="import-confirm"' in html
    assert html.count("badge text-bg-success\">新增") >= 30 and LearningRecord.objects.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    # when they confirm twice (a double click)
    first = dc.post(URL, {"kind": "records", "action": "confirm", "token": token})
    second = dc.post(URL, {"kind": "records", "action": "confirm", "token": token})
    # then one write job ran, and both clicks lead to it
    write = Job.objects.get(kind="import_write")
    assert first["Location"] == second["Location"] == f"/import/job/{write.pk}/"
    assert LearningRecord.objects.count() == 30 and write.status == JobStatus.DONE
    done = dc.get(first["Location"]).content.decode()
    assert "导入完成" in done and 'data-testid="count-created">30<' in done
    # and the per-row report downloads as a workbook with every row
    book = dc.get(f"/jobs/{write.pk}/file")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(book.streaming_content))).get_sheet_by_index(0)
    table = sheet.to_python()
    assert table[0] == ["行号", "结果", "键", "内容", "说明"] and len(table) == 31
    assert {r[1] for r in table[1:]} == {"新增"} and table[1][2] == "BG-0"


def test_a_large_file_with_errors_lists_them_and_writes_nothing(dc):
    bad = rows(30)
    bad[4] = rec(外部编号="BG-X", 学时="1.25")
    bad[20] = rec(外部编号="BG-Y", 人员编码="C-NOPE")
    response = upload(dc, big_csv(bad))
    html = dc.get(response["Location"] + "?only=错误").content.decode()
    assert "有 2 处错误，未导入任何数据" in html and 'data-testid="import-confirm"' not in html
    assert "第 6 行" in html and "最多保留一位小数" in html and "第 22 行" in html
    assert LearningRecord.objects.count() == 0


def test_a_small_file_keeps_the_synchronous_preview(dc):
    response = upload(dc, csv_bytes(COLUMNS, rows(3)))
    assert response.status_code == 200 and response.context["report"].created == 3
    assert not Job.objects.exists()


def test_someone_elses_job_is_not_found(dc, client, world):
    upload(dc, big_csv(rows(12)))
    job = Job.objects.get()
    client.force_login(world.users["other"])
    for url in (f"/import/job/{job.pk}/", f"/import/job/{job.pk}/progress/", f"/jobs/{job.pk}/", f"/jobs/{job.pk}/file",
                f"/jobs/{job.pk}/progress/"):
        assert client.get(url).status_code == 404, url
    assert "还没有后台任务" in client.get("/jobs/").content.decode()


def test_my_jobs_lists_the_users_jobs_with_their_status(dc):
    upload(dc, big_csv(rows(12)))
    html = dc.get("/jobs/").content.decode()
    assert "检查学习记录：学习记录.csv" in html and "已完成" in html and "导入检查" in html


def test_the_progress_bar_polls_while_running_and_reloads_when_done(dc, world):
    from ganxun.jobs.progress import write_progress, worker_name

    job = Job.objects.create(kind="import_check", title="检查", owner=world.users["dc"], status=JobStatus.RUNNING,
                             params={"kind": "records", "token": "x" * 32, "filename": "a.csv"}, worker=worker_name())
    write_progress(job.pk, {"done": 40000, "total": None, "fraction": 0.4, "message": "正在检查：已处理 40000 行"})
    bar = dc.get(f"/import/job/{job.pk}/progress/")
    html = bar.content.decode()
    assert 'hx-trigger="every 1500ms"' in html and "40%" in html and "已处理 40000 行" in html
    assert "HX-Refresh" not in bar
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    assert dc.get(f"/import/job/{job.pk}/progress/")["HX-Refresh"] == "true"


def test_a_background_export_offers_the_file(dc, world):
    from ganxun.records.services import record_append
    from datetime import date

    record_append(acting_user=world.users["dc"], person_code="C-DC-1",
                  values={"title": "班", "source": "online", "start_date": date(2021, 3, 1),
                          "end_date": date(2021, 3, 2), "hours": 4})
    response = dc.post("/import/export/", {"kind": "records", "fmt": "csv"})
    job = Job.objects.get(kind="export")
    assert response["Location"] == f"/jobs/{job.pk}/" and job.status == JobStatus.DONE
    assert "下载 学习记录_" in dc.get(response["Location"]).content.decode()
    body = b"".join(dc.get(f"/jobs/{job.pk}/file").streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("外部编号,人员编码") and len(body.splitlines()) == 2


def test_the_page_says_how_many_problems_a_file_has_beyond_the_listed_ones(dc, monkeypatch):
    from ganxun.records import importers

    monkeypatch.setattr(importers, "MAX_LISTED_ERRORS", 3)
    page = upload(dc, csv_bytes(COLUMNS, rows(8, 学时="1.25")))
    html = page.content.decode()
    assert "有 8 处错误，未导入任何数据" in html and "下表列出前 3 处，另有 5 处未列出" in html
    assert len(page.context["errors"]) == 3


def test_polling_the_progress_bar_does_not_keep_the_session_alive(dc, world):
    from django.contrib.sessions.models import Session

    job = Job.objects.create(kind="import_check", title="检查", owner=world.users["dc"], status=JobStatus.QUEUED,
                             params={"kind": "records", "token": "x" * 32, "filename": "a.csv"})
    from ganxun.accounts.online import SESSION_LAST_SEEN

    dc.get("/jobs/")
    key = dc.session.session_key
    row = Session.objects.get(session_key=key)
    data = row.get_decoded()   # last seen over a minute ago: the next page view writes the session
    data[SESSION_LAST_SEEN] = (timezone.now() - timedelta(seconds=61)).isoformat()
    Session.objects.filter(pk=key).update(session_data=Session.objects.encode(data))
    expires = row.expire_date
    for url in (f"/import/job/{job.pk}/progress/", f"/jobs/{job.pk}/progress/"):
        assert dc.get(url).status_code == 200
        assert Session.objects.get(session_key=key).expire_date == expires
    dc.get("/jobs/")
    assert Session.objects.get(session_key=key).expire_date > expires
