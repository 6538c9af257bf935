"""Field parsing for the ledger pages; every rule lives in ``check_record_values`` and the services."""

from django import forms

from ganxun.core.choices import ContentCategory
from ganxun.records.models import RecordSource
from ganxun.records.selectors import institutions_named
from ganxun.web.widgets import DateInput

CODE_LIKE_HINT = "机构编码 {code} 不存在（填机构编码或准确的机构名称；系统外的机构请填写全称）"


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(),
                           error_messages={"invalid": "应为日期，如 2024-03-01", "required": "不能为空"}, **kwargs)


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = "不能为空"
            if isinstance(field, forms.BooleanField):
                css = "form-check-input"
            elif isinstance(field, forms.ChoiceField):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


class RecordValuesForm(_Styled):
    """The values of one entry. 学时 and 天数 are text here: ``check_record_values`` judges them."""

    title = forms.CharField(label="培训名称", max_length=200)
    source = forms.ChoiceField(label="培训形式", choices=RecordSource.choices)
    content_category = forms.ChoiceField(label="内容类别", choices=[("", "（不分类）")] + list(ContentCategory.choices),
                                         required=False)
    institution = forms.CharField(label="培训机构", required=False, max_length=200,
                                  help_text="机构编码或准确的机构名称；系统外的机构填写全称")
    start_date = _date("开始日期")
    end_date = _date("结束日期")
    days = forms.CharField(label="天数", required=False, max_length=6, help_text="脱产培训留空则按起止日期计算；其他形式为 0")
    hours = forms.CharField(label="学时", max_length=10, help_text="最多一位小数")
    is_system_training = forms.BooleanField(label="系统培训（理论教育和党性教育）", required=False)
    completed = forms.BooleanField(label="已结业", required=False, initial=True,
                                   help_text="未结业的记录保留，但不计学时和天数")

    def clean_institution(self):
        """``(code, free_text)``: a known institution by code or name, else an outside provider's name."""
        from ganxun.records.importers import CODE_LIKE

        text = self.cleaned_data.get("institution", "").strip()
        if not text:
            return None, ""
        by_code, by_name = institutions_named([text])
        if text in by_code:
            return text, ""
        named = by_name.get(text, [])
        if len(named) == 1:
            return named[0].code, ""
        if len(named) > 1:
            raise forms.ValidationError(f"有 {len(named)} 个培训机构名为“{text}”，请填写机构编码（"
                                        + "、".join(i.code for i in named[:5]) + "）")
        if CODE_LIKE.match(text):
            raise forms.ValidationError(CODE_LIKE_HINT.format(code=text[:32]))
        return None, text

    def values(self) -> dict:
        data = self.cleaned_data
        days = (data.get("days") or "").strip()
        return {"title": data["title"], "source": data["source"], "content_category": data.get("content_category", ""),
                "start_date": data["start_date"], "end_date": data["end_date"],
                "days": int(days) if days.isdigit() else (days or None), "hours": data["hours"].strip(),
                "is_system_training": data.get("is_system_training", False),
                "completed": data.get("completed", False)}


class RecordNewForm(RecordValuesForm):
    """新增: a unit's personnel office records training for one of its cadres."""

    person_code = forms.CharField(label="人员编码", max_length=32, help_text="干部名册中的人员编码")
    external_id = forms.CharField(label="外部编号", max_length=64, required=False, help_text="可留空；其他系统的记录编号")

    field_order = ["person_code", "external_id", "title", "source", "content_category", "institution", "start_date",
                   "end_date", "days", "hours", "is_system_training", "completed"]


class RecordCorrectForm(RecordValuesForm):
    """更正: the values as they should be, and why."""

    reason = forms.CharField(label="更正原因", max_length=200)


class ReasonForm(_Styled):
    """冲销 and 退回: a reason, always."""

    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class SelfStudyForm(_Styled):
    """自学申报: what a cadre studied on their own."""

    source = forms.ChoiceField(label="培训形式", initial="self_study", required=False, choices=[
        ("self_study", "在职自学"), ("full_time", "脱产培训（单位自办或外出参加）"), ("lecture", "专题讲座"), ("other", "其他")])
    title = forms.CharField(label="学习内容", max_length=200, help_text="如：自学《习近平谈治国理政》第四卷")
    days = forms.IntegerField(label="天数", min_value=0, max_value=366, required=False, help_text="脱产培训填写天数")
    content_category = forms.ChoiceField(label="内容类别", choices=[("", "（不分类）")] + list(ContentCategory.choices),
                                         required=False)
    start_date = _date("开始日期")
    end_date = _date("结束日期")
    hours = forms.CharField(label="学时", max_length=10, help_text="最多一位小数")

    def values(self) -> dict:
        data = self.cleaned_data
        return {"source": data.get("source") or "self_study", "title": data["title"], "content_category": data.get("content_category", ""),
                "start_date": data["start_date"], "end_date": data["end_date"], "hours": data["hours"].strip(),
                "days": data.get("days") or 0}
