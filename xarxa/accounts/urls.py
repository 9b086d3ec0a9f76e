"""Signing in and out, passwords, the person's own page, the people of an
organisation and invitations, all under /accounts/.

The sign-in views are Django's, with the names `django.contrib.auth.urls`
gives them (`login`, `logout`, `password_reset`, …) and Xarxa's templates.
Those templates are named `accounts/…`, not `registration/…`: the admin
ships its own `registration/password_*.html`, which would be found first.
"""

from django.contrib.auth import views as auth
from django.urls import path

import xarxa.accounts.views as views
from xarxa.accounts.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth.LoginView.as_view(
        template_name="registration/login.html", authentication_form=SignInForm,
        redirect_authenticated_user=True), name="login"),
    # Django 5 signs out by POST only: a link or an image cannot sign anyone out.
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password_change/", auth.PasswordChangeView.as_view(
        template_name="accounts/password_change_form.html"), name="password_change"),
    path("password_change/done/", auth.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("password_reset/", auth.PasswordResetView.as_view(
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt"), name="password_reset"),
    path("password_reset/done/", auth.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html"), name="password_reset_confirm"),
    path("reset/done/", auth.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    # The people of an organisation: its administrators manage them.
    path("organisations/<path:pk>/people/", views.people, name="organization-people"),
    path("organisations/<path:pk>/people/invite/", views.invite, name="organization-invite"),
    path("organisations/<path:pk>/people/<int:role_id>/", views.role_change, name="role-change"),
    path("organisations/<path:pk>/people/<int:role_id>/remove/", views.role_remove,
         name="role-remove"),
    path("organisations/<path:pk>/invitations/<int:invitation_id>/withdraw/",
         views.invitation_withdraw, name="invitation-withdraw"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
