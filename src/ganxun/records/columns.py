"""The records spreadsheet columns (interfaces.md, "records"), shared by import, export and the template."""

from ganxun.core.choices import ContentCategory
from ganxun.records.models import LearningRecord, RecordSource

COLUMNS = ["外部编号", "人员编码", "身份证号", "姓名", "培训名称", "培训形式", "内容类别", "培训机构", "开始日期",
           "结束日期", "天数", "学时", "系统培训", "结业"]
# 人员编码 or 身份证号 names the cadre: at least one of the two columns must be there (checked by the importer).
REQUIRED_COLUMNS = ("培训名称", "培训形式", "开始日期", "结束日期", "学时")

SOURCE_LABELS = dict(RecordSource.choices)
CATEGORY_LABELS = dict(ContentCategory.choices)


def institution_cell(r: LearningRecord) -> str:
    """The institution as the import reads it back: its 机构编码, else the free-text name."""
    if r.institution_id is not None:
        return r.institution.code
    return r.institution_name


def export_row(r: LearningRecord) -> list:
    """One ledger entry as the spreadsheet shows it; 身份证号 masked."""
    c = r.cadre
    hours = r.hours
    return [r.external_id or "", c.person_code, c.id_number_masked, c.name, r.title, SOURCE_LABELS[r.source],
            CATEGORY_LABELS.get(r.content_category, ""), institution_cell(r), r.start_date, r.end_date, r.days,
            int(hours) if hours == hours.to_integral_value() else float(hours), r.is_system_training, r.completed]
