"""The class pages' forms: field parsing only; every rule is in ``services`` (checked again there)."""

from decimal import Decimal

from django import forms

from ganxun.classes.services import SLOT_RE
from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod
from ganxun.web.widgets import DateInput


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class ClassForm(forms.Form):
    code = forms.CharField(label="班次编码", max_length=32, help_text="唯一编码，如 BC2026001；创建后不能修改")
    name = forms.CharField(label="班次名称", max_length=200)
    kind = forms.ChoiceField(label="班次类型", choices=ClassKind.choices)
    organiser = forms.ChoiceField(label="主办单位")
    institution = forms.ChoiceField(label="承办机构", required=False)
    start_date = forms.DateField(label="开始日期", widget=DateInput())
    end_date = forms.DateField(label="结束日期", widget=DateInput())
    full_time = forms.BooleanField(label="脱产培训", required=False, initial=True)
    is_system_training = forms.BooleanField(label="系统理论教育和严格党性教育（系统培训）", required=False)
    content_category = forms.ChoiceField(label="内容类别", required=False,
                                         choices=[("", "—")] + list(ContentCategory.choices))
    quota = forms.IntegerField(label="名额", min_value=1, max_value=100000, required=False, help_text="留空表示不限")
    audience = forms.CharField(label="培训对象", max_length=300, required=False, help_text="如：县处级领导干部")
    completion_threshold = forms.DecimalField(label="结业到课率（%）", min_value=Decimal("1"), max_value=Decimal("100"),
                                              decimal_places=1, initial=Decimal("90"),
                                              help_text="到课学时达到计划学时的这一比例方可结业，默认 90%")
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisers=(), institutions=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = [(o.code, f"{o.name}（{o.code}）") for o in organisers]
        self.fields["institution"].choices = [("", "—")] + [(i.code, f"{i.name}（{i.code}）") for i in institutions]
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""
        _style(self)


class SessionForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    slot = forms.CharField(label="节次", max_length=8, help_text="上午、下午、晚上或 1、2、3 …",
                           widget=forms.TextInput(attrs={"list": "gx-slots"}))
    course_name = forms.CharField(label="课程名称", max_length=200, widget=forms.TextInput(attrs={"list": "gx-courses"}))
    teacher_name = forms.CharField(label="教师", max_length=100, required=False,
                                   widget=forms.TextInput(attrs={"list": "gx-teachers"}))
    teacher_kind = forms.ChoiceField(label="教师类型", required=False, choices=[("", "—")] + list(TeacherKind.choices))
    content_category = forms.ChoiceField(label="内容类别", choices=ContentCategory.choices)
    method = forms.ChoiceField(label="教学方法", choices=TeachingMethod.choices, initial=TeachingMethod.LECTURE)
    hours = forms.DecimalField(label="学时", min_value=Decimal("0.1"), max_value=Decimal("12"), decimal_places=1)
    is_party_spirit_analysis = forms.BooleanField(label="党性分析", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_slot(self):
        slot = self.cleaned_data["slot"].strip()
        if not SLOT_RE.match(slot):
            raise forms.ValidationError("应为 上午、下午、晚上 或节次序号 1、2、3 …")
        return slot
