from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("join/<str:token>/", lambda request, token: HttpResponse("ok"))]
