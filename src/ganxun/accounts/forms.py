from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续 5 次错误后账号将锁定 15 分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget = forms.TextInput(attrs={"class": "form-control", "autofocus": True,
                                                               "autocomplete": "username"})
        self.fields["password"].widget = forms.PasswordInput(attrs={"class": "form-control",
                                                                   "autocomplete": "current-password"})


class UserForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=100, required=False)
    role = forms.ChoiceField(label="角色")
    scope_code = forms.CharField(label="管理范围（单位编码）", max_length=32, required=False,
                                 help_text="组织部门管理员填本部门编码；单位人事干部填本单位编码")
    person_code = forms.CharField(label="人员编码（干部本人）", max_length=32, required=False)
    institution_code = forms.CharField(label="培训机构编码", max_length=32, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list(roles)
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data
