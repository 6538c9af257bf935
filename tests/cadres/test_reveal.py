"""Revealing a full 身份证号 on the detail page: a click, a reason, an audit row; too many in an hour refused."""

import re

from ganxun.audit.models import AuditEvent

FULL_ID = re.compile(r"\d{17}[\dX]")
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_detail_page_offers_a_click_that_asks_for_a_reason_first(client, world):
    client.force_login(world.users["dc"])
    page = client.get("/cadres/C-DC-2/").content.decode()
    assert 'data-testid="reveal-start"' in page and not FULL_ID.search(page)
    form = client.get("/cadres/C-DC-2/reveal/", **HTMX).content.decode()
    assert 'name="reason"' in form and "核对身份信息" in form and "其他" in form and not FULL_ID.search(form)
    # opening the form reveals nothing and audits nothing
    assert not AuditEvent.objects.filter(event_type="id_revealed").exists()


def test_without_a_reason_nothing_is_shown_and_the_form_names_the_field(client, world):
    client.force_login(world.users["dc"])
    for data, expected in [({}, "查看原因：请从列表中选择一项"), ({"reason": "好奇"}, "查看原因：请从列表中选择一项"),
                           ({"reason": "其他", "note": "  "}, "选择“其他”时须填写说明"),
                           ({"reason": "其他", "note": "长" * 201}, "说明不能超过 200 个字")]:
        response = client.post("/cadres/C-DC-2/reveal/", data)
        body = response.content.decode()
        assert response.status_code == 400 and expected in body and not FULL_ID.search(body), data
        htmx = client.post("/cadres/C-DC-2/reveal/", data, **HTMX)
        assert htmx.status_code == 200 and expected in htmx.content.decode()  # htmx swaps only a 2xx answer
    assert not AuditEvent.objects.filter(event_type="id_revealed").exists()


def test_a_reveal_with_a_reason_shows_the_number_and_audits_the_reason(client, world):
    client.force_login(world.users["dc"])
    response = client.post("/cadres/C-DC-2/reveal/", {"reason": "其他", "note": "核对调训名单"}, **HTMX)
    assert response.status_code == 200
    assert f'<code data-testid="id-full">{world.cadres["dc2"].id_number}</code>' in response.content.decode()
    event = AuditEvent.objects.get(event_type="id_revealed")
    assert (event.actor_id, event.subject_code, event.outcome, event.reason) == (
        world.users["dc"].pk, "C-DC-2", "success", "其他：核对调训名单")
    assert not FULL_ID.search(str(event.extra)) and not FULL_ID.search(event.subject_label)


def test_more_reveals_than_the_hourly_limit_are_refused_and_audited(client, world, settings):
    settings.GANXUN_REVEAL_LIMIT_PER_HOUR = 3
    client.force_login(world.users["dc"])
    for _ in range(3):
        assert world.cadres["dc1"].id_number in client.post(
            "/cadres/C-DC-1/reveal/", {"reason": "核对身份信息"}).content.decode()
    refused = client.post("/cadres/C-DC-2/reveal/", {"reason": "核对身份信息"})
    body = refused.content.decode()
    assert refused.status_code == 429 and "一小时内查看完整身份证号已达 3 次" in body and not FULL_ID.search(body)
    events = AuditEvent.objects.filter(event_type="id_revealed").order_by("id")
    assert [e.outcome for e in events] == ["success"] * 3 + ["failure"]
    assert (events.last().subject_code, events.last().reason) == ("C-DC-2", "核对身份信息")
    # another user's allowance is their own
    client.force_login(world.users["admin"])
    assert world.cadres["dc2"].id_number in client.post(
        "/cadres/C-DC-2/reveal/", {"reason": "配合检查或审计"}).content.decode()


def test_who_may_not_reveal_gets_no_form_and_no_number(client, world):
    for persona in ("dc_hr", "city", "leader", "cadre"):
        client.force_login(world.users[persona])
        for response in (client.get("/cadres/C-DC-2/reveal/"),
                         client.post("/cadres/C-DC-2/reveal/", {"reason": "核对身份信息"})):
            assert response.status_code in (403, 404), persona
            assert not FULL_ID.search(response.content.decode()), persona
    client.force_login(world.users["other"])  # outside the scope: like a missing cadre
    assert client.post("/cadres/C-DC-2/reveal/", {"reason": "核对身份信息"}).status_code == 404
    assert not AuditEvent.objects.filter(event_type="id_revealed").exists()
