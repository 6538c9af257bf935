"""Small vocabularies shared by several modules (records, classes, resources)."""

from django.db import models


class ContentCategory(models.TextChoices):
    """内容类别."""

    THEORY = "theory", "理论教育"
    PARTY_SPIRIT = "party_spirit", "党性教育"
    PROFESSIONAL = "professional", "专业化能力"
    KNOWLEDGE = "knowledge", "知识培训"
