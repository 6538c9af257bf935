"""A plan as its YAML file (the format of ``plans/data/*.yaml``): what a department sends another, or keeps."""

from django.utils import timezone

from ganxun.audit.events import EventType, record_event
from ganxun.core.errors import NotFound
from ganxun.plans.selectors import plan_page
from ganxun.plans.spec import dump_yaml


def plan_yaml(user, code: str, *, version: int | None = None, draft: bool = False) -> tuple[str, str]:
    """``(text, file name)`` of a published version, or of the draft for its own department; audited."""
    page = plan_page(user, code, version=version, draft=draft)
    if page.is_draft:
        raw, label = page.document.draft, "草稿"
    elif page.plan is not None:
        raw, label = page.plan.raw, f"第 {page.plan.version} 版"
    else:
        raise NotFound("没有这个规划")
    title = raw.get("title", code)
    header = (f"# {title}（{label}），{timezone.localtime():%Y-%m-%d %H:%M} 导出自干训系统。\n"
              "# 格式与随系统提供的规划文件相同；可在「规划指标 → 导入规划文件」导入为草稿。\n")
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type="plan", subject_code=code, subject_label=title,
                 extra={"format": "yaml", "version": label})
    return header + dump_yaml(raw), f"{code}{'-草稿' if page.is_draft else ''}.yaml"
