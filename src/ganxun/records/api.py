"""The ledger's endpoints: ``GET /api/v1/cadres/{person_code}/records`` (entries and reversals, paginated)."""

from datetime import date
from decimal import Decimal

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from ganxun.core.apierrors import answers
from ganxun.api.pagination import Pages
from ganxun.records.selectors import records_of_cadre

router = Router(tags=["学习记录"])


class RecordOut(Schema):
    reference: str = Field(description="外部编号，没有时为 R+记录号")
    title: str
    source: str
    content_category: str
    institution_name: str
    start_date: date
    end_date: date
    days: int
    hours: Decimal
    is_system_training: bool
    completed: bool
    status: str
    kind: str = Field(description="entry 登记 / reversal 冲销")
    reverses: str | None = None
    is_reversed: bool
    credit_hours: Decimal
    credit_days: int

    @staticmethod
    def resolve_reverses(obj):
        return obj.reverses.reference if obj.reverses_id else None


@router.get("{person_code}/records", response=answers(list[RecordOut], 404, 422), summary="干部的学习记录（含冲销）")
@paginate(Pages)
def cadre_records(request, person_code: str):
    return records_of_cadre(request.auth, person_code)


ROUTERS = (("/cadres/", router),)
