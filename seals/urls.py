from django.urls import path

from . import views

app_name = "seals"

urlpatterns = [
    path("siegel/", views.register, name="register"),
    path("siegel/antraege/", views.application_list, name="applications"),
    path("siegel/antraege/neu/", views.application_create, name="create"),
    path("siegel/logo/", views.organisation_logo, name="logo_set"),
    path("siegel/antraege/<int:pk>/", views.application_detail, name="application"),
    path("siegel/antraege/<int:pk>/darlegungen/", views.statements_edit, name="statements"),
    path("siegel/antraege/<int:pk>/nachweise/", views.evidence_upload, name="evidence_upload"),
    path("siegel/antraege/<int:pk>/nachweise/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path(
        "siegel/antraege/<int:pk>/nachweise/<int:evidence_pk>/entfernen/",
        views.evidence_delete,
        name="evidence_delete",
    ),
    path("siegel/antraege/<int:pk>/schritt/", views.application_transition, name="transition"),
    path("siegel/antraege/<int:pk>/pruefung/", views.application_review, name="review"),
    path("siegel/antraege/<int:pk>/vorschlag/", views.application_propose, name="propose"),
    path("siegel/<uuid:public_id>/", views.verify, name="verify"),
    path("siegel/<uuid:public_id>/badge.svg", views.badge, name="badge"),
    path("siegel/<uuid:public_id>/logo/", views.logo, name="logo"),
    path("siegel/<uuid:public_id>/entziehen/", views.seal_revoke, name="revoke"),
]
