"""The forms of 规划管理: a new plan, its header, one indicator, a publication, an uploaded plan file.

The forms parse what a person types (shares as percentages, checkboxes as lists) into a plan file's
mapping; whether the mapping makes a valid plan is the services' and the plan file's own rules.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ganxun.core.choices import ContentCategory
from ganxun.plans.rules import LOCAL_TEAM_LABELS, MEASURES, TIER_LABELS
from ganxun.plans.spec import HIRED_CUTOFFS, INSTITUTION_FILTERS, Indicator, Plan
from ganxun.web.widgets import DateInput

SOURCE_LABELS = {"full_time": "脱产培训", "online": "网络培训", "lecture": "专题讲座", "study_group": "理论学习中心组",
                 "self_study": "在职自学", "other": "其他"}
WINDOW_CHOICES = [("plan_period", "规划期"), ("calendar_year", "自然年度（评估日所在年）"),
                  ("rolling_years", "滚动年度（截至评估日的 N 年）")]
MEASURE_CHOICES = [(k, m.label) for k, m in MEASURES.items()]
WHO_FLAGS = (("leader", "领导职务"), ("young_talent", "优秀年轻干部"), ("branch_secretary", "党支部书记"),
             ("team_member", "领导班子成员"))


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class PlanForm(forms.Form):
    code = forms.CharField(label="规划编号", max_length=64,
                           help_text="小写字母、数字和连字符，如 4199-2023-2027；发布后作为评估结论中的规划编号")
    title = forms.CharField(label="规划名称", max_length=200)
    issuer = forms.CharField(label="制定单位", max_length=100)
    start = forms.DateField(label="规划期开始", widget=DateInput())
    end = forms.DateField(label="规划期结束", widget=DateInput())
    adopts = forms.ChoiceField(label="采用的规划", help_text="新规划沿用它的全部指标（统计窗口按新规划期），可逐项修改")
    source_title = forms.CharField(label="依据文件", max_length=200, required=False,
                                   help_text="规划所依据的正式文件名称；留空则与规划名称相同")
    hired_cutoff = forms.ChoiceField(label="入职前的年度", choices=list(HIRED_CUTOFFS.items()), required=False)
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, plans: list[Plan] = (), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopts"].choices = [(p.id, f"{p.title}（{p.period_label}，第 {p.version} 版）") for p in plans]
        if editing:
            del self.fields["code"], self.fields["adopts"]
        else:
            del self.fields["reason"], self.fields["hired_cutoff"]
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "应晚于规划期开始日期")
        return data


class IndicatorForm(forms.Form):
    """One indicator, as an officer edits it: the numbers of its measure, its window, whom it applies to,
    what counts, and the clause it comes from."""

    code = forms.SlugField(label="指标代码", max_length=64,
                           help_text="英文小写和下划线，如 online_hours_annual；接口和导出中使用，发布后不要改")
    name = forms.CharField(label="指标名称", max_length=100)
    subject = forms.ChoiceField(label="评估对象", choices=[("cadre", "干部"), ("org", "单位/地区")])
    measure_kind = forms.ChoiceField(label="要求的种类", choices=MEASURE_CHOICES)
    days = forms.IntegerField(label="天数", min_value=1, required=False)
    hours = forms.DecimalField(label="学时", min_value=Decimal("0.1"), max_digits=7, decimal_places=1, required=False)
    either = forms.BooleanField(label="天数或学时达到其一即可", required=False)
    count = forms.IntegerField(label="次数", min_value=1, required=False)
    years = forms.IntegerField(label="每 N 年至少 1 次", min_value=1, required=False)
    share = forms.DecimalField(label="比例（%）", min_value=Decimal("0.1"), max_value=Decimal("100"), decimal_places=1,
                               required=False)
    window_kind = forms.ChoiceField(label="统计窗口", choices=WINDOW_CHOICES)
    window_years = forms.IntegerField(label="滚动年数", min_value=1, max_value=20, required=False)
    tiers = forms.MultipleChoiceField(label="层级", choices=list(TIER_LABELS.items()), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    local_team = forms.MultipleChoiceField(label="地方党政领导班子成员", choices=[(k, f"{v}党政班子")
                                                                        for k, v in LOCAL_TEAM_LABELS.items()],
                                           required=False, widget=forms.CheckboxSelectMultiple)
    leader = forms.BooleanField(label="领导职务", required=False)
    young_talent = forms.BooleanField(label="优秀年轻干部", required=False)
    branch_secretary = forms.BooleanField(label="党支部书记", required=False)
    team_member = forms.BooleanField(label="领导班子成员", required=False)
    sources = forms.MultipleChoiceField(label="只计这些培训形式", choices=list(SOURCE_LABELS.items()), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    exclude_sources = forms.MultipleChoiceField(label="不计这些培训形式", choices=list(SOURCE_LABELS.items()),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    institutions = forms.ChoiceField(label="培训机构", choices=[(k, v[0]) for k, v in INSTITUTION_FILTERS.items()])
    system_training = forms.BooleanField(label="只计系统理论教育和严格党性教育", required=False)
    content_categories = forms.MultipleChoiceField(label="只计这些内容类别", choices=ContentCategory.choices,
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    min_days = forms.IntegerField(label="每次不少于（天）", min_value=0, required=False)
    of_indicator = forms.ChoiceField(label="依据的干部指标", required=False,
                                     help_text="达标比例：以每名干部该指标的结论为准")
    advisory = forms.BooleanField(label="仅供参考（显示，但不计入未达标）", required=False)
    makeup_list = forms.BooleanField(label="未达标的干部列入补训名单", required=False)
    source = forms.CharField(label="依据条款", max_length=100, help_text="如 一(四)1")
    text = forms.CharField(label="条文", widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, plan: Plan, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["of_indicator"].choices = [("", "—")] + [(i.code, i.name) for i in plan.of_subject("cadre")]
        if not new:
            for name in ("code", "subject", "measure_kind"):
                self.fields[name].disabled = True
        _style(self)

    @staticmethod
    def initial_of(ind: Indicator) -> dict:
        m, w, c = ind.measure, ind.window, ind.counts
        who = ind.who if ind.subject == "cadre" else ind.population
        return {
            "code": ind.code, "name": ind.name, "subject": ind.subject, "measure_kind": m.kind,
            "days": m.days, "hours": m.hours, "either": m.either, "count": m.count, "years": m.years,
            "share": Decimal(str(m.share * 100)).quantize(Decimal("0.1")) if m.share is not None else None,
            "window_kind": w.kind, "window_years": w.years,
            "tiers": list(who.tiers), "local_team": list(who.local_team),
            **{flag: getattr(who, flag) for flag, _ in WHO_FLAGS},
            "sources": list(c.sources), "exclude_sources": list(c.exclude_sources), "institutions": c.institutions,
            "system_training": c.system_training, "content_categories": list(c.content_categories),
            "min_days": c.min_days or None, "of_indicator": ind.of_indicator or "", "advisory": ind.advisory,
            "makeup_list": ind.makeup_list, "source": ind.source, "text": ind.text,
        }

    def clean(self):
        data = super().clean()
        kind = data.get("measure_kind")
        needs = {"total": ("days", "hours"), "count": ("count",), "gap": ("years",), "share_trained": ("share",),
                 "share_met": ("share",)}
        if kind in needs and not any(data.get(k) for k in needs[kind]):
            self.add_error(needs[kind][0], "这种要求需要填写" + " 或 ".join(self.fields[k].label for k in needs[kind]))
        if data.get("window_kind") == "rolling_years" and not data.get("window_years"):
            self.add_error("window_years", "滚动年度需要填写年数")
        if kind == "share_met" and not data.get("of_indicator"):
            self.add_error("of_indicator", "达标比例需要选择所依据的干部指标")
        if kind in MEASURES and data.get("subject") and data["subject"] not in MEASURES[kind].subjects:
            self.add_error("measure_kind", "干部指标应为累计、次数或间隔；单位/地区指标应为参训比例或达标比例")
        return data

    def spec(self) -> dict:
        """The plan file's mapping of the indicator as the form says it."""
        d = self.cleaned_data
        kind = d["measure_kind"]
        keys = {"total": ("days", "hours", "either"), "count": ("count",), "gap": ("years",),
                "share_trained": ("share",), "share_met": ("share",)}[kind]
        measure: dict = {"kind": kind}
        for key in keys:
            value = d.get(key)
            if key == "either":
                if value:
                    measure["either"] = True
            elif key == "share":
                if value is not None:
                    measure["share"] = float(value) / 100
            elif key == "hours":
                if value is not None:
                    measure["hours"] = int(value) if value == value.to_integral_value() else float(value)
            elif value:
                measure[key] = value
        window: dict = {"kind": d["window_kind"]}
        if d["window_kind"] == "rolling_years":
            window["years"] = d["window_years"]
        who: dict = {}
        if d.get("tiers"):
            who["tiers"] = [t for t in TIER_LABELS if t in d["tiers"]]
        if d.get("local_team"):
            who["local_team"] = [t for t in LOCAL_TEAM_LABELS if t in d["local_team"]]
        who.update({flag: True for flag, _ in WHO_FLAGS if d.get(flag)})
        counts: dict = {}
        for key in ("sources", "exclude_sources", "content_categories"):
            if d.get(key):
                counts[key] = list(d[key])
        if d.get("institutions") and d["institutions"] != "any":
            counts["institutions"] = d["institutions"]
        if d.get("system_training"):
            counts["system_training"] = True
        if d.get("min_days"):
            counts["min_days"] = d["min_days"]
        spec = {"code": d["code"], "name": d["name"].strip(), "subject": d["subject"],
                "applies_to" if d["subject"] == "cadre" else "population": who, "counts": counts,
                "measure": measure, "window": window, "source": d["source"].strip(), "text": d["text"].strip(),
                "advisory": bool(d.get("advisory")), "makeup_list": bool(d.get("makeup_list"))}
        if kind == "share_met":
            spec["of_indicator"] = d["of_indicator"]
            spec.pop("counts")
        return spec


class ClassIndicatorForm(forms.Form):
    """A class indicator's numbers and clause as an officer changes them in a draft: the share (or the number of
    slots), a different share for county institutions, the name and the source. Which classes it covers and which
    slots count stay as the plan file says (changed by exporting, editing and importing the file)."""

    name = forms.CharField(label="指标名称", max_length=100)
    share = forms.DecimalField(label="比例（%）", min_value=Decimal("0.1"), max_value=Decimal("100"), decimal_places=1,
                               required=False)
    county_share = forms.DecimalField(label="县级机构的比例（%）", min_value=Decimal("0.1"), max_value=Decimal("100"),
                                      decimal_places=1, required=False, help_text="留空则与上面的比例相同")
    count = forms.IntegerField(label="至少安排（次）", min_value=1, required=False)
    source = forms.CharField(label="依据条款", max_length=100, help_text="如 一(四)3")
    text = forms.CharField(label="条文", widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        self.indicator = indicator
        m = indicator.measure
        pct = (lambda v: Decimal(str(v * 100)).quantize(Decimal("0.1")) if v is not None else None)
        kwargs.setdefault("initial", {"name": indicator.name, "share": pct(m.share), "count": m.count,
                                      "county_share": pct(m.by_level.get("county")), "source": indicator.source,
                                      "text": indicator.text})
        super().__init__(*args, **kwargs)
        if "share" in m.needs:
            del self.fields["count"]
            self.fields["share"].required = True
            if "by_level" not in m.options:
                del self.fields["county_share"]
        else:
            del self.fields["share"], self.fields["county_share"]
            self.fields["count"].required = True
        _style(self)

    def spec(self) -> dict:
        d = self.cleaned_data
        spec = self.indicator.as_spec()
        measure = dict(spec["measure"])
        if "share" in d:
            measure["share"] = float(d["share"]) / 100
            by_level = dict(measure.get("by_level") or {})
            if d.get("county_share") is not None:
                by_level["county"] = float(d["county_share"]) / 100
            else:
                by_level.pop("county", None)
            if by_level:
                measure["by_level"] = by_level
            else:
                measure.pop("by_level", None)
        if "count" in d:
            measure["count"] = d["count"]
        spec.update(name=d["name"].strip(), measure=measure, source=d["source"].strip(), text=d["text"].strip())
        return spec


class PublishForm(forms.Form):
    note = forms.CharField(label="发布说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="如：依据某文件调整学时要求；将出现在版本记录和操作日志中")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PlanFileForm(forms.Form):
    file = forms.FileField(label="规划文件（YAML）", help_text="本系统导出的规划文件格式（.yaml），不超过 1 MB")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("文件过大，规划文件不超过 1 MB")
        data = upload.read()
        try:
            return upload.name, data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("不是 UTF-8 编码的文本文件（规划文件是 .yaml 文本）") from None
