"""The iCalendar feeds calendar applications subscribe to (xarxa/activity/ical.py)."""

from django.urls import path

from xarxa.activity import views

urlpatterns = [
    path("organisations/<path:pk>.ics", views.organization_calendar, name="organization-calendar"),
    path("areas/<path:pk>.ics", views.area_calendar, name="area-calendar"),
]
