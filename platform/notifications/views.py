"""The inbox, the bell and the preferences page; htmx partials with plain-form fallbacks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling, trigger_client_event

from .forms import PreferencesForm
from .rendering import message_render
from .selectors import (
    inbox_entries,
    notification_get_for_user,
    notifications_for_user,
    preferences_for_user,
    unread_count,
)
from .services import notification_mark_read, notifications_mark_all_read, preferences_update

PAGE_SIZE = 25
CHANGED = "notifications-changed"  # the bell listens for it and refreshes at once


def _inbox_context(request: HttpRequest) -> dict:
    unread_only = request.GET.get("filter") == "unread" or request.POST.get("filter") == "unread"
    page = Paginator(notifications_for_user(user=request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {
        "page": page,
        "entries": inbox_entries(page.object_list),
        "unread_only": unread_only,
        "unread": unread_count(user=request.user),
    }


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/inbox.html", _inbox_context(request))


@never_cache
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The unread count for the header's bell, polled by htmx."""
    if not request.user.is_authenticated:
        return HttpResponseStopPolling()  # signed out in another tab: stop asking
    return render(request, "notifications/_bell_count.html", {"count": unread_count(user=request.user)})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, pk=pk)
    notification_mark_read(notification=notification)
    if request.htmx:
        entry = inbox_entries([notification])[0]
        response = render(request, "notifications/_inbox_item.html", {"entry": entry})
        return trigger_client_event(response, CHANGED)
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if request.htmx:
        response = render(request, "notifications/_inbox_list.html", _inbox_context(request))
        return trigger_client_event(response, CHANGED)
    if count:
        messages.success(request, _("Alle Benachrichtigungen sind als gelesen markiert."))
    return _back_to_inbox(request)


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to the thing it is about (the inbox if it has no page)."""
    notification = notification_get_for_user(user=request.user, pk=pk)
    notification_mark_read(notification=notification)
    url = message_render(notification).url
    return redirect(url) if url else redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    rows = preferences_for_user(user=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, values=form.chosen())
        messages.success(request, _("Ihre Benachrichtigungseinstellungen wurden gespeichert."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
