from django import forms

from ganxun.orgs.models import Level, OrgType


def _style(form):
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class OrgForm(forms.Form):
    code = forms.CharField(label="单位编码", max_length=32)
    name = forms.CharField(label="单位名称", max_length=100)
    org_type = forms.ChoiceField(label="类型", choices=OrgType.choices)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    parent_code = forms.CharField(label="上级编码", max_length=32, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            del self.fields["parent_code"]
        _style(self)


class OrgMoveForm(forms.Form):
    new_parent_code = forms.CharField(label="新的上级单位编码", max_length=32)
    reason = forms.CharField(label="调整原因", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
