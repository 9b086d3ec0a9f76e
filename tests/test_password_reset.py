"""A forgotten password: the reset link goes by mail through the configured
backend (the console unless SMTP is set up), works once, and the new
password signs in."""

import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user

NEW = "a-brand-new-password-7"


@pytest.fixture
def person(db):
    return make_user("marta")


def ask_for_reset(email: str) -> Client:
    client = Client()
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    return client


def link_in(message) -> str:
    found = re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_reset_link_is_mailed_and_lets_the_person_choose_a_new_password(person):
    client = ask_for_reset("marta@example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marta@example.org"]
    assert "Reset your password on Xarxa" in message.subject
    assert "marta" in message.body

    # Django swaps the token for a session key first, so it never sits in a Referer.
    form_page = client.get(link_in(message), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    response = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("password_reset_complete")
    assert client.get(reverse("password_reset_complete")).status_code == 200

    fresh = Client()
    fresh.post(reverse("login"), {"username": "marta", "password": NEW})
    assert int(fresh.session[SESSION_KEY]) == person.pk


def test_the_link_works_only_once(person):
    client = ask_for_reset("marta@example.org")
    link = link_in(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    again = Client().get(link, follow=True)
    assert again.status_code == 200
    assert not again.context["validlink"]
    assert "This link does not work" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(db):
    ask_for_reset("nobody@example.org")
    assert mail.outbox == []


def mail_settings(tmp_path, **env) -> list[str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("XARXA_EMAIL_") and k != "DATABASE_URL"}
    environ |= {"XARXA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "xarxa.settings", **env}
    code = ("from django.conf import settings as s; "
            "print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_HOST', ''), getattr(s, 'EMAIL_PORT', ''), "
            "s.DEFAULT_FROM_EMAIL)")
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True,
                          text=True, check=True).stdout.split()


def test_the_mail_goes_to_the_console_unless_an_smtp_server_is_configured(tmp_path):
    assert mail_settings(tmp_path)[0] == "django.core.mail.backends.console.EmailBackend"
    assert mail_settings(tmp_path, XARXA_EMAIL_HOST="smtp.example.org", XARXA_EMAIL_PORT="465",
                         XARXA_FROM_EMAIL="xarxa@example.org") == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "465",
        "xarxa@example.org"]


def test_the_reset_pages_label_their_fields(person):
    page = Client().get(reverse("password_reset")).content.decode()
    assert '<label for="id_email">Email:</label>' in page
    assert page.count("<h1>") == 1
