"""Sign in with a username or an e-mail address.

People are invited by e-mail, and many remember their address better than
the username they chose once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class UsernameOrEmailBackend(ModelBackend):
    """Django's backend (and its permissions), which also finds the account
    by e-mail when no username matches. An address shared by several
    accounts signs none in: it would be a guess which one was meant."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or not username or "@" not in username or password is None:
            return user
        users = get_user_model()._default_manager
        found = list(users.filter(email__iexact=username.strip())[:2])
        if len(found) != 1:
            # Hash anyway, as Django does for an unknown username: the time
            # taken must not tell whether an address has an account.
            get_user_model()().set_password(password)
            return None
        candidate = found[0]
        if candidate.check_password(password) and self.user_can_authenticate(candidate):
            return candidate
        return None
