"""The forms of the sign-in, people and invitation pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from xarxa.accounts.models import Role


class SignInForm(AuthenticationForm):
    """Django's sign-in form; the name box takes an e-mail address too
    (accounts.backends.UsernameOrEmailBackend)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or e-mail")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class RoleForm(forms.Form):
    level = forms.ChoiceField(label=_("Role"), choices=Role.Level.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    level = forms.ChoiceField(label=_("Role"), choices=Role.Level.choices,
                              initial=Role.Level.EDITOR)


class NewAccountForm(UserCreationForm):
    """An account made from an invitation: the e-mail is the one invited."""

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.email = email
