from django.urls import path

from xarxa.directory import views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("organisations/<path:pk>/", views.organization, name="organization"),
]
