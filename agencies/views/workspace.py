from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..selectors import role_assignments_of, user_roles


@login_required
@require_safe
def workspace(request):
    """Each person's start page: what their roles let them do."""
    assignments = [a for a in role_assignments_of(request.user) if a.is_current()]
    return render(
        request,
        "agencies/workspace.html",
        {"assignments": assignments, "roles": user_roles(request.user)},
    )
