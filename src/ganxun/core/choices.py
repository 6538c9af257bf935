"""Small vocabularies shared by several modules (records, classes, resources)."""

from django.db import models


class ContentCategory(models.TextChoices):
    """内容类别."""

    THEORY = "theory", "理论教育"
    PARTY_SPIRIT = "party_spirit", "党性教育"
    PROFESSIONAL = "professional", "专业化能力"
    KNOWLEDGE = "knowledge", "知识培训"


class ClassKind(models.TextChoices):
    """班次类型 (interfaces.md, the classes spreadsheet)."""

    CORE = "core", "主体班"
    THEMATIC = "thematic", "专题班"
    PROMOTION = "promotion", "任职培训"
    INITIAL = "initial", "初任培训"
    SPECIALIST = "specialist", "专门业务培训"
    IN_SERVICE = "in_service", "在职培训"
    ONLINE = "online", "网络专题班"


class TeacherKind(models.TextChoices):
    """教师类型: the kind of teacher a session's hours are counted under (领导干部讲课课时)."""

    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"
    LEADER = "leader", "领导干部"
    RETIRED = "retired", "退休干部"
    EXPERT = "expert", "专家"


class TeachingMethod(models.TextChoices):
    """教学方法. Every method but 讲授式 is interactive (互动式教学, rules.md ``class_interactive_share``)."""

    LECTURE = "lecture", "讲授式"
    SEMINAR = "seminar", "研讨式"
    CASE = "case", "案例式"
    SIMULATION = "simulation", "模拟式"
    EXPERIENTIAL = "experiential", "体验式"
    INTERVIEW = "interview", "访谈式"
    DEBATE = "debate", "辩论式"
    FIELD = "field", "现场教学"
    FORUM = "forum", "论坛教学"
    ACTION_LEARNING = "action_learning", "行动学习"
    FLIPPED = "flipped", "翻转课堂"


INTERACTIVE_METHODS = frozenset(m.value for m in TeachingMethod if m is not TeachingMethod.LECTURE)
