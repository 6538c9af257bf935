"""Hours claims with a review chain: 申报 → 单位审核 → 上级审核, where each level ends the review or passes it up."""

from datetime import date
from decimal import Decimal

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError
from ganxun.records.models import LearningRecord
from ganxun.records.selectors import pending_self_study_visible_to
from ganxun.orgs.selectors import reviewing_department as upper_reviewer
from ganxun.records.services import claim_submit, record_pass_up, record_review

OUTSIDE = {"source": "full_time", "title": "省财政厅预算绩效管理培训班", "content_category": "professional",
           "start_date": date(2024, 5, 6), "end_date": date(2024, 5, 10), "days": 5, "hours": "40"}


def test_a_claim_passed_up_leaves_the_units_queue_and_is_settled_by_the_upper_department(world):
    claim = claim_submit(acting_user=world.users["cadre"], values=OUTSIDE)
    assert (claim.status, claim.review_org.code, claim.credit_hours) == ("pending", "419901CZJ", 0)
    hr, county = world.users["dc_hr"], world.users["dc"]
    assert list(pending_self_study_visible_to(hr)) == [claim]
    # the unit cannot decide it and passes it up: to 东城区委组织部
    [passed] = record_pass_up(acting_user=hr, record_ids=[claim.pk], note="外单位举办，请组织部认定学时")
    assert passed.review_org.code == "419901ZZB"
    assert list(pending_self_study_visible_to(hr)) == []
    assert list(pending_self_study_visible_to(world.users["cadre"])) == [claim]   # still waiting, for the cadre
    with pytest.raises(DomainError, match="已报东城区委组织部审核，本级不能再审核"):
        record_review(acting_user=hr, record_id=claim.pk, approve=True)
    assert list(pending_self_study_visible_to(county)) == [claim]
    record_review(acting_user=county, record_id=claim.pk, approve=True)
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.credit_hours == Decimal("40.0") and claim.credit_days == 5
    steps = list(AuditEvent.objects.filter(subject_code="C-DC-2", event_type="record_reviewed").order_by("pk")
                 .values_list("extra", flat=True))
    assert steps[0]["passed_up"] and (steps[0]["from"], steps[0]["to"]) == ("419901CZJ", "419901ZZB")


def test_each_level_passes_up_to_the_next_department_until_the_top(world):
    o = world.orgs
    assert upper_reviewer(o["dc_fin"]) == o["dc_dept"]
    assert upper_reviewer(o["dc_dept"]) == o["city_dept"]
    assert upper_reviewer(o["city_dept"]) == o["henan_dept"]
    assert upper_reviewer(o["henan_dept"]) is None
    claim = claim_submit(acting_user=world.users["cadre"], values=OUTSIDE)
    record_pass_up(acting_user=world.users["dc_hr"], record_ids=[claim.pk])
    record_pass_up(acting_user=world.users["dc"], record_ids=[claim.pk])
    claim.refresh_from_db()
    assert claim.review_org == o["city_dept"]
    record_pass_up(acting_user=world.users["city"], record_ids=[claim.pk])
    with pytest.raises(DomainError, match="河南省委组织部已是最高一级"):
        record_pass_up(acting_user=world.users["province"], record_ids=[claim.pk])
    record_review(acting_user=world.users["province"], record_id=claim.pk, approve=False, reason="无结业证明")
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.credit_hours == 0


def test_a_claim_of_a_source_a_cadre_cannot_claim_is_refused_and_nothing_is_written(world):
    with pytest.raises(DomainError, match="申报的培训形式应为"):
        claim_submit(acting_user=world.users["cadre"], values={**OUTSIDE, "source": "online"})
    assert not LearningRecord.objects.exists()


def test_the_review_page_passes_claims_up(world, client):
    claim = claim_submit(acting_user=world.users["cadre"], values=OUTSIDE)
    client.force_login(world.users["dc_hr"])
    page = client.get("/records/review/").content.decode()
    assert "当前审核：东城区财政局" in page and "脱产培训" in page and 'data-testid="bulk-pass-up"' in page
    done = client.post("/records/review/bulk/", {"action": "pass_up", "ids": [claim.pk]}, follow=True).content.decode()
    assert "已将 1 条申报报东城区委组织部审核" in done
    client.force_login(world.users["dc"])
    assert "当前审核：东城区委组织部" in client.get("/records/review/").content.decode()
