"""Roles: their names, what each may change, and the one unscoped actor (the operator at the command line).

Every check of a role in the project goes through this module, so that a new module asks the same
questions in the same words. What a role may *see* is the data scope (``orgs.selectors.scope_of``); what
it may *change* is said here.
"""

from django.db import models


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "组织部门管理员"
    UNIT_HR = "unit_hr", "单位组织人事干部"
    INSTITUTION = "institution", "培训机构工作人员"
    CADRE = "cadre", "干部本人"
    LEADER = "leader", "领导（只读）"
    SUPERUSER = "superuser", "超级管理员（仅初始化）"
    # 三权分立: three administrators, none a superuser, each refused the other two's functions.
    SYS_ADMIN = "sys_admin", "系统管理员"
    SEC_ADMIN = "sec_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


ROLE_LABELS = dict(Role.choices)
OPERATOR_ROLE = "operator"
OPERATOR_LABEL = "命令行操作员"

# Roles whose scope is a subtree of the org tree (granted on ``User.scope_org``).
ORG_SCOPED_ROLES = frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER})
# Who may change the org tree, the institutions and the users (organisation-department staff).
ORG_WRITERS = frozenset({Role.ORG_ADMIN, Role.SUPERUSER, Role.SYS_ADMIN, OPERATOR_ROLE})
# Who may change the cadre registry and the ledger of the cadres in their scope.
REGISTRY_WRITERS = frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.SUPERUSER, OPERATOR_ROLE})
# Who reads dashboards and lists of the org tree (everyone with an org scope).
TREE_READERS = frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER})
EVERY_ROLE = frozenset(Role.values)

# 三权分立 (docs/roles.md). The three administrators' accounts are made by ``ganxun createadmin`` only.
SEPARATED_ADMINS = frozenset({Role.SYS_ADMIN, Role.SEC_ADMIN, Role.AUDIT_ADMIN})
# 系统管理员: users, the org tree, the dictionaries (and the first set-up's superuser, kept for it).
USER_ADMINS = frozenset({Role.ORG_ADMIN, Role.SYS_ADMIN, Role.SUPERUSER})
# 安全管理员: roles and scopes of logins, security policies, unlocks, second-factor resets.
SECURITY_ADMINS = frozenset({Role.SEC_ADMIN})
# 审计管理员: reads and exports 操作日志 and 登录日志; no one else does (not the superuser either).
AUDIT_READERS = frozenset({Role.AUDIT_ADMIN})
# Who must give a second factor (TOTP) after the password on the pages (GANXUN_SECOND_FACTOR=required).
SECOND_FACTOR_ROLES = frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.INSTITUTION, Role.SUPERUSER,
                                 Role.SYS_ADMIN, Role.SEC_ADMIN, Role.AUDIT_ADMIN})


class UnscopedOperator:
    """The person at the command line (``ganxun import``, ``ganxun user add`` …): sees and may change everything.

    Services take it as ``acting_user`` where a page passes the logged-in user. It is never a user of
    the database, never logged in, and never reached from a request: operator paths pass it explicitly
    (``acting_user=UNSCOPED_OPERATOR``), so every unscoped write can be found by that name. ``None`` is
    no one and sees nothing.
    """

    role = OPERATOR_ROLE
    role_label = OPERATOR_LABEL
    is_superuser = False
    is_active = True
    is_authenticated = False  # not a session: audit rows name no user
    is_operator = True
    pk = id = None
    person_id = scope_org_id = None
    institution_code = ""
    username = "operator"

    def get_username(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return "UNSCOPED_OPERATOR"


UNSCOPED_OPERATOR = UnscopedOperator()


def is_operator(user) -> bool:
    return user is UNSCOPED_OPERATOR


def role_of(user) -> str:
    """The role that decides: a superuser flag wins; no one (``None``, anonymous, disabled) has none."""
    if user is UNSCOPED_OPERATOR:
        return OPERATOR_ROLE
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    if getattr(user, "is_superuser", False):
        return Role.SUPERUSER
    return getattr(user, "role", "") or ""


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def is_superuser(user) -> bool:
    return role_of(user) == Role.SUPERUSER


def is_cadre(user) -> bool:
    """A cadre's own login (with its cadre record)."""
    return role_of(user) == Role.CADRE and bool(getattr(user, "person_id", None))


def needs_second_factor(user) -> bool:
    """Whether this login must verify a second factor after its password (the setting decides whether it is asked)."""
    return role_of(user) in SECOND_FACTOR_ROLES


def can_write_orgs(user) -> bool:
    return role_of(user) in ORG_WRITERS


def can_write_registry(user) -> bool:
    return role_of(user) in REGISTRY_WRITERS


def can_read_audit(user) -> bool:
    """操作日志 and 登录日志 and their exports: the audit administrator's alone."""
    return role_of(user) in AUDIT_READERS


def can_administer_users(user) -> bool:
    return role_of(user) in USER_ADMINS


def can_administer_security(user) -> bool:
    """Unlocks, second-factor resets, roles and policies: the security administrator's alone."""
    return role_of(user) in SECURITY_ADMINS


def role_label(role: str) -> str:
    """A role code as users read it (操作日志 shows this, never ``org_admin``)."""
    if role == OPERATOR_ROLE:
        return OPERATOR_LABEL
    return ROLE_LABELS.get(role, role or "—")


def require_org_write(user) -> None:
    if not can_write_orgs(user):
        from ganxun.core.errors import PermissionDenied

        raise PermissionDenied("只有组织部门管理员可以维护组织机构")


def require_registry_write(user) -> None:
    if not can_write_registry(user):
        from ganxun.core.errors import PermissionDenied

        raise PermissionDenied("您的角色只能查看，不能修改干部信息")
