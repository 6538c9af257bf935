"""操作日志 and 登录日志 for the audit administrator: filters, exports (themselves audited), token API calls,
and ``ganxun createadmin``."""

import io
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from ganxun.accounts.models import User
from ganxun.accounts.services import token_create, user_create
from ganxun.audit.events import EventType, build_event, record_event, record_events
from ganxun.audit.models import AuditEvent
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.factories import run_command

PASSWORD = "Ganxun#2024demo"


@pytest.fixture
def auditor(client, world):
    user = user_create(acting_user=UNSCOPED_OPERATOR, username="auditadmin", password=PASSWORD, role="audit_admin")
    client.force_login(user)
    return client


def _sheet(response):
    assert response.status_code == 200
    return CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()


def _shown(response):
    assert response.status_code == 200
    return [(e.event_type, e.subject_code) for e in response.context["page"].object_list]


def test_operation_log_filters_by_time_actor_event_object_and_outcome(auditor, world):
    old = build_event(actor=world.users["city"], event_type=EventType.ORG_UPDATED, subject_type="org",
                      subject_code="419901CZJ", subject_label="东城区财政局")
    old.created_at = timezone.now() - timedelta(days=30)
    record_events([old])
    record_event(actor=world.users["dc"], event_type=EventType.CADRE_UPDATED, subject_type="cadre",
                 subject_code="C-DC-1", subject_label="张三")
    record_event(actor=world.users["dc"], event_type=EventType.CADRE_CREATED, subject_type="cadre",
                 subject_code="C-DC-2", outcome="failure", reason="身份证号校验位错误")
    today = timezone.localdate()
    assert _shown(auditor.get("/audit/", {"actor": "city_admin"})) == [("org_updated", "419901CZJ")]
    assert _shown(auditor.get("/audit/", {"from": (today - timedelta(days=1)).isoformat(), "actor": "dc_admin"})) == [
        ("cadre_created", "C-DC-2"), ("cadre_updated", "C-DC-1")]
    assert _shown(auditor.get("/audit/", {"to": (today - timedelta(days=2)).isoformat()})) == [("org_updated", "419901CZJ")]
    assert _shown(auditor.get("/audit/", {"event_type": "cadre_updated"})) == [("cadre_updated", "C-DC-1")]
    assert _shown(auditor.get("/audit/", {"subject": "东城区财政局"})) == [("org_updated", "419901CZJ")]
    assert _shown(auditor.get("/audit/", {"outcome": "failure"})) == [("cadre_created", "C-DC-2")]
    # a bad date is named and changes nothing (the filter is left out)
    page = auditor.get("/audit/", {"from": "2024-02-30", "actor": "city_admin"})
    assert "开始日期应为 YYYY-MM-DD 日期，而不是“2024-02-30”" in page.content.decode()
    assert _shown(page) == [("org_updated", "419901CZJ")]


def test_operation_log_export_follows_the_filters_and_is_itself_audited(auditor, world):
    record_event(actor=world.users["dc"], event_type=EventType.CADRE_UPDATED, subject_type="cadre",
                 subject_code="C-DC-1", subject_label="张三")
    record_event(actor=world.users["city"], event_type=EventType.ORG_CREATED, subject_type="org", subject_code="X1")
    rows = _sheet(auditor.get("/audit/export.xlsx", {"actor": "dc_admin"}))
    assert rows[0][:5] == ["时间", "操作人", "角色", "地址", "事件"]
    assert [(r[1], r[4]) for r in rows[1:]] == [("dc_admin", "修改干部")]
    exported = AuditEvent.objects.get(event_type=EventType.AUDIT_EXPORTED)
    assert exported.actor_name == "auditadmin" and exported.extra == {"rows": 1, "filters": "actor=dc_admin"}
    # and the export row shows on the page, in words
    assert "导出 1 行" in auditor.get("/audit/", {"event_type": "audit_exported"}).content.decode()


def test_login_log_lists_logins_failures_lockouts_and_logouts_with_their_address(auditor, client, world):
    from django.test import Client

    browser = Client(REMOTE_ADDR="10.1.2.3")
    browser.post("/accounts/login/", {"username": "dc_admin", "password": "wrong"})
    record_event(actor=world.users["dc"], event_type=EventType.ORG_CREATED, subject_code="NOT-A-LOGIN")
    page = auditor.get("/audit/logins/")
    shown = _shown(page)
    assert ("login_failed", "dc_admin") in shown and all(code != "NOT-A-LOGIN" for _, code in shown)
    assert "10.1.2.3" in page.content.decode()
    assert _shown(auditor.get("/audit/logins/", {"address": "10.1.2.3", "outcome": "failure"})) == [
        ("login_failed", "dc_admin")]
    rows = _sheet(auditor.get("/audit/logins/export.xlsx", {"subject": "dc_admin"}))
    assert rows[0] == ["时间", "用户名", "地址", "事件", "结果", "原因"]
    assert [r[1:5] for r in rows[1:]] == [["dc_admin", "10.1.2.3", "登录失败", "失败"]]
    assert AuditEvent.objects.filter(event_type=EventType.AUDIT_EXPORTED, subject_label="登录日志").exists()


def test_every_token_api_call_leaves_a_row(client, world):
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="dc_admin")
    assert client.get("/api/v1/cadres/C-DC-1", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.get("/api/v1/cadres/C-XC-1", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    assert client.get("/api/v1/cadres/", HTTP_AUTHORIZATION="Bearer gx_notatoken").status_code == 401
    calls = list(AuditEvent.objects.filter(event_type=EventType.API_CALL).order_by("id"))
    assert [(c.actor_name, c.extra["token_prefix"], c.extra["method"], c.extra["path"], c.extra["status"], c.outcome)
            for c in calls] == [
        ("dc_admin", raw[:10], "GET", "/api/v1/cadres/C-DC-1", 200, "success"),
        ("dc_admin", raw[:10], "GET", "/api/v1/cadres/C-XC-1", 404, "failure"),
        ("系统", "gx_notatok", "GET", "/api/v1/cadres/", 401, "failure"),
    ]
    assert all(raw not in str(c.extra) for c in calls)
    # a page's own session calls the API without a token: no row
    client.force_login(world.users["dc"])
    client.get("/api/v1/cadres/C-DC-1")
    assert AuditEvent.objects.filter(event_type=EventType.API_CALL).count() == 3


def test_createadmin_makes_the_three_administrators_from_stdin(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("Xq7#Gongwu2024\nBm3#Anquan2024\nKt9#Shenji2024\n"))
    assert run_command("createadmin", "--password-stdin") == 0
    out = capsys.readouterr().out
    assert "已创建系统管理员 sysadmin" in out and "已创建安全管理员 secadmin" in out and "已创建审计管理员 auditadmin" in out
    users = {u.username: u for u in User.objects.all()}
    assert {u: users[u].role for u in users} == {"sysadmin": "sys_admin", "secadmin": "sec_admin",
                                                 "auditadmin": "audit_admin"}
    assert not any(u.is_superuser for u in users.values())
    assert users["auditadmin"].check_password("Kt9#Shenji2024")


def test_createadmin_with_a_missing_password_creates_none(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("Xq7#Gongwu2024\nBm3#Anquan2024\n"))
    assert run_command("createadmin", "--password-stdin") == 2
    assert "标准输入缺少审计管理员 auditadmin 的密码" in capsys.readouterr().err
    assert not User.objects.exists()


def test_createadmin_with_one_weak_password_creates_none(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("Xq7#Gongwu2024\nshort\nKt9#Shenji2024\n"))
    assert run_command("createadmin", "--password-stdin") == 2
    assert "密码不符合要求" in capsys.readouterr().err
    assert not User.objects.exists()


def test_operation_log_shows_a_nested_change_in_words_not_as_python(auditor, world):
    record_event(actor=world.users["city"], event_type=EventType.ORG_UPDATED, subject_type="plan",
                 subject_code="P-1", subject_label="示例规划",
                 extra={"before": {}, "after": {"leader_hours_5y": {"code": "leader_hours_5y", "name": "五年累计学时"},
                                                "levels": ["county", "city"], "window": {"years": 5}}})
    page = auditor.get("/audit/").content.decode()
    assert "五年累计学时（leader_hours_5y）" in page
    assert "county、city" in page
    assert "{&quot;years&quot;: 5}" in page
    assert "{&#x27;" not in page and "[&#x27;" not in page
