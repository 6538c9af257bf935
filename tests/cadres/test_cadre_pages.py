"""The cadre pages as a user meets them: forms answer bad input in Chinese and change nothing."""

import re

from ganxun.audit.models import AuditEvent
from ganxun.cadres.models import Cadre
from tests.factories import make_id_number

FORM = {"name": "周敏", "ethnicity": "汉族", "political_status": "中共党员", "org_code": "419901CZJ",
        "rank": "clerk_1", "category": "civil_servant", "local_team": ""}


def test_new_cadre_form_with_a_wrong_check_digit_names_the_field(client, world):
    client.force_login(world.users["dc"])
    good = make_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.post("/cadres/new/", {**FORM, "id_number": bad})
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert not Cadre.objects.filter(name="周敏").exists()


def test_new_cadre_form_creates_and_redirects_to_the_detail_page(client, world):
    client.force_login(world.users["dc"])
    response = client.post("/cadres/new/", {**FORM, "id_number": make_id_number(female=True)})
    cadre = Cadre.objects.get(name="周敏")
    assert response.status_code == 302 and response["Location"] == f"/cadres/{cadre.person_code}/"


def test_script_in_a_name_is_refused(client, world):
    client.force_login(world.users["dc"])
    response = client.post("/cadres/new/", {**FORM, "name": "<script>alert(1)</script>", "id_number": make_id_number()})
    assert "不能包含" in response.content.decode()


def test_rare_characters_in_a_name_are_kept(client, world):
    client.force_login(world.users["dc"])
    client.post("/cadres/new/", {**FORM, "name": "刘龑𠮷", "id_number": make_id_number()})
    assert Cadre.objects.filter(name="刘龑𠮷").exists()


def test_edit_keeps_the_id_number_when_the_masked_value_is_left_alone(client, world):
    client.force_login(world.users["dc"])
    cadre = world.cadres["dc1"]
    response = client.get(f"/cadres/{cadre.person_code}/edit/")
    assert cadre.id_number not in response.content.decode()
    data = {**FORM, "name": cadre.name, "id_number": cadre.id_number_masked, "rank": "section_chief",
            "post_title": "局长（兼）", "is_leader": "on", "reason": "兼任"}
    response = client.post(f"/cadres/{cadre.person_code}/edit/", data)
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.post_title == "局长（兼）" and cadre.id_number == world.cadres["dc1"].id_number


def test_list_and_detail_pages_never_show_a_full_id_number(client, world):
    client.force_login(world.users["admin"])
    for url in ["/cadres/", "/cadres/C-DC-1/", "/cadres/C-DC-1/?tab=history", "/"]:
        body = client.get(url).content.decode()
        assert not re.search(r"\d{17}[\dX]", body), url


def test_reveal_by_the_managing_department_shows_the_number_and_is_audited(client, world):
    client.force_login(world.users["dc"])
    response = client.post("/cadres/C-DC-2/reveal/", {"reason": "核对身份信息"})
    assert world.cadres["dc2"].id_number in response.content.decode()
    assert AuditEvent.objects.filter(event_type="id_revealed", actor=world.users["dc"]).count() == 1


def test_reveal_by_a_unit_hr_is_refused(client, world):
    client.force_login(world.users["dc_hr"])
    response = client.post("/cadres/C-DC-2/reveal/", {"reason": "核对身份信息"})
    assert response.status_code == 403 and world.cadres["dc2"].id_number not in response.content.decode()


def test_history_tab_shows_the_change(client, world):
    from ganxun.cadres.services import cadre_update

    cadre_update(acting_user=world.users["city"], person_code="C-DC-1", values={"post_title": "党组书记、局长"},
                 reason="任职")
    client.force_login(world.users["dc"])
    body = client.get("/cadres/C-DC-1/?tab=history").content.decode()
    assert "党组书记、局长" in body and "任职" in body


def test_list_filters_by_tier_and_searches_by_name(client, world):
    client.force_login(world.users["city"])
    page = client.get("/cadres/?tier=division").context["page"]
    assert [c.person_code for c in page.object_list] == ["C-CITY-1"]
    page = client.get("/cadres/?q=赵婷").context["page"]
    assert [c.person_code for c in page.object_list] == ["C-DC-2"]


def test_list_query_count_does_not_grow_with_rows(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["admin"])
    client.get("/cadres/")   # the session's first request writes it (its once-a-minute touch); the two below do not
    counts = []
    for size in (1, 100):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cadres/?page_size={size}").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_cadres_own_login_goes_straight_to_their_record(client, world):
    client.force_login(world.users["cadre"])
    response = client.get("/cadres/")
    assert response.status_code == 302 and response["Location"] == "/cadres/C-DC-2/"
    body = client.get("/cadres/C-DC-2/").content.decode()
    assert "赵婷" in body and "修改" not in body.split("gx-main")[1].split("基本信息")[0]


def test_the_edit_form_shows_stored_dates_in_the_date_pickers_format(client, world):
    # the browser's date input takes only YYYY-MM-DD; the zh-hans locale's 1980/05/17 would show as empty
    client.force_login(world.users["city"])
    html = client.get("/cadres/C-CITY-1/edit/").content.decode()
    assert 'type="date" name="birth_date" value="1980-05-17"' in html


def test_a_cadre_never_learns_the_departments_internal_designation(client, world):
    from ganxun.accounts.services import token_create
    from ganxun.cadres.services import cadre_update
    from ganxun.core.roles import UNSCOPED_OPERATOR

    # given 赵婷 marked 优秀年轻干部, and her unit changing her post (both in her 变更历史)
    cadre_update(acting_user=world.users["dc"], person_code="C-DC-2", values={"post_title": "副科长",
                                                                             "is_young_talent": False})
    cadre_update(acting_user=world.users["dc"], person_code="C-DC-2", values={"is_young_talent": True})
    client.force_login(world.users["cadre"])
    # then her own history shows the post, not the designation
    history = client.get("/cadres/C-DC-2/?tab=history").content.decode()
    assert "副科长" in history and "优秀年轻干部" not in history
    # and filtering by it tells her nothing (the filter is ignored for her)
    listing = client.get("/cadres/?flag=young").content.decode()
    assert "赵婷" in listing
    # and the API leaves it empty for her token, while her department's token sees it
    _, own = token_create(acting_user=UNSCOPED_OPERATOR, username="dc2_self")
    _, dept = token_create(acting_user=UNSCOPED_OPERATOR, username="dc_admin")
    assert client.get("/api/v1/cadres/C-DC-2", HTTP_AUTHORIZATION=f"Bearer {own}").json()["is_young_talent"] is None
    assert client.get("/api/v1/cadres/C-DC-2", HTTP_AUTHORIZATION=f"Bearer {dept}").json()["is_young_talent"] is True
    # the department still sees the change in the history
    client.force_login(world.users["dc"])
    assert "优秀年轻干部" in client.get("/cadres/C-DC-2/?tab=history").content.decode()
