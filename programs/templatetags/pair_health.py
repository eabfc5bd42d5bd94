"""`{{ pair|risk_reasons }}`: why a pair annotated by programs.selectors.health.with_risk is at risk."""

from __future__ import annotations

from django import template

from programs.selectors import health

register = template.Library()


@register.filter
def risk_reasons(pair: object) -> list[str]:
    return health.risk_reasons(pair)  # type: ignore[arg-type]
