"""自学审核 in bulk: many claims approved, or returned with one reason, in one action — all of them or none."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from ganxun.accounts.models import User
from ganxun.audit.models import AuditEvent, EventType
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.records.models import CadreYearTotal, LearningRecord
from ganxun.records.services import record_append, record_review, record_review_many, self_study_submit


def _cadre_login(world, key):
    cadre = world.cadres[key]
    if key == "dc2":
        return world.users["cadre"]
    user, _ = User.objects.get_or_create(username=f"{key}_self", defaults={"role": "cadre", "person": cadre})
    return user


def claim(world, key, title, hours="10", month=3):
    return self_study_submit(acting_user=_cadre_login(world, key), values={
        "title": title, "content_category": "theory", "start_date": date(2024, month, 1),
        "end_date": date(2024, month, 20), "hours": hours})


@pytest.fixture
def claims(world):
    """Three claims in 东城区财政局 (dc_hr's unit) and one in 西城县."""
    return {
        "dc1": claim(world, "dc1", "自学《习近平谈治国理政》第四卷", "12"),
        "dc2a": claim(world, "dc2", "自学《中国共产党简史》", "8"),
        "dc2b": claim(world, "dc2", "自学《之江新语》", "6.5", month=4),
        "xc1": claim(world, "xc1", "自学《毛泽东选集》", "20"),
    }


def reviewed_rows():
    return AuditEvent.objects.filter(event_type=EventType.RECORD_REVIEWED)


def statuses(*records):
    return [LearningRecord.objects.get(pk=r.pk).status for r in records]


def test_approving_many_counts_each_and_leaves_one_audit_row_per_claim(world, claims):
    mine = [claims["dc1"], claims["dc2a"], claims["dc2b"]]
    # when the unit's personnel office approves its three claims at once
    settled = record_review_many(acting_user=world.users["dc_hr"], record_ids=[r.pk for r in mine], approve=True)
    # then each counts its hours, reviewed by them
    assert [r.pk for r in settled] == [r.pk for r in mine]
    for r in mine:
        r.refresh_from_db()
        assert (r.status, r.credit_hours, r.reviewed_by) == ("approved", r.hours, world.users["dc_hr"])
    # and the yearly totals follow the ledger
    dc2_hours = sum(t.hours for t in CadreYearTotal.objects.filter(cadre=world.cadres["dc2"], year=2024))
    assert dc2_hours == Decimal("14.5")
    # and each claim has the audit row a single review writes
    rows = list(reviewed_rows().order_by("id"))
    assert [(e.subject_code, e.extra["before"]["status"], e.extra["after"]["status"]) for e in rows] == [
        ("C-DC-1", "pending", "approved"), ("C-DC-2", "pending", "approved"), ("C-DC-2", "pending", "approved")]
    assert {e.extra["after"]["reference"] for e in rows} == {r.reference for r in mine}
    assert all(e.actor == world.users["dc_hr"] for e in rows)
    # and the claim of another county was not touched
    assert statuses(claims["xc1"]) == ["pending"]


def test_the_audit_row_is_the_same_for_one_claim_or_many(world, claims):
    record_review(acting_user=world.users["dc_hr"], record_id=claims["dc1"].pk, approve=True)
    record_review_many(acting_user=world.users["dc_hr"], record_ids=[claims["dc2a"].pk], approve=True)
    one, many = reviewed_rows().order_by("id")
    drop = {"reference", "title", "hours", "credit_hours", "start_date", "end_date"}
    assert {k: v for k, v in one.extra["after"].items() if k not in drop} == \
        {k: v for k, v in many.extra["after"].items() if k not in drop}
    assert (one.subject_type, one.actor_role, one.reason) == (many.subject_type, many.actor_role, many.reason)


def test_returning_many_gives_each_the_one_reason(world, claims):
    ids = [claims["dc1"].pk, claims["dc2a"].pk]
    record_review_many(acting_user=world.users["dc"], record_ids=ids, approve=False, reason="  学习内容不具体  ")
    for pk in ids:
        r = LearningRecord.objects.get(pk=pk)
        assert (r.status, r.credit_hours, r.reason) == ("rejected", 0, "学习内容不具体")
    assert [e.reason for e in reviewed_rows()] == ["学习内容不具体"] * 2
    assert not CadreYearTotal.objects.filter(cadre__in=[world.cadres["dc1"], world.cadres["dc2"]]).exists()


def test_returning_without_a_reason_changes_nothing(world, claims):
    with pytest.raises(DomainError) as caught:
        record_review_many(acting_user=world.users["dc_hr"], record_ids=[claims["dc1"].pk], approve=False,
                           reason="  ")
    assert caught.value.code == "reason_required" and "退回必须填写原因" in caught.value.message
    assert statuses(claims["dc1"]) == ["pending"] and not reviewed_rows().exists()


def test_a_claim_settled_meanwhile_blocks_all_and_is_named(world, claims):
    # given another reviewer approved one of the claims after the page was opened
    record_review(acting_user=world.users["dc"], record_id=claims["dc2a"].pk, approve=True)
    before = reviewed_rows().count()
    # when the personnel office approves the three it had ticked
    with pytest.raises(DomainError) as caught:
        record_review_many(acting_user=world.users["dc_hr"], approve=True,
                           record_ids=[claims["dc1"].pk, claims["dc2a"].pk, claims["dc2b"].pk])
    # then nothing is approved, and the message names the claim that blocked it
    assert caught.value.code == "not_pending"
    assert caught.value.message.startswith(f"赵婷 的自学申报「自学《中国共产党简史》」（{claims['dc2a'].reference}）"
                                           "已不是待审核状态（有效")
    assert "本次未审核任何申报" in caught.value.message
    assert statuses(claims["dc1"], claims["dc2b"]) == ["pending", "pending"]
    assert reviewed_rows().count() == before


def test_a_claim_outside_the_scope_blocks_all_like_a_missing_one(world, claims):
    ours = [claims["dc1"].pk, claims["dc2a"].pk]
    for stranger in (claims["xc1"].pk, 999_999):
        with pytest.raises(NotFound) as caught:
            record_review_many(acting_user=world.users["dc_hr"], record_ids=[*ours, stranger], approve=True)
        assert caught.value.message == f"所选的自学申报 R{stranger} 不存在或不在您的管理范围内，本次未审核任何申报"
    assert statuses(claims["dc1"], claims["dc2a"], claims["xc1"]) == ["pending"] * 3
    assert not reviewed_rows().exists()


def test_an_entry_that_is_no_claim_is_refused(world, claims, schools):
    entry = record_append(acting_user=world.users["admin"], person_code="C-DC-1", institution_code="DX4199",
                          values={"title": "财政业务培训班", "source": "full_time", "start_date": date(2024, 5, 6),
                                  "end_date": date(2024, 5, 10), "hours": "40"})
    with pytest.raises(DomainError) as caught:
        record_review_many(acting_user=world.users["dc_hr"], record_ids=[claims["dc1"].pk, entry.pk], approve=True)
    assert caught.value.code == "not_pending" and "「财政业务培训班」" in caught.value.message
    assert statuses(claims["dc1"]) == ["pending"]


def test_nothing_selected_or_a_reader_is_refused(world, claims):
    with pytest.raises(DomainError) as caught:
        record_review_many(acting_user=world.users["dc_hr"], record_ids=[], approve=True)
    assert caught.value.code == "nothing_selected"
    with pytest.raises(PermissionDenied):
        record_review_many(acting_user=world.users["leader"], record_ids=[claims["dc1"].pk], approve=True)
    assert statuses(claims["dc1"]) == ["pending"]


def test_a_claim_ticked_twice_is_settled_once(world, claims):
    settled = record_review_many(acting_user=world.users["dc_hr"], approve=True,
                                 record_ids=[claims["dc1"].pk, claims["dc1"].pk])
    assert len(settled) == 1 and reviewed_rows().count() == 1
    assert sum(t.hours for t in CadreYearTotal.objects.filter(cadre=world.cadres["dc1"])) == Decimal("12.0")


# ---- the page -----------------------------------------------------------------------------------------

def _messages(response) -> list[str]:
    """The messages the next page shows (reading them uses them up, as showing them does)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_review_page_offers_a_checkbox_per_claim_and_select_all(client, world, claims):
    client.force_login(world.users["dc_hr"])
    html = client.get("/records/review/?page_size=50").content.decode()
    assert 'data-testid="review-select-all"' in html and 'id="review-bulk"' in html
    for key in ("dc1", "dc2a", "dc2b"):
        assert f'name="ids" value="{claims[key].pk}" form="review-bulk"' in html
    assert f'value="{claims["xc1"].pk}"' not in html
    assert 'name="page_size" value="50"' in html


def test_approve_the_ticked_claims_from_the_page(client, world, claims):
    client.force_login(world.users["dc_hr"])
    ids = [claims["dc1"].pk, claims["dc2a"].pk, claims["dc2b"].pk]
    response = client.post("/records/review/bulk/", {"ids": ids, "action": "approve", "page_size": "50"})
    assert response.status_code == 302 and response["Location"] == "/records/review/?page_size=50"
    assert _messages(response) == ["已通过 3 条自学申报（2 名干部），共计入 26.5 学时"]
    assert statuses(*(claims[k] for k in ("dc1", "dc2a", "dc2b"))) == ["approved"] * 3
    assert not client.get("/records/review/").context["page"].object_list


def test_return_the_ticked_claims_from_the_page_needs_the_reason(client, world, claims):
    client.force_login(world.users["dc_hr"])
    ids = [claims["dc1"].pk, claims["dc2a"].pk]
    response = client.post("/records/review/bulk/", {"ids": ids, "action": "reject", "reason": ""}, follow=True)
    assert "退回必须填写原因（所选申报使用同一条原因）" in response.content.decode()
    assert statuses(claims["dc1"], claims["dc2a"]) == ["pending", "pending"]
    response = client.post("/records/review/bulk/", {"ids": ids, "action": "reject", "reason": "请补充学习笔记"})
    assert _messages(response) == ["已退回 2 条自学申报，退回原因：请补充学习笔记"]
    assert statuses(claims["dc1"], claims["dc2a"]) == ["rejected", "rejected"]


def test_the_page_says_which_claim_blocked_the_action(client, world, claims):
    record_review(acting_user=world.users["dc"], record_id=claims["dc2b"].pk, approve=False, reason="重复申报")
    client.force_login(world.users["dc_hr"])
    response = client.post("/records/review/bulk/", {"ids": [claims["dc1"].pk, claims["dc2b"].pk],
                                                     "action": "approve"})
    [message] = _messages(response)
    assert message.startswith(f"赵婷 的自学申报「自学《之江新语》」（{claims['dc2b'].reference}）已不是待审核状态（未通过")
    assert statuses(claims["dc1"]) == ["pending"]


def test_the_bulk_action_follows_the_scope_and_the_role(client, world, claims):
    assert client.post("/records/review/bulk/", {"ids": [claims["dc1"].pk], "action": "approve"})["Location"] \
        .startswith("/accounts/login/")
    for persona in ("leader", "cadre", "institution"):
        client.force_login(world.users[persona])
        assert client.post("/records/review/bulk/", {"ids": [claims["dc1"].pk], "action": "approve"}).status_code \
            == 404, persona
    client.force_login(world.users["other"])
    response = client.post("/records/review/bulk/", {"ids": [claims["dc1"].pk], "action": "approve"})
    assert _messages(response) == [f"所选的自学申报 R{claims['dc1'].pk} 不存在或不在您的管理范围内，本次未审核任何申报"]
    client.force_login(world.users["dc_hr"])
    assert client.get("/records/review/bulk/").status_code == 404
    assert _messages(client.post("/records/review/bulk/", {"action": "approve"})) == ["请先勾选要审核的自学申报"]
    assert statuses(claims["dc1"]) == ["pending"] and not reviewed_rows().exists()
