import pytest
from django.core.management import call_command

from ganxun.accounts.models import User
from ganxun.accounts.services import token_create, token_revoke, user_create, user_deactivate, user_for_token
from ganxun.core.errors import DomainError
from ganxun.core.roles import UNSCOPED_OPERATOR


@pytest.mark.parametrize("password, reason", [
    ("Short1!", "至少"),
    ("alllowercaseletters", "三类"),
    ("Password123", "常见"),
    ("Zhangsan#2026x", "用户名"),
])
def test_weak_passwords_are_refused(world, password, reason):
    with pytest.raises(DomainError) as exc:
        user_create(acting_user=UNSCOPED_OPERATOR, username="zhangsan", password=password, role="org_admin", scope_code="4199ZZB")
    assert reason in exc.value.message
    assert not User.objects.filter(username="zhangsan").exists()


def test_org_admin_needs_a_scope(world):
    with pytest.raises(DomainError) as exc:
        user_create(acting_user=UNSCOPED_OPERATOR, username="noscope", password="Ganxun#Strong2026", role="org_admin")
    assert "管理范围" in exc.value.message


def test_token_is_stored_hashed_and_revocable(world):
    token, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="city_admin")
    assert raw not in token.key_hash and token.key_hash != raw
    assert user_for_token(raw) == world.users["city"]
    token_revoke(acting_user=UNSCOPED_OPERATOR, username="city_admin")
    assert user_for_token(raw) is None


def test_deactivating_a_user_stops_their_tokens(world):
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="dc_admin")
    user_deactivate(acting_user=UNSCOPED_OPERATOR, username="dc_admin")
    assert user_for_token(raw) is None


def test_cli_user_add_reads_password_from_stdin(world, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Ganxun#Strong2026\n"))
    call_command("user", "add", "xc_admin", "--role", "org_admin", "--scope", "419902ZZB", "--password-stdin")
    user = User.objects.get(username="xc_admin")
    assert user.check_password("Ganxun#Strong2026") and user.scope_org.code == "419902ZZB"


def test_cli_weak_password_exits_2_with_a_chinese_message(world, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("weak\n"))
    with pytest.raises(SystemExit) as exc:
        call_command("user", "add", "weakling", "--role", "org_admin", "--scope", "419902ZZB", "--password-stdin")
    assert exc.value.code == 2
    assert "密码不符合要求" in capsys.readouterr().err
