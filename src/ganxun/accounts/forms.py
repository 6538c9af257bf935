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
