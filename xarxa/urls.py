from django.contrib import admin
from django.urls import include, path

from xarxa.directory import views as directory

urlpatterns = [
    path("", directory.directory, name="directory"),
    path("organisations/<path:pk>/", directory.organization, name="organization"),
    path("calendar/", include("xarxa.activity.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
