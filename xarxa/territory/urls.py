from django.urls import path

import xarxa.territory.views as views

# The longer path first: an id may hold a slash (`<path:pk>`).
urlpatterns = [
    path("areas/<path:pk>/map.json", views.area_map, name="area-map"),
    path("areas/<path:pk>/", views.area, name="area"),
]
