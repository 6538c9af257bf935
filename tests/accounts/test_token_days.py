"""``ganxun token create --days N``: 1..3650 only; anything else exits 2 in Chinese and creates nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ganxun.accounts.models import ApiToken
from ganxun.audit.models import AuditEvent
from tests.factories import run_command


@pytest.mark.parametrize("days", ["-1", "0", "3651", "99999999"])
def test_days_out_of_range_exit_2_and_create_nothing(world, capsys, days):
    assert run_command("token", "create", "dc_admin", "--days", days) == 2
    err = capsys.readouterr().err
    assert "令牌有效天数应为 1 到 3650 之间的整数" in err and days in err
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(event_type="token_created").exists()


@pytest.mark.parametrize("days,expected", [("1", 1), ("3650", 3650), (None, 365)])
def test_days_in_range_set_the_expiry(world, capsys, days, expected):
    argv = ["token", "create", "dc_admin"] + (["--days", days] if days else [])
    assert run_command(*argv) == 0
    token = ApiToken.objects.get()
    assert abs(token.expires_at - (timezone.now() + timedelta(days=expected))) < timedelta(minutes=1)
    assert capsys.readouterr().out.startswith("gx_")
