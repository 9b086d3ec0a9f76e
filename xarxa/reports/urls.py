from django.urls import path

from xarxa.reports import views

app_name = "reports"

# Under reports/, not organisations/: an id may hold slashes, and
# `organisations/<path:pk>/` would take these addresses for an id.
urlpatterns = [
    path("reports/<path:pk>/page/", views.page, name="page"),
    path("reports/<path:pk>/page.md", views.page_markdown, name="page_md"),
    path("reports/<path:pk>/page/fragment/", views.page_fragment, name="page_fragment"),
]
