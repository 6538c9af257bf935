"""The data migration that seals the clear 身份证号 column (cadres 0002), forwards in batches and back again,
on a database of its own (a fresh SQLite file, in a child process: the suite's database stays migrated)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = r'''
import importlib, json, re
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from ganxun.core import crypto
from ganxun.core.idnumbers import check_char

call_command("migrate", "cadres", "0001", verbosity=0)
apps = MigrationExecutor(connection).loader.project_state(("cadres", "0001_initial")).apps
Org, Cadre = apps.get_model("orgs", "Org"), apps.get_model("cadres", "Cadre")
org = Org.objects.create(path="0001", depth=1, numchild=0, code="4199", name="示例市", org_type="region", level="city")
numbers = []
for i in range(12):
    body = f"41990119800101{i:03d}"
    numbers.append(body + check_char(body))
    Cadre.objects.create(person_code=f"M-{i:02d}", id_number=numbers[-1], name=f"迁移{i}", gender="male",
                         birth_date="1980-01-01", org=org, rank="clerk_1", tier="section", category="civil_servant")
importlib.import_module("ganxun.cadres.migrations.0002_id_number_encrypted").BATCH = 5  # three batches
call_command("migrate", "cadres", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT * FROM cadres_cadre ORDER BY person_code")
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r)) for r in cursor.fetchall()]
clear_left = any(re.search(r"\d{17}[\dX]", str(v)) for r in rows for k, v in r.items() if k != "id_cipher")
sealed = [crypto.decrypt(r["id_cipher"]) for r in rows]
hashes_ok = all(r["id_hash"] == crypto.id_hash(n) for r, n in zip(rows, numbers))
call_command("migrate", "cadres", "0001", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT id_number FROM cadres_cadre ORDER BY person_code")
    back = [r[0] for r in cursor.fetchall()]
print(json.dumps({"columns": names, "clear_left": clear_left, "sealed": sealed == numbers, "hashes": hashes_ok,
                  "masked": [r["id_masked"] for r in rows][:1], "back": back == numbers}))
'''


def test_the_clear_column_is_sealed_in_batches_and_can_be_opened_again(tmp_path):
    env = {**os.environ, "GANXUN_MODE": "test", "DJANGO_SETTINGS_MODULE": "ganxun.test_settings",
           "GANXUN_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "GANXUN_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "id_number" not in result["columns"] and {"id_cipher", "id_key", "id_hash", "id_masked"} <= set(
        result["columns"])
    assert result["clear_left"] is False and result["sealed"] and result["hashes"] and result["back"]
    assert re.fullmatch(r"4199\*{10}000[\dX]", result["masked"][0])
