"""The rows ``bench_import.py onto`` imports: new entries for the demo city's cadres, as the records CSV.

Run in a subprocess of its own (``python bench/bench_import_rows.py URL VAR N SEED OUT``) so that the
benchmark process itself never holds a Django connection to the copy it times the command on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


def make_rows(url: str, var: Path, n: int, seed: int, out: Path) -> None:
    env = {**os.environ, "GANXUN_DATABASE_URL": url, "GANXUN_VAR_DIR": str(var), "GANXUN_MODE": "demo",
           "DJANGO_SETTINGS_MODULE": "ganxun.settings"}
    subprocess.run([sys.executable, str(HERE / "bench_import_rows.py"), str(n), str(seed), str(out)], env=env,
                   check=True)


def _write(n: int, seed: int, out: Path) -> None:
    import django

    django.setup()
    from ganxun.cadres.models import Cadre
    from ganxun.core.choices import ContentCategory
    from ganxun.core.tabular import write_csv
    from ganxun.demo.records import cadre_infos, plan_entries, region_names
    from ganxun.records.models import EntryKind, RecordSource
    from ganxun.resources.models import Institution

    sources, categories = dict(RecordSource.choices), dict(ContentCategory.choices)
    cadres = {c.pk: c for c in Cadre.objects.only("id", "person_code", "name")}
    infos = [c for i, c in enumerate(cadre_infos(Cadre.objects.all())) if i % 4 == 0]
    institutions = {i.code: i for i in Institution.objects.all()}
    rows: list[list] = []
    for e in plan_entries(infos, institutions, seed, region_names=region_names(), id_prefix="IMP",
                          last_day=date(2025, 12, 31)):
        if e.kind != EntryKind.ENTRY or e.status != "approved":
            continue
        cadre = cadres[e.cadre_id]
        rows.append([e.external_id, cadre.person_code, "", cadre.name, e.title, sources[e.source],
                     categories.get(e.content_category, ""), e.institution.code if e.institution else e.institution_name,
                     e.start_date, e.end_date, e.days, float(e.hours), "是" if e.is_system_training else "否",
                     "是" if e.completed else "否"])
        if len(rows) == n:
            break
    from ganxun.records.columns import COLUMNS

    write_csv(COLUMNS, rows, target=str(out))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    _write(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
