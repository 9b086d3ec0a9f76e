from django.urls import path

from xarxa.graph import views

app_name = "graph"

urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("data.json", views.data, name="data"),
    path("ego.json", views.ego_json, name="ego_json"),
    path("path.json", views.path_json, name="path_json"),
    path("table/", views.table, name="table"),
    path("path/", views.path_page, name="path"),
    path("representations/", views.representations_page, name="representations"),
    path("analysis/", views.analysis_page, name="analysis"),
    path("evolution/<str:pk>/", views.evolution_page, name="evolution"),
    path("export.<str:fmt>", views.export, name="export"),
]
