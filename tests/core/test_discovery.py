"""The registration modules (``core.discovery``): not imported when Django starts, there when a registry is read.

A command that never reads the import/export kinds, the job kinds or the audit wording (``ganxun compliance``,
``ganxun verdicts``) does not import the spreadsheet writer, every app's importers or the API's kit; one that does finds every
kind, in a fresh process where nothing else has imported them; the web application fills them at its start.
"""

import json
import os
import subprocess
import sys

SCRIPT = """
import json, sys
import django
django.setup()
REGISTERING = [m for m in sys.modules if m.rsplit(".", 1)[-1] in ("importers", "exporters", "background", "presentation")
               and m.startswith("ganxun.")]
at_start = {"registering": REGISTERING, "xlsxwriter": "xlsxwriter" in sys.modules,
            "api_kit": sorted(m for m in ("ninja", "pydantic", "django.test") if m in sys.modules)}
if sys.argv[1] == "registries":
    from ganxun.audit.presentation import label_of
    from ganxun.core.dataio import export_kinds, import_kind, import_kinds
    from ganxun.jobs.registry import job_kind
    found = {"imports": [k.key for k in import_kinds()], "exports": [k.key for k in export_kinds()],
             "records": import_kind("records").label, "job": job_kind("verdicts_rebuild").label,
             "cadre_org": label_of("cadre", "org")}
else:
    import ganxun.wsgi  # noqa: F401
    found = {"after_wsgi": sorted(m for m in sys.modules if m.endswith((".importers", ".background")))}
print(json.dumps({"at_start": at_start, **found}, ensure_ascii=False))
"""


def _fresh(tmp_path, what: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GANXUN_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DJANGO_SETTINGS_MODULE": "ganxun.settings", "GANXUN_VAR_DIR": str(tmp_path)})
    done = subprocess.run([sys.executable, "-c", SCRIPT, what], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_django_starts_without_the_registration_modules_and_a_registry_read_finds_every_kind(tmp_path):
    found = _fresh(tmp_path, "registries")
    # nor django-ninja, pydantic and django.test, which only the API needs (0.3 s of every command's start)
    assert found["at_start"] == {"registering": [], "xlsxwriter": False, "api_kit": []}
    assert {"orgs", "cadres", "records", "classes", "sessions", "enrolments"} <= set(found["imports"])
    assert {"cadres", "records"} <= set(found["exports"])
    assert found["records"] == "学习记录"
    assert found["job"] == "重算达标结论"
    assert found["cadre_org"] == "单位"


def test_the_web_application_fills_the_registries_when_it_starts(tmp_path):
    found = _fresh(tmp_path, "wsgi")
    assert {"ganxun.records.importers", "ganxun.plans.background", "ganxun.dataio.background"} <= set(
        found["after_wsgi"])
