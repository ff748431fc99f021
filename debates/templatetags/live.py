"""`{% live_wiring debate as live %}`: how the map page hears of changes (see debates.live)."""

from django import template

from debates import live

register = template.Library()


@register.simple_tag(takes_context=True)
def live_wiring(context, debate) -> live.Wiring:
    return live.wiring(request=context.get("request"), debate=debate)
