"""Events, participations ("log hours") and campaigns (pages.py). The
specific addresses come before the record pages, whose ids may hold a slash."""

from django.urls import path

from xarxa.activity import pages

urlpatterns = [
    path("events/new/", pages.event_new, name="event-new"),
    path("events/<path:pk>/edit/", pages.event_edit, name="event-edit"),
    path("events/<path:pk>/repeat/", pages.event_repeat, name="event-repeat"),
    path("events/<path:pk>/participations/new/", pages.participation_new,
         name="participation-new"),
    path("events/<path:pk>/", pages.event, name="event"),
    path("participations/<path:pk>/edit/", pages.participation_edit, name="participation-edit"),
    path("hours/log/", pages.log_hours, name="log-hours"),
    path("campaigns/new/", pages.campaign_new, name="campaign-new"),
    path("campaigns/<path:pk>/edit/", pages.campaign_edit, name="campaign-edit"),
    path("campaigns/<path:pk>/", pages.campaign, name="campaign"),
]
