"""Test data built through the real services, so every object is valid the way users make them."""

from datetime import date

from ganxun.cadres.models import Cadre
from ganxun.cadres.ranks import tier_of
from ganxun.core.idnumbers import check_char
from ganxun.orgs.authority import default_managing_department
from ganxun.orgs.models import Org

_seq = {"n": 100}


def make_id_number(*, region: str = "419901", born: date = date(1980, 5, 17), female: bool = False,
                   seq: int | None = None) -> str:
    if seq is None:
        _seq["n"] += 1
        seq = _seq["n"]
    # The 17th digit is odd for men and even for women.
    order = (seq * 2 + (0 if female else 1)) % 1000
    body = f"{region}{born:%Y%m%d}{order:03d}"
    return body + check_char(body)


def add_org(parent: Org | None, code: str, name: str, org_type: str, level: str) -> Org:
    if parent is None:
        return Org.objects.add_root(dict(code=code, name=name, org_type=org_type, level=level))
    parent.refresh_from_db()
    return Org.objects.add_child(parent, dict(code=code, name=name, org_type=org_type, level=level))


def add_cadre(org: Org, person_code: str, name: str, *, rank: str = "clerk_1", category: str = "civil_servant",
              female: bool = False, born: date = date(1980, 5, 17), **flags) -> Cadre:
    id_number = make_id_number(born=born, female=female)
    tier = tier_of(rank)
    cadre = Cadre(person_code=person_code, id_number=id_number, name=name, gender="female" if female else "male",
                  birth_date=born, org=org, rank=rank, tier=tier, category=category, **flags)
    cadre.managing_department = default_managing_department(org, tier)
    cadre.save()
    return cadre


def add_institution(code: str, name: str, kind: str, *, level: str = "city", recognised: bool = True,
                    owner: Org | None = None):
    from ganxun.resources.models import Institution

    return Institution.objects.create(code=code, name=name, kind=kind, level=level, recognised=recognised,
                                      owner_org=owner)


def run_command(*argv: str) -> int:
    """``ganxun …`` in this process, its exit code: through ``call_command``, which (unlike the command line,
    whose ``run_from_argv`` closes every connection) leaves the test's database connection open."""
    from django.core.management import call_command

    try:
        call_command(*argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
