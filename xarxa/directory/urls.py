from django.urls import path

import xarxa.territory.views as territory
from xarxa.directory import views

# The longer paths first: an id may hold a slash (`<path:pk>`).
urlpatterns = [
    path("", views.directory, name="directory"),
    path("organisations/<path:pk>/history/", views.history, name="organization-history"),
    path("organisations/<path:pk>/map.json", territory.organization_map, name="organization-map"),
    path("organisations/<path:pk>/", views.organization, name="organization"),
    path("networks/<path:pk>/", views.network, name="network"),
    path("people/<path:pk>/", views.person, name="person"),
]
