from django.urls import path

from xarxa.reports import indicator_views, views

app_name = "reports"

# Under reports/, not organisations/: an id may hold slashes, and
# `organisations/<path:pk>/` would take these addresses for an id.
urlpatterns = [
    path("reports/<path:pk>/page/", views.page, name="page"),
    path("reports/<path:pk>/page.md", views.page_markdown, name="page_md"),
    path("reports/<path:pk>/page/fragment/", views.page_fragment, name="page_fragment"),
    path("reports/<path:pk>/indicators/<int:year>/", indicator_views.indicators, name="indicators"),
    path("reports/<path:pk>/indicators/<int:year>.<str:fmt>", indicator_views.indicators_file,
         name="indicators_file"),
    path("reports/<path:pk>/<int:year>/", views.annual_report, name="annual"),
    path("reports/<path:pk>/<int:year>.<str:fmt>", views.annual_file, name="annual_file"),
]
