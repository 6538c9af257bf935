"""The three simple libraries (教材, 案例, 现场教学点): one description each, read by their services, pages
and API alike, so that the three are one set of code."""

from dataclasses import dataclass

from ganxun.resources.models import Case, FieldSite, Material


@dataclass(frozen=True)
class ExtraField:
    name: str
    label: str
    kind: str = "text"  # text | year | count | bool
    max_length: int = 100


@dataclass(frozen=True)
class ItemKind:
    key: str  # the URL segment and the audit rows' ``extra.kind``
    model: type
    label: str
    domain: str  # the dictionary domain of its category
    category_label: str
    icon: str
    extras: tuple[ExtraField, ...]
    order: int

    @property
    def code_label(self) -> str:
        return f"{self.label}编码"

    @property
    def name_label(self) -> str:
        return f"{self.label}名称"


ITEM_KINDS = {k.key: k for k in (
    ItemKind("materials", Material, "教材", "material_category", "类别", "bi-book",
             (ExtraField("publisher", "出版单位"), ExtraField("year", "出版年份", "year")), 40),
    ItemKind("cases", Case, "案例", "case_category", "类别", "bi-journal-richtext",
             (ExtraField("source", "来源"), ExtraField("year", "年份", "year")), 50),
    ItemKind("sites", FieldSite, "现场教学点", "site_kind", "类型", "bi-geo-alt",
             (ExtraField("address", "地址", max_length=200), ExtraField("capacity", "容纳人数", "count"),
              ExtraField("is_party_spirit_base", "党性教育基地", "bool")), 60),
)}
