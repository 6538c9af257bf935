"""Seed the data dictionary (数据字典).

Built-in domains mirror ``core.choices`` and ``InstitutionKind`` as they were when this migration was written
(locked: 系统内置，规则依据); ``tests/resources/test_dictionary.py`` fails when the two drift apart, and a new
value then needs a migration like this one. The user-maintained domains get their first words here.
"""

from django.db import migrations

BUILTIN = {
    "content_category": [("theory", "理论教育"), ("party_spirit", "党性教育"), ("professional", "专业化能力"),
                         ("knowledge", "知识培训")],
    "teaching_method": [("lecture", "讲授式"), ("seminar", "研讨式"), ("case", "案例式"), ("simulation", "模拟式"),
                        ("experiential", "体验式"), ("interview", "访谈式"), ("debate", "辩论式"), ("field", "现场教学"),
                        ("forum", "论坛教学"), ("action_learning", "行动学习"), ("flipped", "翻转课堂")],
    "teacher_kind": [("full_time", "专职"), ("part_time", "兼职"), ("leader", "领导干部"), ("retired", "退休干部"),
                     ("expert", "专家")],
    "class_kind": [("core", "主体班"), ("thematic", "专题班"), ("promotion", "任职培训"), ("initial", "初任培训"),
                   ("specialist", "专门业务培训"), ("in_service", "在职培训"), ("online", "网络专题班")],
    "institution_kind": [("party_school", "党校"), ("cadre_college", "干部学院"), ("socialist_college", "社会主义学院"),
                         ("university_base", "高校基地"), ("party_spirit_base", "党性教育基地"),
                         ("sector_institution", "部门培训机构"), ("private_provider", "社会培训机构"),
                         ("online_academy", "网络学院")],
}
SEED = {
    "teacher_title": ["教授", "副教授", "讲师", "助教", "高级讲师", "研究员", "副研究员", "正高级工程师", "高级工程师"],
    "material_category": ["理论读本", "党史学习教育读本", "党性教育教材", "专业能力教材", "知识读本", "音像教材"],
    "case_category": ["党性教育案例", "治理案例", "改革发展案例", "应急管理案例", "乡村振兴案例", "警示教育案例"],
    "site_kind": ["革命传统教育", "改革发展成就", "廉政警示教育", "乡村振兴实践", "生态文明建设", "红色文化"],
    "institution_tag": ["三学院三基地", "省级党性教育基地", "全国干部教育培训基地", "现场教学基地", "乡村振兴教学基地"],
}


def seed(apps, schema_editor):
    Entry = apps.get_model("resources", "DictionaryEntry")
    rows = []
    for domain, pairs in BUILTIN.items():
        rows += [Entry(domain=domain, code=code, label=label, order=(i + 1) * 10, builtin=True)
                 for i, (code, label) in enumerate(pairs)]
    for domain, labels in SEED.items():
        rows += [Entry(domain=domain, code=f"{i + 1:02d}", label=label, order=(i + 1) * 10)
                 for i, label in enumerate(labels)]
    Entry.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    apps.get_model("resources", "DictionaryEntry").objects.filter(domain__in=[*BUILTIN, *SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_libraries")]
    operations = [migrations.RunPython(seed, unseed)]
