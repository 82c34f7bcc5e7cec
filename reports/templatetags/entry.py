"""Template pieces the filling-in adds to pages it does not own: the workspace."""

from django import template

from ..selectors import current_reports_of

register = template.Library()


@register.inclusion_tag("reports/includes/workspace_reports.html", takes_context=True)
def current_reports_panel(context):
    """On the workspace: the person's current report(s), one click away."""
    user = context["request"].user
    return {"reports": current_reports_of(user), "user": user}
