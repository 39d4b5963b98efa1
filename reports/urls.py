from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("reports/<int:pk>/regenerate/", views.report_regenerate, name="regenerate"),
    path("reports/<int:pk>/issue/", views.report_issue, name="issue"),
    path("reports/<int:pk>/delete/", views.report_delete, name="delete"),
]
