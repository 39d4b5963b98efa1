from django.urls import path

from . import views

app_name = "workgroups"

urlpatterns = [
    path("", views.body_list, name="list"),
    path("<slug:slug>/", views.body_detail, name="detail"),
    path("<slug:slug>/audit/", views.body_audit, name="audit"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("join/<str:token>/", views.invitation_register, name="invitation_register"),
]
