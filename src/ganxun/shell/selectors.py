from django.db.models import Count, Q

from ganxun.cadres.selectors import cadres_visible_to
from ganxun.orgs.selectors import orgs_visible_to


def home_summary(user) -> dict:
    """The headline numbers of the user's scope, for the 工作台."""
    cadres = cadres_visible_to(user).order_by().aggregate(
        total=Count("id"),
        leaders=Count("id", filter=Q(is_leader=True)),
        division=Count("id", filter=Q(tier__in=("ministerial", "bureau", "division"))),
        young=Count("id", filter=Q(is_young_talent=True)),
        female=Count("id", filter=Q(gender="female")),
    )
    return {"cadres": cadres, "orgs": orgs_visible_to(user).count()}
