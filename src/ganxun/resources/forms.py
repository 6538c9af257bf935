from django import forms

from ganxun.orgs.models import Level
from ganxun.resources.models import InstitutionKind


class InstitutionForm(forms.Form):
    """Field parsing for the dialog; every rule lives in ``check_institution_values`` and the services."""

    code = forms.CharField(label="机构编码", max_length=32, help_text="唯一编码，如 DX4199")
    name = forms.CharField(label="机构名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=InstitutionKind.choices)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    owner_org_code = forms.CharField(label="所属单位编码", max_length=32, required=False,
                                     help_text="您管理范围内的单位编码（见“组织机构”）")
    recognised = forms.BooleanField(label="认可的培训机构", required=False)
    is_flagship = forms.BooleanField(label="三学院三基地", required=False)
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, editing: bool = False, owner_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a superuser may register an institution that belongs to no org.
        self.fields["owner_org_code"].required = owner_required
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""
        else:
            del self.fields["reason"]
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm")
            field.widget.attrs.setdefault("class", css)
