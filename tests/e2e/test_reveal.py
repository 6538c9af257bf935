"""Revealing a full 身份证号 in the browser: a click opens the reason form in place; no reason, no number."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login, shot


def test_the_managing_department_reveals_a_number_with_a_reason(page, e2e_world):
    full = e2e_world.cadres["dc2"].id_number
    login(page, "dc_admin")
    page.goto("/cadres/C-DC-2/")
    expect(page.get_by_test_id("id-masked")).to_contain_text("**********")
    # when they click, a reason is asked for in place of the number
    page.get_by_test_id("reveal-start").click()
    expect(page.get_by_test_id("reveal-form")).to_be_visible()
    # and submitting without one names the field and shows nothing
    page.get_by_test_id("reveal-submit").click()
    expect(page.get_by_test_id("reveal-error")).to_contain_text("查看原因：请从列表中选择一项")
    assert not re.search(r"\d{17}[\dX]", page.content())
    # with a reason, the full number appears, marked as logged
    page.select_option("[data-testid=reveal-reason]", "其他")
    page.fill("[data-testid=reveal-note]", "核对调训名单")
    page.get_by_test_id("reveal-submit").click()
    expect(page.get_by_test_id("id-full")).to_have_text(full)
    expect(page.locator("#id-number")).to_contain_text("已记录查看日志")
    shot(page, "cadre_reveal")
    from ganxun.audit.models import AuditEvent

    assert AuditEvent.objects.get(event_type="id_revealed").reason == "其他：核对调训名单"
