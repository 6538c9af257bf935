from django import forms

from ganxun.callups.models import CallUpMode


class CallUpForm(forms.Form):
    class_code = forms.ChoiceField(label="班次")
    mode = forms.ChoiceField(label="调训方式", choices=CallUpMode.choices)
    title = forms.CharField(label="通知标题", max_length=200)
    deadline = forms.DateField(label="报名截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    report_at = forms.CharField(label="报到时间地点", max_length=200, required=False)
    contact = forms.CharField(label="联系人及电话", max_length=100, required=False)
    body = forms.CharField(label="通知正文", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    quotas = forms.CharField(label="名额分配", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="按名额调训时填写，每行一个单位：单位编码:名额，如 419901CZJ:3")
    named = forms.CharField(label="点名人员", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="点名调训时填写人员编码，用空格、逗号或换行分隔")

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_code"].choices = [("", "请选择班次")] + [
            (c.code, f"{c.name}（{c.code}，{c.start_date:%Y-%m-%d} 开班）") for c in classes]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


class AnnualPlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=200)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    targets = forms.CharField(
        label="计划指标（主要措施）", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行一条：培训对象 | 计划人数 | 计划表述 | 班次类型（可省略，如 主体班）。"
                  "例：县处级领导干部 | 150 | 每年选调150名左右县处级领导干部到市委党校参加系统理论学习 | 主体班")
    quotas = forms.CharField(
        label="下级单位和地区的名额", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一条：单位编码 | 培训对象（可省略，省略为全年总名额）| 名额。例：419901 | 县处级领导干部 | 20")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class PlanSubmissionForm(forms.Form):
    kind = forms.ChoiceField(label="计划类型", choices=[("annual", "年度培训计划"), ("adhoc", "临时培训计划")])
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=200)
    start_date = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.IntegerField(label="参训人数", min_value=1)
    team_members = forms.IntegerField(label="其中党政班子成员", min_value=0, initial=0, required=False)
    content = forms.CharField(label="主要内容", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="培训主题、对象、方式和时间安排")
    proof = forms.FileField(label="证明材料", required=False,
                            help_text="有党政班子成员参训的必须上传（如党组会议纪要），PDF、图片或 Word，不超过 20 MB")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
