from django import forms

from ganxun.cadres.models import POLITICAL_STATUSES, Cadre, CadreCategory, Gender, LocalTeam
from ganxun.cadres.ranks import Rank
from ganxun.web.widgets import DateInput


class CadreForm(forms.Form):
    """Field parsing for the page; every rule lives in ``check_cadre_values`` and the services."""

    person_code = forms.CharField(label="人员编码", required=False, max_length=32,
                                  help_text="留空则由系统生成")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    gender = forms.ChoiceField(label="性别", choices=[("", "按身份证号")] + list(Gender.choices), required=False)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DateInput())
    ethnicity = forms.CharField(label="民族", initial="汉族", max_length=16)
    political_status = forms.ChoiceField(label="政治面貌", choices=[(s, s) for s in POLITICAL_STATUSES])
    org_code = forms.CharField(label="单位编码", max_length=32)
    post_title = forms.CharField(label="职务", required=False, max_length=100)
    rank = forms.ChoiceField(label="职级", choices=Rank.choices)
    is_leader = forms.BooleanField(label="领导职务", required=False)
    category = forms.ChoiceField(label="干部类别", choices=CadreCategory.choices)
    is_team_member = forms.BooleanField(label="班子成员", required=False)
    local_team = forms.ChoiceField(label="地方党政班子", choices=LocalTeam.choices, required=False)
    is_principal = forms.BooleanField(label="一把手", required=False)
    is_young_talent = forms.BooleanField(label="优秀年轻干部", required=False)
    is_branch_secretary = forms.BooleanField(label="党支部书记", required=False)
    is_selected_graduate = forms.BooleanField(label="选调生", required=False)
    rank_since = forms.DateField(label="任现职级时间", required=False, widget=DateInput())
    hired_on = forms.DateField(label="录用时间", required=False, widget=DateInput())
    managing_code = forms.CharField(label="干部管理权限（组织部编码）", required=False, max_length=32,
                                    help_text="留空按默认：省管厅级、市管处级、县管科级及以下")
    reason = forms.CharField(label="修改原因", required=False, max_length=200)

    def __init__(self, *args, editing: Cadre | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            self.fields["person_code"].disabled = True
            self.fields["id_number"].help_text = "已脱敏；如需更正请输入完整号码，否则保持不变"
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm")
            field.widget.attrs.setdefault("class", css)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("person_code", "org_code", "reason", "managing_code"):
            data.pop(key, None)
        return data
