"""The demo city as a visitor meets it: a believable 示例市, valid people, the institutions the plans
name, and a login for every role that sees only its own part of the tree."""

import hashlib
import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from ganxun.accounts.models import User
from ganxun.cadres.models import Cadre
from ganxun.core.idnumbers import birth_date, gender_of, normalise_id_number
from ganxun.demo.generator import DEMO_PASSWORD, DEMO_USERNAMES, REFERENCE_DATE, build_demo
from ganxun.orgs.authority import default_managing_department
from ganxun.orgs.models import Org
from ganxun.plans.models import PlanDocument, PlanVersion
from ganxun.resources.models import Institution


@pytest.fixture
def demo(shared_demo, db):
    """The small demo (built once for the module: see tests/demo/conftest.py)."""
    return shared_demo


def _org(code: str) -> Org:
    return Org.objects.get(code=code)


def _under(org: Org):
    return Cadre.objects.filter(org__path__startswith=org.path)


def _share(qs, **flt) -> float:
    return qs.filter(**flt).count() / qs.count()


def _login(client, username, password=DEMO_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _fingerprint() -> str:
    rows = Cadre.objects.order_by("person_code").values_list(
        "person_code", "id_hash", "name", "org__code", "rank", "birth_date", "is_young_talent")
    orgs = Org.objects.order_by("path").values_list("path", "code", "name")
    text = repr(list(rows)) + repr(list(orgs))
    return hashlib.sha256(text.encode()).hexdigest()


def _wipe() -> None:
    """Empty the database as ``flush`` does (the audit rows too, through the one permit that allows it)."""
    from ganxun.audit.chain import archive_permit
    from ganxun.audit.models import AuditEvent

    with archive_permit():
        AuditEvent.objects.all().delete()    # first: deleting the users would otherwise update their rows
    _wipe_the_rest()


def _wipe_the_rest() -> None:
    from ganxun.classes.models import Certificate, Enrolment, TrainingClass
    from ganxun.records.models import CadreYearTotal, LearningRecord

    from ganxun.callups.models import AnnualPlan, CallUp, Makeup, Nomination

    Makeup.objects.all().delete()            # make-ups protect their leave, call-ups their classes
    Nomination.objects.all().delete()
    CallUp.objects.all().delete()
    AnnualPlan.objects.all().delete()
    Certificate.objects.all().delete()      # certificates and completions protect trainees and entries
    Enrolment.objects.all().delete()
    TrainingClass.objects.all().delete()
    CadreYearTotal.objects.all().delete()
    LearningRecord.objects.filter(kind="reversal").delete()   # reversals protect their originals
    LearningRecord.objects.all().delete()
    User.objects.all().delete()
    Cadre.objects.all().delete()
    Institution.objects.all().delete()
    PlanVersion.objects.all().delete()
    PlanDocument.objects.all().delete()
    Org.objects.all().delete()


# -- the city --------------------------------------------------------------------------------


def test_small_demo_is_a_city_of_henan_with_counties_townships_and_about_500_cadres(demo):
    # given a small demo
    henan, city, other = _org("41"), _org("4199"), _org("4198")
    # then 示例市 and a second city sit under 河南省, each with its organisation department
    assert (henan.name, city.name, other.name) == ("河南省", "示例市", "范例市")
    assert Org.objects.get_parent(city) == henan and Org.objects.get_parent(other) == henan
    assert _org("41ZZB").name == "河南省委组织部" and _org("4199ZZB").name == "示例市委组织部"
    # and 示例市 has counties with their own 组织部, townships under them and villages under those
    counties = list(Org.objects.filter(path__startswith=city.path, org_type="region", level="county"))
    assert len(counties) >= 2 and "东城区" in [c.name for c in counties]
    for county in counties:
        assert Org.objects.filter(code=county.code + "ZZB", org_type="org_department").exists()
        townships = Org.objects.filter(path__startswith=county.path, org_type="township")
        assert townships.exists()
        assert Org.objects.filter(path__startswith=townships[0].path, org_type="community").exists()
        assert Org.objects.filter(path__startswith=county.path, org_type="agency").count() >= 5
    # and about 500 cadres, most of them in 示例市
    assert 450 <= Cadre.objects.count() <= 550
    assert _under(city).count() > 0.9 * Cadre.objects.count()
    assert demo.cadres == Cadre.objects.count()
    assert all(re.fullmatch(r"GB\d{8}", code) for code in Cadre.objects.values_list("person_code", flat=True))


# Henan's prefecture-level and county-level cities: a demo city must not share a name with one.
REAL_HENAN_CITIES = {
    "郑州市", "开封市", "洛阳市", "平顶山市", "安阳市", "鹤壁市", "新乡市", "焦作市", "濮阳市", "许昌市", "漯河市",
    "三门峡市", "南阳市", "商丘市", "信阳市", "周口市", "驻马店市", "济源市", "巩义市", "荥阳市", "新密市", "新郑市",
    "登封市", "偃师市", "舞钢市", "汝州市", "林州市", "卫辉市", "辉县市", "沁阳市", "孟州市", "禹州市", "长葛市",
    "义马市", "灵宝市", "邓州市", "永城市", "项城市", "长垣市"}


def test_the_fictional_cities_have_proper_names_no_real_henan_city_has():
    from ganxun.demo.units import CITIES

    names = [name for _, name, _ in CITIES]
    assert names[:2] == ["示例市", "范例市"] and "另一市" not in names
    assert len(set(names)) == len(names) and not set(names) & REAL_HENAN_CITIES
    assert all(name == short + "市" for _, name, short in CITIES)


def test_the_registry_has_the_shares_of_a_real_city(demo):
    everyone = Cadre.objects.all()
    # women, minorities, non-party cadres, young talents and branch secretaries in believable shares
    assert 0.25 <= _share(everyone, gender="female") <= 0.40
    minorities = everyone.exclude(ethnicity="汉族")
    assert 0.005 <= minorities.count() / everyone.count() <= 0.08
    assert "回族" in set(minorities.values_list("ethnicity", flat=True))
    non_party = everyone.exclude(political_status__in=["中共党员", "中共预备党员"]).count() / everyone.count()
    assert 0.04 <= non_party <= 0.14
    assert 0.03 <= _share(everyone, is_young_talent=True) <= 0.08
    assert 0.05 <= _share(everyone, is_branch_secretary=True) <= 0.15
    assert everyone.filter(is_selected_graduate=True).exists()
    # a few bureau-tier leaders, more division, many section, and staff the largest tier
    tiers = Counter(everyone.values_list("tier", flat=True))
    assert 0 < tiers["bureau"] <= 0.05 * everyone.count()
    assert tiers["staff"] > tiers["section"] > tiers["division"] > tiers["bureau"]
    # every category of cadre appears
    assert set(everyone.values_list("category", flat=True)) == {
        "leadership_team", "civil_servant", "enterprise_leader", "institution_leader", "professional", "grassroots"}
    # ages 23 to 60 at the reference date, and dates that follow from them
    for c in everyone:
        age = (REFERENCE_DATE - c.birth_date).days / 365.25
        assert 23 <= age < 60, c.person_code
        assert c.birth_date + timedelta(days=18 * 365) < c.hired_on <= c.rank_since < REFERENCE_DATE, c.person_code


def test_city_and_county_leadership_teams_sit_in_their_party_and_government_offices(demo):
    city_team = Cadre.objects.filter(local_team="city", org__path__startswith=_org("4199").path)
    assert set(city_team.values_list("org__code", flat=True)) == {"4199SWB", "4199ZFB"}
    assert set(city_team.values_list("tier", flat=True)) == {"bureau"}
    assert city_team.get(post_title="市委书记").is_principal
    for county in Org.objects.filter(path__startswith=_org("4199").path, org_type="region", level="county"):
        team = Cadre.objects.filter(local_team="county", org__path__startswith=county.path)
        assert 10 <= team.count() <= 12, county.name
        assert set(team.values_list("org__code", flat=True)) == {county.code + "WB", county.code + "ZFB"}
        assert team.filter(is_principal=True).count() == 2
        assert team.filter(gender="female").exists(), f"{county.name}的班子里没有女干部"
        assert all(c.is_team_member and c.is_leader and c.tier == "division" for c in team)


def test_every_unit_has_a_leader_and_at_most_one_principal(demo):
    for org in Org.objects.filter(org_type__in=["agency", "public_institution", "state_enterprise", "university"]):
        cadres = Cadre.objects.filter(org=org, local_team="")
        if not cadres.exists():
            continue
        assert cadres.filter(is_leader=True, is_team_member=True).exists(), org.name
        assert cadres.filter(is_principal=True).count() <= 1, org.name


# -- people ----------------------------------------------------------------------------------


def test_every_id_number_is_valid_unique_and_agrees_with_birth_date_and_gender(demo):
    rows = [(c.id_number, c.birth_date, c.gender) for c in Cadre.objects.only("id_cipher", "birth_date", "gender")]
    assert len({r[0] for r in rows}) == len(rows)
    for number, born, gender in rows:
        assert normalise_id_number(number) == number
        assert number[:4] in ("4199", "4198")
        assert birth_date(number) == born
        assert gender_of(number) == gender


def test_the_city_size_has_ten_thousand_cadres_in_the_shares_the_issue_asks_for(db):
    summary = build_demo("city", records=False)     # the registry only: the city's ledger takes ~25 s more
    everyone = Cadre.objects.all()
    assert 9500 <= everyone.count() <= 10500 and 250 <= summary.units <= 350
    tiers = Counter(everyone.values_list("tier", flat=True))
    assert 0 < tiers["bureau"] <= 40
    assert 0.04 <= tiers["division"] / everyone.count() <= 0.06
    assert 0.25 <= tiers["section"] / everyone.count() <= 0.31
    assert 0.30 <= _share(everyone, gender="female") <= 0.35
    assert 0.04 <= _share(everyone, is_young_talent=True) <= 0.06
    assert 0.07 <= _share(everyone, is_branch_secretary=True) <= 0.10
    # names are Chinese, and a few carry rare characters (生僻字)
    names = list(everyone.values_list("name", flat=True))
    assert all(2 <= len(n) <= 4 and all("\u3400" <= ch <= "\u9fff" for ch in n) for n in names)
    assert any(ch in n for n in names for ch in "龑䶮堃喆昇珺燚犇淼赟頔彧翀昉玥琇旻璟")


def test_every_cadre_has_the_managing_department_the_authority_rules_give(demo):
    for cadre in Cadre.objects.select_related("org", "managing_department"):
        assert cadre.managing_department is not None, cadre.person_code
        assert cadre.managing_department == default_managing_department(cadre.org, cadre.tier), cadre.person_code
    # the city's leaders answer to the province, county leaders to the city, county staff to the county
    assert set(Cadre.objects.filter(local_team="city").values_list("managing_department__code", flat=True)) == {"41ZZB"}
    assert set(Cadre.objects.filter(local_team="county", org__code__startswith="4199")
               .values_list("managing_department__code", flat=True)) == {"4199ZZB"}
    assert set(Cadre.objects.filter(org__code__startswith="419901", tier="staff")
               .values_list("managing_department__code", flat=True)) == {"419901ZZB"}


# -- institutions ----------------------------------------------------------------------------


def test_the_institutions_the_seed_plans_name_are_there(demo):
    kinds = Counter(Institution.objects.values_list("kind", flat=True))
    for kind in ("party_school", "cadre_college", "party_spirit_base", "university_base", "online_academy",
                 "socialist_college", "sector_institution", "private_provider"):
        assert kinds[kind] >= 1, kind
    # the province's, the city's and every county's party school
    assert "河南省委党校" in Institution.objects.get(code="DX41").name.replace("中共", "")
    assert Institution.objects.get(code="DX4199").owner_org.code == "4199DX"
    for county in Org.objects.filter(path__startswith=_org("4199").path, org_type="region", level="county"):
        school = Institution.objects.get(code=f"DX{county.code}")
        assert school.kind == "party_school" and school.level == "county" and county.name in school.name
    # 三学院三基地: six flagship institutions, all recognised
    flagship = Institution.objects.filter(is_flagship=True)
    assert flagship.count() == 6 and all(i.recognised for i in flagship)
    assert {"焦裕禄干部学院", "红旗渠干部学院", "大别山干部学院"} <= set(flagship.values_list("name", flat=True))
    assert Institution.objects.get(kind="online_academy").name == "河南干部网络学院"
    # a private provider is not recognised; everything else is
    assert not Institution.objects.filter(kind="private_provider", recognised=True).exists()
    assert not Institution.objects.exclude(kind="private_provider").filter(recognised=False).exists()


# -- accounts --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_every_demo_account_logs_in_with_the_printed_password(demo, client, username):
    response = _login(client, username)
    assert response.status_code == 302 and response["Location"] == "/", username
    assert client.get("/").status_code == 200


def _listed(client) -> int:
    # with a query string, a cadre's own login gets the list (of one) instead of a redirect
    response = client.get("/cadres/?page=1")
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_each_demo_account_sees_only_its_part_of_the_tree(demo, client):
    expected = {
        "sysadmin": Cadre.objects.count(),
        "auditadmin": 0,
        "secadmin": 0,
        "sheng_zzb": Cadre.objects.count(),
        "shi_zzb": _under(_org("4199")).count(),
        "shi_leader": _under(_org("4199")).count(),
        "dongcheng_zzb": _under(_org("419901")).count(),
        "jyj_rs": _under(_org("4199JYJ")).count(),
        "ganbu": 1,
        "dangxiao": 0,
    }
    assert expected["dongcheng_zzb"] < expected["shi_zzb"] < expected["sysadmin"]
    for username, count in expected.items():
        client.logout()
        _login(client, username)
        assert _listed(client) == count, username
    # the county's organisation department cannot open a cadre of another county
    client.logout()
    _login(client, "dongcheng_zzb")
    elsewhere = Cadre.objects.filter(org__code__startswith="419921").first()
    assert client.get(f"/cadres/{elsewhere.person_code}/").status_code == 404
    own = Cadre.objects.filter(org__code__startswith="419901").first()
    assert client.get(f"/cadres/{own.person_code}/").status_code == 200


def test_the_cadre_account_is_a_young_talent_in_a_county(demo):
    person = User.objects.get(username="ganbu").person
    assert person.is_young_talent and person.org.code.startswith("419901")
    assert User.objects.get(username="dangxiao").institution_code == "DX4199"


# -- determinism -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_people_and_another_seed_does_not(db):
    # (the registry alone: the people and the tree are drawn before the ledger, which has its own test)
    build_demo("small", seed=7, records=False)
    first = _fingerprint()
    _wipe()
    build_demo("small", seed=7, records=False)
    assert _fingerprint() == first
    _wipe()
    build_demo("small", seed=8, records=False)
    assert _fingerprint() != first


# -- the command -----------------------------------------------------------------------------


def test_demo_command_builds_the_city_and_prints_the_url_and_accounts(db):
    out = StringIO()
    call_command("demo", "--size", "small", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert 450 <= Cadre.objects.count() <= 550
    assert "http://127.0.0.1:8123/" in text
    for username in DEMO_USERNAMES:
        assert username in text
    assert DEMO_PASSWORD in text and "组织部门管理员" in text and "用时" in text
    # run again: the existing demo is reused, not built twice
    again = StringIO()
    call_command("demo", "--size", "small", "--no-serve", stdout=again)
    assert "已有演示数据" in again.getvalue() and "shi_zzb" in again.getvalue()
    assert 450 <= Cadre.objects.count() <= 550


def test_demo_command_refuses_a_database_that_is_not_the_demo(db):
    from tests.factories import add_org

    add_org(None, "42", "某省", "region", "province")
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("demo", "--size", "small", "--no-serve", stderr=err)
    assert exc.value.code == 2
    assert "不是演示数据" in err.getvalue()
    with pytest.raises(SystemExit):
        call_command("demo", "--size", "small", "--no-serve", "--refresh", stderr=StringIO())
    assert Org.objects.filter(code="42").exists() and not Cadre.objects.exists()


def test_refresh_rebuilds_the_demo_from_scratch(transactional_db):
    # (outside a test transaction: PostgreSQL will not TRUNCATE tables with pending deferred checks)
    call_command("demo", "--size", "small", "--no-serve", stdout=StringIO())
    Cadre.objects.filter(person_code="GB00000001").update(name="改过的名字")
    out = StringIO()
    call_command("demo", "--size", "small", "--no-serve", "--refresh", stdout=out)
    assert "正在生成演示数据" in out.getvalue()
    assert Cadre.objects.get(person_code="GB00000001").name != "改过的名字"
    assert 450 <= Cadre.objects.count() <= 550 and User.objects.filter(username="sysadmin").count() == 1


REAL_HENAN_COUNTIES = {"中牟", "新郑", "登封", "偃师", "禹州", "长葛", "鄢陵", "襄城", "舞阳", "临颍", "郾城", "召陵",
                       "源汇", "涧西", "唐河", "巩义", "荥阳", "新密", "尉氏", "杞县", "通许", "兰考", "孟津", "新安",
                       "栾川", "嵩县", "汝阳", "宜阳", "洛宁", "伊川", "宝丰", "叶县", "鲁山", "郏县", "汤阴", "滑县",
                       "内黄", "浚县", "淇县", "获嘉", "原阳", "延津", "封丘", "修武", "博爱", "武陟", "温县", "清丰",
                       "南乐", "范县", "台前", "濮阳", "渑池", "卢氏", "南召", "方城", "西峡", "镇平", "内乡", "淅川",
                       "社旗", "新野", "桐柏", "民权", "睢县", "宁陵", "柘城", "虞城", "夏邑", "罗山", "光山", "新县",
                       "商城", "固始", "潢川", "淮滨", "息县", "扶沟", "西华", "商水", "沈丘", "郸城", "太康", "鹿邑",
                       "西平", "上蔡", "平舆", "正阳", "确山", "泌阳", "汝南", "遂平", "新蔡"}


def test_the_other_cities_counties_have_no_real_henan_county_name():
    from ganxun.demo.units import OTHER_COUNTY_NAMES

    assert len(set(OTHER_COUNTY_NAMES)) == len(OTHER_COUNTY_NAMES)
    assert not set(OTHER_COUNTY_NAMES) & REAL_HENAN_COUNTIES
