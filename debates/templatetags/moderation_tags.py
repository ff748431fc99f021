"""`{% policy_can "moderate" debate as allowed %}`: ask `policy.can` from a template whose
view did not pass a `can` dict (the claim page's moderation and flag forms)."""

from django import template

from debates import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def policy_can(context, action: str, debate, target=None) -> bool:
    request = context.get("request")
    if request is None or debate is None:
        return False
    return policy.can(request.user, action, debate, target)
