from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from guardian.core import ObjectPermissionChecker

from core.errors import DomainError
from core.forms import add_service_errors

from . import selectors, services
from .forms import InvitationForm, InvitationRegistrationForm, RoleForm
from .models import Body, Invitation, Membership
from .pages import body_page_context
from .permissions import may_remove_members, may_view_audit


@login_required
def body_list(request):
    bodies = selectors.bodies_visible(user=request.user)
    return render(request, "workgroups/body_list.html", {"bodies": bodies})


@login_required
def body_detail(request, slug):
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
    can_remove = can_manage or may_remove_members(request.user, body)
    role_choices = RoleForm.base_fields["role"].choices if body.kind == Body.Kind.WORKING_GROUP else []
    memberships = list(selectors.memberships_active(body=body))
    member_rows, csrf_input = _member_rows(
        request, memberships, role_choices=role_choices if can_manage else [], can_remove=can_remove
    )
    return render(
        request,
        "workgroups/body_detail.html",
        {
            "body": body,
            "memberships": memberships,
            "member_rows": member_rows,
            "csrf_input": csrf_input,
            "my_membership": selectors.membership_active_get(user=request.user, body=body),
            **body_page_context(user=request.user, body=body),
            "children": (
                []
                if body.kind == Body.Kind.WORKING_GROUP
                else selectors.bodies_visible(user=request.user).filter(parent=body)
            ),
            "invitations": selectors.invitations_of(body=body) if can_manage else [],
            "can_manage": can_manage,
            # A working group's chair may not open the steering team above it: no link to a 404.
            "parent_visible": body.parent_id is not None
            and selectors.bodies_visible(user=request.user).filter(pk=body.parent_id).exists(),
            "can_remove": can_remove,
            "can_view_audit": can_remove and may_view_audit(request.user, body),
            "can_create_project": perms.has_perm("workgroups.create_project", body),
            "role_choices": role_choices,
            "form": form,
        },
    )


def _url_maker(name: str):
    """The URL `name` for a given pk, reversed once (workgroups may not import projects' twin)."""
    head, tail = reverse(name, kwargs={"pk": 999999999}).split("999999999")
    return lambda pk: f"{head}{pk}{tail}"


def _member_rows(request, memberships, *, role_choices, can_remove: bool) -> tuple[list[dict], str]:
    """The members list's rows with what every row shares built once per page: the role options
    (one string per role, that role selected), the URLs from their prefix, the CSRF field."""
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    options = {
        current: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if value == current else "", label) for value, label in role_choices),
        )
        for current, _label in role_choices
    }
    role_url, end_url = _url_maker("workgroups:membership_role"), _url_maker("workgroups:membership_end")
    rows = []
    for membership in memberships:
        user = membership.user
        name = str(user)
        rows.append(
            {
                "pk": membership.pk,
                "name": name,
                "organisation": user.organisation.name if user.organisation_id else "",
                "role": membership.get_role_display(),
                "role_options": options.get(membership.role) if options else "",
                "role_label": _("Rolle von %(name)s") % {"name": name},
                "role_url": role_url(membership.pk) if options else "",
                "end_url": end_url(membership.pk) if can_remove and user.pk != request.user.pk else "",
            }
        )
    return rows, csrf


def _membership_for(request, pk) -> tuple[Membership, Body]:
    membership = get_object_or_404(Membership.objects.select_related("body"), pk=pk, left_at__isnull=True)
    return membership, selectors.body_get_for_user(user=request.user, slug=membership.body.slug)


@require_POST
@login_required
def membership_end(request, pk):
    membership, body = _membership_for(request, pk)
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
def membership_role(request, pk):
    membership, body = _membership_for(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Diese Rolle gibt es in diesem Gremium nicht."))
        return redirect(body)
    try:
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Rolle geändert."))
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


def _invitation_for(request, pk) -> tuple[Invitation, Body]:
    invitation = get_object_or_404(Invitation.objects.select_related("body"), pk=pk)
    return invitation, selectors.body_get_for_user(user=request.user, slug=invitation.body.slug)


def _invitation_act(request, pk, service, done: str):
    invitation, body = _invitation_for(request, pk)
    try:
        service(invitation=invitation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, done)
    return redirect(body)


@require_POST
@login_required
def invitation_withdraw(request, pk):
    return _invitation_act(request, pk, services.invitation_withdraw, _("Einladung zurückgezogen."))


@require_POST
@login_required
def invitation_resend(request, pk):
    return _invitation_act(
        request,
        pk,
        services.invitation_resend,
        _("Einladung erneut verschickt; ältere Links gelten nicht mehr."),
    )


@login_required
def body_audit(request, slug):
    body = selectors.body_audit_get_for_user(user=request.user, slug=slug)
    page = Paginator(selectors.audit_entries_of(body=body), 50).get_page(request.GET.get("page"))
    return render(request, "workgroups/body_audit.html", {"body": body, "page": page})


def invitation_register(request, token):
    """The page an invitation link opens: register (or, with an account, accept) and join."""
    try:
        invitation = services.invitation_from_link(token)
    except DomainError as exc:
        return render(request, "workgroups/invitation_invalid.html", {"reason": exc.reason}, status=410)
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request,
                "workgroups/invitation_invalid.html",
                {"reason": _("Diese Einladung gilt einer anderen E-Mail-Adresse. Bitte melden Sie sich ab.")},
                status=403,
            )
        if request.method == "POST":
            try:
                services.invitation_accept_by_link(token=token, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.reason)
                return redirect("portal:dashboard")
            messages.success(request, _("Willkommen in %(name)s.") % {"name": invitation.body.name})
            return redirect(invitation.body)
        return render(
            request, "workgroups/invitation_register.html", {"invitation": invitation, "form": None}
        )
    form = InvitationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_register(
                token=token,
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
                organisation=data["organisation"],
                organisation_name=data["organisation_name"],
                language=data["language"],
            )
        except ValidationError as exc:
            form.add_error("password1", exc.messages)
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Willkommen in %(name)s.") % {"name": invitation.body.name})
            return redirect(invitation.body)
    return render(request, "workgroups/invitation_register.html", {"invitation": invitation, "form": form})
