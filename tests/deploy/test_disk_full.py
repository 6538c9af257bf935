"""A full disk during an export: `ganxun export …` and the page's 数据导出 (a background job) end with a clear
Chinese message and leave no partial file. The disk is real: a tiny tmpfs, filled up to a few KB before the export
(mounting needs root; elsewhere these tests are skipped, saying why)."""

import os
import subprocess
import uuid
from datetime import date

import pytest

from ganxun.jobs.models import Job, JobStatus
from ganxun.records.models import LearningRecord
from ganxun.records.services import record_append_many
from tests.factories import run_command

FREE_BYTES = 8 * 1024  # what is left on the disk when the export starts; the export needs ~20 KB


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB tmpfs with only FREE_BYTES left."""
    mount = tmp_path / ("disk-" + uuid.uuid4().hex[:6])
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"不能挂载 tmpfs 来模拟磁盘已满（需要 root）：{done.stderr.strip()}")
    try:
        stats = os.statvfs(mount)
        with open(mount / "filler", "wb") as handle:
            handle.write(b"\0" * (stats.f_bavail * stats.f_frsize - FREE_BYTES))
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def records(world):
    from ganxun.records.models import LearningRecord as Entry

    cadre = world.cadres["dc1"]
    entries = [Entry(cadre=cadre, title=f"网络专题第 {i} 讲：学习贯彻党的二十大精神", source="online",
                     start_date=date(2022, 3, 1), end_date=date(2022, 3, 2), hours=2) for i in range(300)]
    record_append_many(acting_user=world.users["dc"], records=entries)
    return LearningRecord.objects.count()


def names(folder) -> set[str]:
    return {p.name for p in folder.iterdir()} - {"filler"}


def test_the_export_command_on_a_full_disk_says_so_and_leaves_no_file(full_disk, records, capsys):
    target = full_disk / "学习记录.csv"

    assert run_command("export_data", "records", str(target)) == 2

    err = capsys.readouterr().err
    assert "磁盘空间不足，学习记录没有导出完" in err and "没有留下不完整的文件" in err
    assert names(full_disk) == set()
    # with room again the same export succeeds
    (full_disk / "filler").unlink()
    assert run_command("export_data", "records", str(target)) == 0
    assert target.read_bytes().decode("utf-8-sig").count("\n") == records + 1


def test_the_page_export_on_a_full_disk_fails_with_the_message_and_no_file(full_disk, records, client, world,
                                                                           settings):
    settings.VAR_DIR = full_disk  # the job's result file goes to VAR_DIR/jobs, on the full disk
    client.force_login(world.users["dc"])

    response = client.post("/import/export/", {"kind": "records", "fmt": "csv"})

    job = Job.objects.get(kind="export")
    assert job.status == JobStatus.FAILED
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "磁盘空间不足" in page, (response.status_code, page[:2000])
    assert not [n for n in names(full_disk / "jobs") if "export" in n]
