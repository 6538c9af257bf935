from django import forms

from ganxun.core.choices import ContentCategory, TeacherKind, TeachingMethod
from ganxun.orgs.models import Level
from ganxun.resources.models import InstitutionKind
from ganxun.web.widgets import DateInput

HOLDER_HELP = "二选一：填所属培训机构的机构编码，或单位自己的资源库所属的单位编码"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("rows", 3)
        css = "form-check-input" if isinstance(field, forms.BooleanField) else (
            "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm")
        field.widget.attrs.setdefault("class", css)


class InstitutionForm(forms.Form):
    """Field parsing for the dialog; every rule lives in ``check_institution_values`` and the services."""

    code = forms.CharField(label="机构编码", max_length=32, help_text="唯一编码，如 DX4199")
    name = forms.CharField(label="机构名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=InstitutionKind.choices)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    owner_org_code = forms.CharField(label="所属单位编码", max_length=32, required=False,
                                     help_text="您管理范围内的单位编码（见“组织机构”）")
    capacity = forms.IntegerField(label="容纳人数", required=False, min_value=0, max_value=100000)
    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=32, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    tags = forms.CharField(label="标签", max_length=200, required=False,
                           help_text="以、分隔，如 省级党性教育基地、现场教学基地")
    description = forms.CharField(label="简介", required=False, widget=forms.Textarea)
    recognised = forms.BooleanField(label="认可的培训机构", required=False)
    is_flagship = forms.BooleanField(label="三学院三基地", required=False)
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, editing: bool = False, owner_required: bool = True, tag_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only a superuser may register an institution that belongs to no org.
        self.fields["owner_org_code"].required = owner_required
        if tag_choices:
            self.fields["tags"].help_text = "以、分隔；常用：" + "、".join(tag_choices)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""
        else:
            del self.fields["reason"]
        _style(self)

    def details(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("capacity", "contact_person", "contact_phone", "address", "tags",
                                                   "description")}


class TeacherForm(forms.Form):
    code = forms.CharField(label="教师编码", max_length=32)
    name = forms.CharField(label="姓名", max_length=50)
    kind = forms.ChoiceField(label="教师类型", choices=TeacherKind.choices)
    title = forms.ChoiceField(label="职称", required=False)
    institution_code = forms.CharField(label="所属机构编码", max_length=32, required=False, help_text=HOLDER_HELP)
    owner_org_code = forms.CharField(label="所属单位编码", max_length=32, required=False)
    work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    post = forms.CharField(label="职务", max_length=100, required=False)
    subjects = forms.CharField(label="擅长专题", max_length=300, required=False, help_text="多个以、分隔")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    person_code = forms.CharField(label="干部档案（人员编码）", max_length=32, required=False,
                                  help_text="领导干部、退休干部教师可关联本人干部档案（您管理范围内）")
    description = forms.CharField(label="简介", required=False, widget=forms.Textarea)
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, editing: bool = False, title_choices=(), holder_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = [("", "—")] + list(title_choices)
        if editing:
            self.fields["code"].disabled = True
        else:
            del self.fields["reason"]
        if holder_fixed:  # an institution's staff: always their own institution
            self.fields["institution_code"].disabled = True
            self.fields["institution_code"].help_text = "本机构"
            del self.fields["owner_org_code"]
        _style(self)

    def values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        return data


class TeacherStatusForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput())
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def __init__(self, *args, exiting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = "出库日期" if exiting else "入库日期"
        self.fields["reason"].label = "出库原因" if exiting else "入库说明"
        self.fields["reason"].required = exiting
        _style(self)


class CourseForm(forms.Form):
    code = forms.CharField(label="课程编码", max_length=32)
    name = forms.CharField(label="课程名称", max_length=100)
    category = forms.ChoiceField(label="内容类别", choices=ContentCategory.choices)
    method = forms.ChoiceField(label="教学方法", choices=TeachingMethod.choices)
    hours = forms.CharField(label="学时", max_length=8, help_text="最多一位小数，如 3 或 1.5")
    teachers = forms.CharField(label="授课教师编码", max_length=500, required=False, help_text="多个以、或 , 分隔")
    institution_code = forms.CharField(label="所属机构编码", max_length=32, required=False, help_text=HOLDER_HELP)
    owner_org_code = forms.CharField(label="所属单位编码", max_length=32, required=False)
    outline = forms.CharField(label="教学大纲", required=False, widget=forms.Textarea)
    description = forms.CharField(label="简介", required=False, widget=forms.Textarea)
    featured = forms.BooleanField(label="精品课程", required=False)
    reason = forms.CharField(label="修改原因", max_length=200, required=False,
                             help_text="修改课程内容（名称、类别、方法、学时、大纲）将生成新版本")

    def __init__(self, *args, editing: bool = False, holder_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
        else:
            del self.fields["reason"]
        if holder_fixed:
            self.fields["institution_code"].disabled = True
            self.fields["institution_code"].help_text = "本机构"
            del self.fields["owner_org_code"]
        _style(self)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


def item_form_class(kind):
    """The form of one simple library (``resources.kinds.ItemKind``)."""
    fields = {
        "code": forms.CharField(label=kind.code_label, max_length=32),
        "name": forms.CharField(label=kind.name_label, max_length=100),
        "category": forms.ChoiceField(label=kind.category_label, required=False),
        "institution_code": forms.CharField(label="所属机构编码", max_length=32, required=False, help_text=HOLDER_HELP),
        "owner_org_code": forms.CharField(label="所属单位编码", max_length=32, required=False),
    }
    for f in kind.extras:
        if f.kind == "bool":
            fields[f.name] = forms.BooleanField(label=f.label, required=False)
        elif f.kind in ("year", "count"):
            fields[f.name] = forms.IntegerField(label=f.label, required=False, min_value=0)
        else:
            fields[f.name] = forms.CharField(label=f.label, max_length=f.max_length, required=False)
    fields["description"] = forms.CharField(label="简介", required=False, widget=forms.Textarea)
    fields["reason"] = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, editing: bool = False, holder_fixed: bool = False, category_choices=(), **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        self.fields["category"].choices = [("", "—")] + list(category_choices)
        if editing:
            self.fields["code"].disabled = True
        else:
            del self.fields["reason"]
        if holder_fixed:
            self.fields["institution_code"].disabled = True
            self.fields["institution_code"].help_text = "本机构"
            del self.fields["owner_org_code"]
        _style(self)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}

    return type(f"{kind.key.title()}Form", (forms.Form,), {**fields, "__init__": __init__, "values": values})


class DictionaryEntryForm(forms.Form):
    label = forms.CharField(label="字典标签", max_length=50)
    order = forms.IntegerField(label="排序", required=False, min_value=0, max_value=100000)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
