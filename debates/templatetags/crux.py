"""Template helpers: markdown rendering and permission questions asked of the policy."""

from django import template

from debates import policy
from debates.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.filter
def can_moderate_note(annotation, user) -> bool:
    return policy.can_moderate_annotation(user, annotation)
