from django.urls import path

from xarxa.reports import federation_views, indicator_views, views

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
    # Before the annual report's: `<path:pk>` would take "fedaia/federation".
    path("reports/<path:pk>/federation/<int:year>/", federation_views.federation, name="federation"),
    path("reports/<path:pk>/federation/<int:year>.<str:fmt>", federation_views.federation_file,
         name="federation_file"),
    path("reports/<path:pk>/<int:year>/", views.annual_report, name="annual"),
    path("reports/<path:pk>/<int:year>.<str:fmt>", views.annual_file, name="annual_file"),
]
