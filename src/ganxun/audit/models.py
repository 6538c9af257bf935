from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


class EventType(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGIN_LOCKED = "login_locked", "账号锁定"
    LOGIN_DURING_LOCKOUT = "login_during_lockout", "锁定期间的登录"
    LOGOUT = "logout", "退出"
    USER_CREATED = "user_created", "新建用户"
    USER_DEACTIVATED = "user_deactivated", "停用用户"
    PASSWORD_SET = "password_set", "修改密码"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", "绑定双因素认证"
    SECOND_FACTOR_RESET = "second_factor_reset", "重置双因素认证"
    SESSION_ENDED = "session_ended", "强制下线"
    TOKEN_CREATED = "token_created", "创建令牌"
    TOKEN_REVOKED = "token_revoked", "吊销令牌"
    ORG_CREATED = "org_created", "新增单位"
    ORG_UPDATED = "org_updated", "修改单位"
    ORG_MOVED = "org_moved", "调整隶属"
    CADRE_CREATED = "cadre_created", "新增干部"
    CADRE_UPDATED = "cadre_updated", "修改干部"
    INSTITUTION_CREATED = "institution_created", "新增培训机构"
    INSTITUTION_UPDATED = "institution_updated", "修改培训机构"
    ID_REVEALED = "id_revealed", "查看身份证号"
    IMPORTED = "imported", "导入"
    EXPORTED = "exported", "导出"
    RECORD_ADDED = "record_added", "登记学时"
    RECORD_REVERSED = "record_reversed", "冲销学时"
    RECORD_REVIEWED = "record_reviewed", "审核自学"
    ARCHIVE_ISSUED = "archive_issued", "出具电子档案"
    PLAN_CREATED = "plan_created", "新建规划"
    PLAN_UPDATED = "plan_updated", "修改规划"
    PLAN_PUBLISHED = "plan_published", "发布规划"
    PLAN_IMPORTED = "plan_imported", "导入规划文件"
    TEACHER_CREATED = "teacher_created", "新增师资"
    TEACHER_UPDATED = "teacher_updated", "修改师资"
    COURSE_CREATED = "course_created", "新增课程"
    COURSE_UPDATED = "course_updated", "修改课程"
    RESOURCE_CREATED = "resource_created", "新增培训资源"
    RESOURCE_UPDATED = "resource_updated", "修改培训资源"
    DICTIONARY_UPDATED = "dictionary_updated", "修改数据字典"
    CLASS_CREATED = "class_created", "新建班次"
    CLASS_UPDATED = "class_updated", "修改班次"
    TIMETABLE_UPDATED = "timetable_updated", "修改课表"
    ENROLLED = "enrolled", "学员报名"
    ENROLMENT_CHANGED = "enrolment_changed", "学员变动"
    ATTENDANCE_MARKED = "attendance_marked", "考勤登记"
    LEAVE_DECIDED = "leave_decided", "审批请假"
    ASSESSMENT_RECORDED = "assessment_recorded", "登记考核"
    CLASS_CLOSED = "class_closed", "结班"
    CLASS_REOPENED = "class_reopened", "取消结班"
    COMPLETION_REVOKED = "completion_revoked", "取消结业"
    CERTIFICATE_ISSUED = "certificate_issued", "颁发结业证书"
    ANNUAL_PLAN_SAVED = "annual_plan_saved", "保存年度培训计划"
    CALLUP_SAVED = "callup_saved", "保存调训通知"
    CALLUP_ISSUED = "callup_issued", "下发调训通知"
    NOMINATED = "nominated", "调训提名"
    NOMINATION_CHANGED = "nomination_changed", "调训提名变动"
    NOMINATION_AUDITED = "nomination_audited", "审核调训提名"
    CALLUP_LEAVE_REQUESTED = "callup_leave_requested", "调训请假"
    CALLUP_LEAVE_DECIDED = "callup_leave_decided", "审批调训请假"
    PLAN_SUBMITTED = "plan_submitted", "培训计划报批"
    PLAN_SUBMISSION_DECIDED = "plan_submission_decided", "审批培训计划"
    API_CALL = "api_call", "接口调用"
    AUDIT_EXPORTED = "audit_exported", "导出审计日志"
    AUDIT_ARCHIVED = "audit_archived", "归档审计日志"


# What ``subject_type`` names, as 操作日志 says it (never the code a developer wrote).
SUBJECT_LABELS = {
    "user": "用户", "org": "单位", "orgs": "组织机构", "cadre": "干部", "cadres": "干部名册",
    "institution": "培训机构", "institutions": "培训机构", "records": "学习记录", "record": "学习记录",
    "compliance": "达标评估", "plan": "规划", "plans": "规划", "archive": "电子档案", "job": "后台任务",
    "teacher": "师资", "teachers": "师资", "course": "课程", "courses": "课程", "resource": "培训资源",
    "dictionary": "数据字典", "class": "班次", "classes": "培训班次", "sessions": "课程安排",
    "enrolment": "学员", "enrolments": "学员报名", "attendance": "考勤",
    "annual_plan": "年度培训计划", "api": "接口", "audit": "审计日志", "callup": "调训通知", "conflicts": "调训冲突", "plan_submission": "培训计划报批",
}


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class AuditEvent(models.Model):
    """One row per write, login, import, export or reveal; written in the change's transaction.

    ``extra`` holds ``{"before": {...}, "after": {...}}`` for changes. 身份证号 in it is masked.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    actor_role = models.CharField("角色", max_length=32, blank=True)
    actor_scope = models.CharField("管理范围", max_length=64, blank=True)
    address = models.CharField("地址", max_length=64, blank=True)
    event_type = models.CharField("事件", max_length=32, choices=EventType.choices)
    subject_type = models.CharField("对象类型", max_length=32, blank=True)
    subject_code = models.CharField("对象编码", max_length=64, blank=True, db_index=True)
    subject_label = models.CharField("对象", max_length=200, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    reason = models.CharField("原因", max_length=500, blank=True)
    # the hash chain (ganxun.audit.chain): this row's hash over its content and the previous row's hash
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_code", "-created_at"])]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_event_type_display()}"

    def save(self, *args, **kwargs):
        """Insert once, at the head of the chain; an audit row is never saved again (the triggers refuse it)."""
        from ganxun.audit.chain import link

        if self.pk is not None:
            raise AuditImmutable("审计日志不可修改")
        with transaction.atomic():
            link([self])
            super().save(*args, **kwargs)

    @property
    def actor_role_label(self) -> str:
        from ganxun.core.roles import role_label

        return role_label(self.actor_role) if self.actor_role else ""

    @property
    def subject_type_label(self) -> str:
        return SUBJECT_LABELS.get(self.subject_type, self.subject_type)

    @property
    def subject_display(self) -> str:
        """The object as a line: its name and code (a whole table, e.g. 干部名册, by its label alone)."""
        kind = self.subject_type_label
        if self.subject_code and self.subject_code == self.subject_type:
            return kind + (f"（{self.subject_label}）" if self.subject_label else "")
        name = self.subject_label or ""
        code = self.subject_code if self.subject_code and self.subject_code != name else ""
        return "".join([f"{kind}：" if kind else "", name, f"（{code}）" if name and code else code])


class AuditImmutable(Exception):
    """An UPDATE or DELETE of an audit row (the database's triggers say the same)."""


class AuditAnchor(models.Model):
    """Where the chain in the table starts after ``ganxun audit archive``: the hash of the last archived row."""

    archived_at = models.DateTimeField(default=timezone.now)
    before = models.DateField("归档截止日期")
    through_id = models.BigIntegerField("归档至 id")
    count = models.IntegerField("归档行数")
    first_prev_hash = models.CharField(max_length=64)
    last_hash = models.CharField(max_length=64)
    file_name = models.CharField("归档文件", max_length=255)
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = "审计归档锚点"
