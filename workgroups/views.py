from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from guardian.core import ObjectPermissionChecker

from core.errors import DomainError
from core.forms import add_service_errors

from . import selectors, services
from .forms import InvitationForm
from .models import Body, Invitation, Membership


@login_required
def body_list(request):
    bodies = selectors.bodies_visible(user=request.user)
    return render(request, "workgroups/body_list.html", {"bodies": bodies})


@login_required
def body_detail(request, slug):
    from projects.selectors import projects_of_group  # the group page shows its projects

    body = selectors.body_get_for_user(user=request.user, slug=slug)
    # One checker answers both questions from one fetch (user.has_perm fetches each time).
    perms = ObjectPermissionChecker(request.user)
    can_manage = perms.has_perm("workgroups.manage_members", body)
    form = InvitationForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invitation_create(
                    body=body,
                    invitee_email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except DomainError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Einladung verschickt."))
                return redirect(body)
    return render(
        request,
        "workgroups/body_detail.html",
        {
            "body": body,
            "memberships": selectors.memberships_active(body=body),
            "my_membership": selectors.membership_active_get(user=request.user, body=body),
            "projects": projects_of_group(user=request.user, body=body),
            "children": (
                []
                if body.kind == Body.Kind.WORKING_GROUP
                else selectors.bodies_visible(user=request.user).filter(parent=body)
            ),
            "invitations": selectors.invitations_open_of(body=body) if can_manage else [],
            "can_manage": can_manage,
            "can_create_project": perms.has_perm("workgroups.create_project", body),
            "form": form,
        },
    )


@require_POST
@login_required
def membership_end(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("body"), pk=pk, left_at__isnull=True)
    body = selectors.body_get_for_user(user=request.user, slug=membership.body.slug)
    try:
        services.membership_end(membership=membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Mitgliedschaft beendet."))
    if membership.user_id == request.user.pk:
        return redirect("portal:dashboard")
    return redirect(body)


@require_POST
@login_required
def invitation_answer(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk, invitee=request.user)
    accept = request.POST.get("accept") == "1"
    try:
        services.invitation_answer(invitation=invitation, actor=request.user, accept=accept)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("portal:dashboard")
    if accept:
        messages.success(request, _("Willkommen in %(name)s.") % {"name": invitation.body.name})
        return redirect(invitation.body)
    messages.info(request, _("Einladung abgelehnt."))
    return redirect("portal:dashboard")


@require_POST
@login_required
def invitation_withdraw(request, pk):
    invitation = get_object_or_404(Invitation.objects.select_related("body"), pk=pk)
    body = selectors.body_get_for_user(user=request.user, slug=invitation.body.slug)
    try:
        services.invitation_withdraw(invitation=invitation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    return redirect(body)
