from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("veranstaltungen/", views.event_list, name="list"),
    path("veranstaltungen/feed.ics", views.feed_ics, name="feed"),
    path("veranstaltungen/neu/", views.event_create, name="create"),
    path("veranstaltungen/gast/<str:token>/", views.guest_page, name="guest"),
    path("veranstaltungen/gast/<str:token>/kalender.ics", views.guest_ics, name="guest_ics"),
    path("veranstaltungen/<slug:slug>/", views.event_detail, name="detail"),
    path("veranstaltungen/<slug:slug>/kalender.ics", views.event_ics, name="ics"),
    path("veranstaltungen/<slug:slug>/anmelden/", views.event_register, name="register"),
    path("veranstaltungen/<slug:slug>/abmelden/", views.event_unregister, name="unregister"),
    path("veranstaltungen/<slug:slug>/bearbeiten/", views.event_edit, name="edit"),
    path("veranstaltungen/<slug:slug>/absagen/", views.event_cancel, name="cancel"),
    path("veranstaltungen/<slug:slug>/anmeldungen/", views.event_registrations, name="registrations"),
    path("veranstaltungen/<slug:slug>/gaeste/", views.event_invite, name="invite"),
    path("veranstaltungen/<slug:slug>/anwesenheit/", views.event_attendance, name="attendance"),
    path(
        "veranstaltungen/<slug:slug>/anmeldungen/<int:pk>/stornieren/",
        views.registration_cancel,
        name="registration_cancel",
    ),
]
