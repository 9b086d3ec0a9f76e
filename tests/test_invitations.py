"""Invitations: an administrator invites someone by e-mail with a role; the
link works once, until it expires, for a person with an account or one who
makes it there; refused links say why; everything is in the history. The
command line invites too (the first administrator of an organisation)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ISOM, PASSWORD, make_user, signed_in
from xarxa.accounts import actions
from xarxa.accounts.models import Invitation, Role, token_hash
from xarxa.directory.models import Organization
from xarxa.history.models import Change

NEW_PASSWORD = "a-long-new-password-3"


def invite_from_the_page(client, email="nou@example.org", level="editor", org=ISOM):
    response = client.post(reverse("organization-invite", args=[org]),
                           {"email": email, "level": level})
    assert response.status_code == 302, response.content.decode()
    return response


def link_in(message) -> str:
    found = re.search(r"http://testserver(/accounts/invitations/[A-Za-z0-9_-]+/)", message.body)
    assert found, message.body
    return found.group(1)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def invitation_link(isom_admin):
    invite_from_the_page(isom_admin)
    return link_in(mail.outbox[-1])


def test_an_administrator_invites_by_e_mail_and_the_link_is_mailed(isom_admin):
    response = invite_from_the_page(isom_admin)
    assert response["Location"] == reverse("organization-people", args=[ISOM])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nou@example.org"]
    assert "Invitation to join" in message.subject
    assert "isom-admin invites you to join" in message.body and "as editor" in message.body
    token = token_of(link_in(message))
    assert len(token) >= 43  # 32 random bytes

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organization_id, invitation.level) == (
        "nou@example.org", ISOM, "editor")
    assert invitation.invited_by == isom_admin.user
    # Only the hash is kept: a copy of the database lets nobody in.
    assert invitation.token_hash == token_hash(token) != token
    days = (invitation.expires_at - timezone.now()).days
    assert days == 13  # XARXA_INVITATION_DAYS (14), less the moments just passed
    change = Change.objects.get(model="accounts.invitation")
    assert change.action == "create" and change.after["email"] == "nou@example.org"


def test_the_people_page_shows_pending_invitations(isom_admin, invitation_link):
    response = isom_admin.get(reverse("organization-people", args=[ISOM]))
    assert [i.email for i in response.context["pending"]] == ["nou@example.org"]


def test_a_bad_address_is_refused_next_to_its_field(isom_admin):
    response = isom_admin.post(reverse("organization-invite", args=[ISOM]),
                               {"email": "not an address", "level": "editor"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists() and mail.outbox == []


def test_an_editor_cannot_invite(isom_editor):
    response = isom_editor.post(reverse("organization-invite", args=[ISOM]),
                                {"email": "x@example.org", "level": "administrator"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_someone_with_an_account_accepts_and_gets_the_role(invitation_link):
    ana = make_user("ana")
    client = signed_in(ana)
    page = client.get(invitation_link)
    assert page.status_code == 200
    assert "You are signed in as ana." in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"  # the link stays on the site
    assert not Role.objects.filter(user=ana).exists()  # looking is not accepting

    response = client.post(invitation_link)
    assert response["Location"] == reverse("home")
    assert Role.objects.get(user=ana).level == "editor"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == ana and invitation.accepted_at is not None
    rows = Change.objects.filter(model__in=["accounts.role", "accounts.invitation"],
                                 actor_id=ana.pk).order_by("id")
    assert [(r.model, r.action) for r in rows] == [
        ("accounts.invitation", "update"), ("accounts.role", "create")]
    assert rows[0].batch == rows[1].batch != ""


def test_a_new_person_makes_an_account_and_gets_the_role(invitation_link):
    client = Client()
    page = client.get(invitation_link)
    assert page.status_code == 200
    text = page.content.decode()
    assert '<label for="id_username">Username:</label>' in text
    assert f"{reverse('login')}?next={invitation_link}" in text.replace("%2F", "/")

    response = client.post(invitation_link, {
        "username": "nou", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="nou")
    assert user.email == "nou@example.org"
    assert int(client.session[SESSION_KEY]) == user.pk
    assert Role.objects.get(user=user).level == "editor"
    # …and they sign in later with their address.
    fresh = Client()
    fresh.post(reverse("login"), {"username": "nou@example.org", "password": NEW_PASSWORD})
    assert int(fresh.session[SESSION_KEY]) == user.pk


def test_a_weak_password_or_a_taken_username_is_refused_and_the_link_still_works(invitation_link):
    make_user("taken")
    client = Client()
    response = client.post(invitation_link, {
        "username": "taken", "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "username" in errors and "password2" in errors
    assert not Invitation.objects.get().accepted_at
    assert client.post(invitation_link, {
        "username": "nou", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302


def test_a_used_link_is_refused_with_a_clear_message(invitation_link):
    signed_in(make_user("ana")).post(invitation_link)
    for client in (Client(), signed_in(make_user("bernat"))):
        response = client.post(invitation_link)
        assert response.status_code == 410
        assert "already been accepted" in response.content.decode()
        assert client.get(invitation_link).status_code == 410
    assert Role.objects.filter(organization_id=ISOM, user__username="bernat").count() == 0


def test_an_expired_link_is_refused_with_a_clear_message(invitation_link):
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = signed_in(make_user("ana"))
    for response in (client.get(invitation_link), client.post(invitation_link)):
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
    assert not Role.objects.filter(user__username="ana").exists()


def test_an_unknown_link_is_not_found_with_a_clear_message(demo):
    for token in ("made-up", "x" * 500):
        response = Client().get(reverse("invitation-accept", args=[token]))
        assert response.status_code == 404
        assert "This invitation link is not valid" in response.content.decode()


def test_a_withdrawn_invitation_no_longer_works(isom_admin, invitation_link):
    invitation = Invitation.objects.get()
    response = isom_admin.post(reverse("invitation-withdraw", args=[ISOM, invitation.pk]))
    assert response.status_code == 302
    assert Client().get(invitation_link).status_code == 410
    assert not isom_admin.get(reverse("organization-people", args=[ISOM])).context["pending"]
    change = Change.objects.filter(model="accounts.invitation").latest("id")
    assert change.action == "update" and change.before["expires_at"] != change.after["expires_at"]


def test_accepting_a_lower_role_keeps_the_higher_one_held(isom_admin):
    invite_from_the_page(isom_admin, email="isom-admin@example.org", level="viewer")
    isom_admin.post(link_in(mail.outbox[-1]))
    assert Role.objects.get(user=isom_admin.user).level == "administrator"
    assert Invitation.objects.get().accepted_at is not None


def test_an_invitation_may_raise_a_role(isom_admin, isom_viewer):
    invite_from_the_page(isom_admin, email="v@example.org", level="editor")
    isom_viewer.post(link_in(mail.outbox[-1]))
    assert Role.objects.get(user=isom_viewer.user).level == "editor"


def test_a_refused_mail_still_gives_the_administrator_the_link(isom_admin, settings, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("relay denied")

    monkeypatch.setattr("xarxa.accounts.actions.send_mail", refuse)
    response = isom_admin.post(reverse("organization-invite", args=[ISOM]),
                               {"email": "nou@example.org", "level": "viewer"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert any("could not be mailed" in m and "/accounts/invitations/" in m for m in said)
    assert Invitation.objects.count() == 1


# -- the command line --------------------------------------------------------


def test_the_command_prints_the_link_and_mails_it(demo, capsys):
    call_command("invite", "primera@example.org", "--org", ISOM, "--role", "administrator",
                 "--base-url", "https://xarxa.example.org/")
    out = capsys.readouterr()
    link = out.out.strip()
    assert re.fullmatch(r"https://xarxa\.example\.org/accounts/invitations/[A-Za-z0-9_-]+/", link)
    assert "mailed to primera@example.org" in out.err
    assert link in mail.outbox[0].body
    change = Change.objects.get(model="accounts.invitation")
    assert change.actor_id is None and change.actor_label.startswith("invite:")

    # The first administrator of an organisation comes in this way.
    client = Client()
    client.post(link.removeprefix("https://xarxa.example.org"), {
        "username": "primera", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert Role.objects.get(user__username="primera", organization_id=ISOM).level == "administrator"


def test_the_command_uses_xarxa_base_url_when_no_base_url_is_given(demo, capsys, settings):
    settings.XARXA_BASE_URL = "https://xarxa.fedaia.org"
    call_command("invite", "a@example.org", "--org", ISOM, "--role", "viewer")
    assert capsys.readouterr().out.startswith("https://xarxa.fedaia.org/accounts/invitations/")


@pytest.mark.parametrize("args, says", [
    (["a@example.org", "--org", "no-such-org", "--role", "editor"],
     "No organisation has the id 'no-such-org'."),
    (["a@example.org", "--org", ISOM, "--role", "owner"],
     "'owner' is not a role: choose administrator, editor or viewer."),
    (["not-an-address", "--org", ISOM, "--role", "editor"],
     "'not-an-address' is not an e-mail address."),
    (["a@example.org", "--org", ISOM, "--role", "editor", "--base-url", "xarxa.org"],
     "--base-url must start with http:// or https://, not 'xarxa.org'."),
])
def test_the_command_refuses_bad_input_with_status_2(demo, args, says):
    with pytest.raises(CommandError) as refused:
        call_command("invite", *args)
    assert str(refused.value) == says
    assert refused.value.returncode == 2
    assert not Invitation.objects.exists() and mail.outbox == []


def test_the_xarxa_command_exits_with_status_2_on_an_unknown_organisation(demo, monkeypatch,
                                                                          capsys):
    from xarxa.cli import main

    monkeypatch.delenv("XARXA_COMMAND_LANGUAGE", raising=False)
    monkeypatch.setenv("XARXA_LANGUAGE", "en")
    with pytest.raises(SystemExit) as exit_:
        main(["xarxa", "invite", "a@example.org", "--org", "nowhere", "--role", "editor"])
    assert exit_.value.code == 2
    assert "No organisation has the id 'nowhere'." in capsys.readouterr().err


# -- the admin ---------------------------------------------------------------


def test_the_admin_invites_and_shows_the_link_once(site_admin):
    response = site_admin.post(reverse("admin:accounts_invitation_add"), {
        "email": "nou@example.org", "organization": ISOM, "level": "viewer"}, follow=True)
    assert response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert any("/accounts/invitations/" in m for m in said)
    invitation = Invitation.objects.get()
    assert invitation.invited_by == site_admin.user
    assert len(mail.outbox) == 1
    assert Change.objects.get(model="accounts.invitation").actor_label == "admin:site-admin"


def test_the_admin_withdraws_invitations(site_admin):
    isom = Organization.objects.get(pk=ISOM)
    invited = actions.invite("x@example.org", isom, "viewer", acting_user=None,
                             base_url="http://testserver", via="test")
    site_admin.post(reverse("admin:accounts_invitation_changelist"), {
        "action": "withdraw", "_selected_action": [invited.invitation.pk]})
    invited.invitation.refresh_from_db()
    assert not invited.invitation.usable
    with pytest.raises(actions.InvitationRefused):
        actions.accept_invitation(token_of(invited.link), acting_user=make_user("late"))


def test_passwords_of_the_personas_still_work(isom_admin):
    # The invitation flow leaves the sign-in backend Django's for usernames.
    client = Client()
    client.post(reverse("login"), {"username": "isom-admin", "password": PASSWORD})
    assert SESSION_KEY in client.session
