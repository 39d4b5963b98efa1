"""Event pages: the list and an event's page (public events without login), registering and
cancelling, the guest's page by their link, the calendar files, and the staff pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_service_errors
from core.markdown import render_markdown

from . import ical, selectors, services
from .forms import EventForm, GuestInviteForm
from .models import Event, Registration
from .permissions import may_manage_events

PAST_SHOWN = 50


def event_list(request):
    return render(
        request,
        "events/list.html",
        {
            "upcoming": selectors.events_upcoming(user=request.user),
            "past": selectors.events_past(user=request.user)[:PAST_SHOWN],
            "may_manage": may_manage_events(request.user),
        },
    )


def _detail_context(request, event: Event) -> dict:
    registration = selectors.registration_of(event=event, user=request.user)
    return {
        "event": event,
        "agenda": render_markdown(event.agenda),
        "registration": registration,
        "position": services.waiting_position(registration) if registration else None,
        "may_manage": may_manage_events(request.user),
        "free": None if event.capacity is None else max(event.capacity - event.confirmed_count, 0),
    }


def event_detail(request, slug: str):
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    return render(request, "events/detail.html", _detail_context(request, event))


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, slug: str):
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    return _ics(ical.calendar_of([event], name=event.title), f"{event.slug}.ics")


def feed_ics(request):
    events = selectors.events_upcoming_public()
    return _ics(
        ical.calendar_of(events, name=_("Aachener Industrie-Dialog: Veranstaltungen")), "veranstaltungen.ics"
    )


@require_POST
@login_required
def event_register(request, slug: str):
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    try:
        registration = services.registration_create(event=event, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Sie sind angemeldet. Ihr Platz ist bestätigt."))
        else:
            messages.info(
                request,
                _("Die Veranstaltung ist ausgebucht. Sie stehen auf Platz %(position)d der Warteliste.")
                % {"position": services.waiting_position(registration)},
            )
    return redirect(event)


@require_POST
@login_required
def event_unregister(request, slug: str):
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    registration = selectors.registration_of(event=event, user=request.user)
    if registration is None:
        messages.error(request, _("Sie sind für diese Veranstaltung nicht angemeldet."))
        return redirect(event)
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Ihre Anmeldung ist storniert."))
    return redirect(event)


def guest_page(request, token: str):
    """A guest's own page, reached by the personal link in their mail: status, calendar, cancel."""
    try:
        registration = services.registration_from_guest_link(token)
    except DomainError as exc:
        return render(request, "events/guest_invalid.html", {"reason": exc.reason}, status=404)
    if request.method == "POST":
        try:
            services.guest_cancel(token=token)
        except DomainError as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("Ihre Anmeldung ist storniert. Vielen Dank für Ihre Nachricht."))
        return redirect("events:guest", token=token)
    return render(
        request,
        "events/guest.html",
        {
            "registration": registration,
            "event": registration.event,
            "agenda": render_markdown(registration.event.agenda),
            "position": services.waiting_position(registration),
        },
    )


def guest_ics(request, token: str):
    try:
        registration = services.registration_from_guest_link(token)
    except DomainError:
        raise Http404 from None
    event = registration.event
    return _ics(ical.calendar_of([event], name=event.title), f"{event.slug}.ics")


def _require_staff(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not may_manage_events(request.user):
        raise PermissionDenied


def _event_fields(form: EventForm) -> dict:
    data = dict(form.cleaned_data)
    data["slug"] = data.get("slug") or ""
    return data


@login_required
def event_create(request):
    _require_staff(request)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **_event_fields(form))
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Die Veranstaltung ist angelegt."))
            return redirect(event)
    return render(request, "events/form.html", {"form": form})


@login_required
def event_edit(request, slug: str):
    _require_staff(request)
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        fields = _event_fields(form)
        fields["slug"] = fields["slug"] or event.slug
        try:
            event = services.event_update(event=event, actor=request.user, **fields)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "event": event})


@require_POST
@login_required
def event_cancel(request, slug: str):
    _require_staff(request)
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    try:
        services.event_cancel(event=event, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request, _("Die Veranstaltung ist abgesagt; alle Angemeldeten werden benachrichtigt.")
        )
    return redirect(event)


def _registrations_page(
    request, event: Event, *, invite_form: GuestInviteForm | None = None, status: int = 200
):
    registrations = list(selectors.registrations_of_event(event=event, user=request.user))
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "confirmed": [r for r in registrations if r.status == Registration.Status.CONFIRMED],
            "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
            "cancelled": [r for r in registrations if r.status == Registration.Status.CANCELLED],
            "invite_form": invite_form or GuestInviteForm(),
        },
        status=status,
    )


@login_required
def event_registrations(request, slug: str):
    _require_staff(request)
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    return _registrations_page(request, event)


@require_POST
@login_required
def event_invite(request, slug: str):
    _require_staff(request)
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    form = GuestInviteForm(request.POST)
    if form.is_valid():
        try:
            registration = services.guest_invite(event=event, actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(email)s ist eingeladen; die E-Mail mit dem persönlichen Link geht gleich hinaus.")
                % {"email": registration.guest_email},
            )
            return redirect("events:registrations", slug=event.slug)
    return _registrations_page(request, event, invite_form=form, status=400)


@require_POST
@login_required
def registration_cancel(request, slug: str, pk: int):
    _require_staff(request)
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    registration = get_object_or_404(Registration, pk=pk, event=event)
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request, _("Die Anmeldung von %(name)s ist storniert.") % {"name": registration.display_name}
        )
    return redirect("events:registrations", slug=event.slug)


@require_POST
@login_required
def event_attendance(request, slug: str):
    _require_staff(request)
    event = selectors.event_get_for_user(user=request.user, slug=slug)
    present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
    try:
        came = services.attendance_take(event=event, actor=request.user, present_ids=present)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request,
            ngettext(
                "Anwesenheit gespeichert: %(count)d Person war da.",
                "Anwesenheit gespeichert: %(count)d Personen waren da.",
                came,
            )
            % {"count": came},
        )
    return redirect("events:registrations", slug=event.slug)
