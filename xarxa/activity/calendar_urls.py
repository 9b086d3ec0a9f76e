"""The events calendar (xarxa/activity/calendar_views.py)."""

from django.urls import path

from xarxa.activity import calendar_views

urlpatterns = [
    path("events/", calendar_views.calendar, name="calendar"),
]
