"""The orgs spreadsheet columns (interfaces.md)."""

from ganxun.orgs.models import Level, Org, OrgType

COLUMNS = ["单位编码", "单位名称", "上级编码", "类型", "级别"]


def export_rows(orgs: list[Org]):
    code_by_path = {o.path: o.code for o in orgs}
    for o in orgs:
        parent = code_by_path.get(o.path[: -o.steplen], "")
        if not parent and o.depth > 1:
            parent = Org.objects.filter(path=o.path[: -o.steplen]).values_list("code", flat=True).first() or ""
        yield [o.code, o.name, parent, OrgType(o.org_type).label, Level(o.level).label]
