"""Memberships, seats (posts) and representations."""

from django.urls import path

from xarxa.network import views

urlpatterns = [
    path("memberships/new/", views.membership_new, name="membership-new"),
    path("memberships/<path:pk>/edit/", views.membership_edit, name="membership-edit"),
    path("memberships/<path:pk>/end/", views.membership_end, name="membership-end"),
    path("posts/new/", views.post_new, name="post-new"),
    path("posts/<path:pk>/edit/", views.post_edit, name="post-edit"),
]
