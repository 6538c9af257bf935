import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from ganxun.core.roles import Role, role_of

__all__ = ["Role", "User", "ApiToken", "PasswordHistory", "hash_token"]


class User(AbstractUser):
    """A login. ``scope_org`` is the node whose subtree the role opens (分级管理)."""

    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.LEADER)
    scope_org = models.ForeignKey("orgs.Org", verbose_name="管理范围", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="users")
    person = models.OneToOneField("cadres.Cadre", verbose_name="对应干部", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="user")
    institution_code = models.CharField("培训机构编码", max_length=32, blank=True)
    display_name = models.CharField("姓名", max_length=100, blank=True)
    # when the password was last set (GANXUN_PASSWORD_MAX_AGE_DAYS counts from here; empty: from date_joined)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    @property
    def effective_role(self) -> str:
        return role_of(self) or self.role

    @property
    def role_label(self) -> str:
        return Role(self.effective_role).label

    def __str__(self):
        return self.display_name or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for other systems. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self):
        return f"{self.prefix}… ({self.user.username})"


class PasswordHistory(models.Model):
    """The hashes of a login's earlier passwords (GANXUN_PASSWORD_HISTORY of them are refused again)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
