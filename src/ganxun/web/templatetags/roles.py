"""Role questions for templates, asked through ``ganxun.core.roles`` (never ``user.role == '…'``).

``{% load roles %}`` then ``{% if user|is_cadre %}`` (a cadre's own login).
"""

from django import template

from ganxun.core import roles

register = template.Library()


@register.filter
def is_cadre(user) -> bool:
    return roles.is_cadre(user)
