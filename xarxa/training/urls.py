"""Agreements, their documents and placements (xarxa/training/views.py).
The fixed words come before an agreement's id, which may hold a slash."""

from django.urls import path

from xarxa.training import views

urlpatterns = [
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement-new"),
    path("agreements/documents/<str:pk>/", views.document_download, name="agreement-document"),
    path("agreements/<path:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<path:pk>/documents/new/", views.document_new,
         name="agreement-document-new"),
    path("agreements/<path:pk>/placements/new/", views.placement_new, name="placement-new"),
    path("agreements/<path:pk>/", views.agreement, name="agreement"),
    path("placements/<str:pk>/", views.placement, name="placement"),
    path("placements/<str:pk>/edit/", views.placement_edit, name="placement-edit"),
]
