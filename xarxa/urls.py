"""Every page, form and feed. Each domain package keeps its own `urls.py`;
the names are what templates and tests use."""

from django.contrib import admin
from django.urls import include, path

from xarxa.core import views as core

urlpatterns = [
    path("", include("xarxa.directory.urls")),  # directory, organisations, networks, people
    path("", include("xarxa.territory.urls")),  # areas
    path("", include("xarxa.network.urls")),  # memberships, seats, representations
    path("", include("xarxa.activity.page_urls")),  # events, participations, campaigns, calendar
    path("", include("xarxa.activity.calendar_urls")),
    path("", include("xarxa.training.urls")),  # agreements, documents, placements
    path("accounts/", include("xarxa.accounts.urls")),  # sign in, roles, invitations
    path("calendar/", include("xarxa.activity.urls")),  # iCalendar feeds
    path("graph/", include("xarxa.graph.urls")),  # the network map and its questions
    path("", include("xarxa.reports.urls")),  # the page, the annual report, the indicators
    path("lookup/<str:collection>/", core.lookup, name="lookup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
