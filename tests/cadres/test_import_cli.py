"""``ganxun import`` and ``ganxun export`` as an operator runs them: exit status, stderr, files."""

import io
import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command

from ganxun.audit.models import AuditEvent
from ganxun.cadres.columns import COLUMNS
from ganxun.cadres.models import Cadre
from ganxun.orgs.models import Org
from tests.cadres.test_cadre_import import cadre_row
from tests.core.test_tabular import csv_bytes, xlsx_bytes

FULL_ID = re.compile(r"\d{17}[\dX]")


COMMANDS = {"import": "import_data", "export": "export_data"}


def run(verb, *argv) -> tuple[int, str, str]:
    """The command as ``ganxun VERB …`` runs it, in this process and this test's transaction.

    (``ganxun.cli.main`` itself closes the database connections when it ends, which would end the
    test's transaction on PostgreSQL; ``test_the_ganxun_script_end_to_end`` runs it for real.)
    """
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(COMMANDS[verb], *argv, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_a_file_with_bad_rows_exits_2_naming_file_row_and_column(world, tmp_path):
    # given a workbook with two bad rows among good ones
    path = tmp_path / "干部.xlsx"
    path.write_bytes(xlsx_bytes(COLUMNS, [cadre_row(), cadre_row(职级="处长"), cadre_row(), cadre_row(单位编码="NOPE")]))
    count = Cadre.objects.count()
    # when
    code, out, err = run("import", "cadres", str(path))
    # then
    assert code == 2
    assert f"{path}: 第 3 行「职级」：" in err and f"{path}: 第 5 行「单位编码」：" in err
    assert "2 处错误" in err
    assert Cadre.objects.count() == count


def test_a_good_file_imports_as_the_operator(world, tmp_path):
    # given
    path = tmp_path / "干部.csv"
    path.write_bytes(csv_bytes(COLUMNS, [cadre_row(单位编码="4198FGW")]))
    # when
    code, out, err = run("import", "cadres", str(path))
    # then the operator is not bound to any scope, and the audit names the operator
    assert code == 0, err
    assert "新增 1 条" in out
    assert Cadre.objects.get(name="孙明").org.code == "4198FGW"
    assert AuditEvent.objects.get(event_type="imported").actor_name == "命令行操作员"


def test_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "干部.xlsx"
    path.write_bytes(xlsx_bytes(COLUMNS, [cadre_row()]))
    code, out, err = run("import", "cadres", str(path), "--dry-run")
    assert code == 0 and "将新增 1 条" in out and "试运行" in out
    assert not Cadre.objects.filter(name="孙明").exists()
    assert not AuditEvent.objects.exists()


def test_a_renamed_program_exits_2(world, tmp_path):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 4)
    code, out, err = run("import", "orgs", str(path))
    assert code == 2 and f"{path}: 文件：" in err


def test_a_missing_file_exits_2(world, tmp_path):
    code, out, err = run("import", "orgs", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "文件不存在" in err


@pytest.mark.parametrize("kind, missing", [("sessions", "课程名称"), ("classes", "班次名称")])
def test_a_file_of_another_kind_names_the_columns_it_lacks(world, tmp_path, kind, missing):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx_bytes(["外部编号"], [["1"]]))
    code, out, err = run("import", kind, str(path))
    assert code == 2 and "「外部编号」：无法识别的列" in err and f"「{missing}」：缺少必需的列" in err


def test_an_unknown_kind_lists_the_kinds(world, tmp_path):
    code, out, err = run("export", "people", str(tmp_path / "x.xlsx"))
    assert code == 2 and "people" in err and "institutions" in err and "cadres" in err


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_reimports_unchanged_and_shows_no_full_id(world, tmp_path, suffix):
    # given every cadre and org exported by the operator
    cadres, orgs = tmp_path / f"cadres{suffix}", tmp_path / f"orgs{suffix}"
    assert run("export", "cadres", str(cadres))[0] == 0
    assert run("export", "orgs", str(orgs))[0] == 0
    assert Cadre.objects.count() == 6 and Org.objects.count() == 14
    if suffix == ".csv":
        text = cadres.read_bytes().decode("utf-8")
        assert text.startswith("\ufeff人员编码,身份证号")
        assert not FULL_ID.search(text)
    events = AuditEvent.objects.count()
    # when both are imported back
    code_c, out_c, err_c = run("import", "cadres", str(cadres))
    code_o, out_o, err_o = run("import", "orgs", str(orgs))
    # then nothing changes
    assert (code_c, code_o) == (0, 0), err_c + err_o
    assert "6 条无变化" in out_c and "14 条无变化" in out_o
    # only the two imports themselves are audited
    assert list(AuditEvent.objects.filter(id__gt=0).order_by("-id").values_list("event_type", flat=True)[:2]) == [
        "imported", "imported"]
    assert AuditEvent.objects.count() == events + 2


def test_an_export_to_an_unknown_suffix_exits_2(world, tmp_path):
    code, out, err = run("export", "cadres", str(tmp_path / "x.txt"))
    assert code == 2 and ".xlsx 或 .csv" in err


def test_the_ganxun_script_end_to_end(tmp_path):
    # given a fresh SQLite database set up by the real command
    env = dict(os.environ, GANXUN_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", GANXUN_VAR_DIR=str(tmp_path))

    def ganxun(*argv):
        return subprocess.run([sys.executable, "-c", "import sys; from ganxun.cli import main; sys.exit(main())",
                               *argv], env=env, capture_output=True, text=True, timeout=120)

    assert ganxun("migrate", "-v", "0").returncode == 0
    orgs = tmp_path / "orgs.csv"
    orgs.write_bytes(csv_bytes(["单位编码", "单位名称", "上级编码", "类型", "级别"],
                               [["41", "河南省", "", "地区", "省"], ["41JYT", "河南省教育厅", "41", "机关", "省"]]))
    cadres = tmp_path / "cadres.xlsx"
    cadres.write_bytes(xlsx_bytes(COLUMNS, [cadre_row(单位编码="41JYT"), cadre_row(单位编码="41JYT", 职级="处长")]))
    # when the orgs go in and a cadres file with a bad row is tried
    imported = ganxun("import", "orgs", str(orgs))
    refused = ganxun("import", "cadres", str(cadres))
    # then
    assert imported.returncode == 0, imported.stderr
    assert "新增 2 条" in imported.stdout
    assert refused.returncode == 2
    assert f"{cadres}: 第 3 行「职级」：" in refused.stderr
