"""Password rules beyond Django's own: three character classes, and no username inside."""

import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least three of: upper case, lower case, digits, symbols."""

    def validate(self, password, user=None):
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_classes")

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"


class NoUsernameValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if username and len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名。"


def password_expired(user) -> bool:
    """Whether the login's password is older than ``GANXUN_PASSWORD_MAX_AGE_DAYS`` (0 = passwords never expire)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    days = settings.GANXUN_PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = getattr(user, "password_changed_at", None) or getattr(user, "date_joined", None)
    return changed is None or changed <= timezone.now() - timedelta(days=days)
