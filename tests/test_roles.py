"""The people of an organisation: its administrators (and site
administrators) see who holds which role, change and remove roles; nobody
else does, and administering one organisation gives no hold on another's.
Every change is in the history; an organisation keeps its last
administrator."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.conftest import ISOM, OTHER_ENTITY, make_user, signed_in
from xarxa.accounts import actions
from xarxa.accounts.models import Role
from xarxa.directory.models import Organization
from xarxa.history.models import Change


def people(org=ISOM):
    return reverse("organization-people", args=[org])


def role_of(username, org=ISOM):
    return Role.objects.get(user__username=username, organization_id=org)


@pytest.fixture
def colleague(demo):
    """An editor of ISOM whose role the administrator manages."""
    return make_user("colleague", org=ISOM, level="editor")


@pytest.mark.parametrize("who, status", [
    ("isom_admin", 200), ("site_admin", 200),
    ("isom_editor", 403), ("isom_viewer", 403), ("other_editor", 403),
])
def test_only_isom_s_administrators_and_site_administrators_see_its_people(who, status, request):
    assert request.getfixturevalue(who).get(people()).status_code == status


def test_a_visitor_is_asked_to_sign_in(visitor, demo):
    response = visitor.get(people())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_organisation_is_not_found(isom_admin):
    assert isom_admin.get(people("no-such-org")).status_code == 404


def test_the_page_lists_who_holds_which_role(isom_admin, colleague):
    response = isom_admin.get(people())
    held = {(r.user.username, r.level) for r in response.context["page"]}
    assert held == {("isom-admin", "administrator"), ("colleague", "editor")}
    page = response.content.decode()
    assert page.count("<h1>") == 1
    assert '<label class="visually-hidden" for="level-' in page
    assert '<th scope="row">colleague</th>' in page


def test_an_administrator_changes_a_role_and_the_history_keeps_it(isom_admin, colleague):
    role = role_of("colleague")
    response = isom_admin.post(reverse("role-change", args=[ISOM, role.pk]),
                               {"level": "viewer"})
    assert response["Location"] == people()
    assert role_of("colleague").level == "viewer"
    change = Change.objects.get(model="accounts.role", object_id=str(role.pk))
    assert change.action == "update"
    assert change.before == {"user": "colleague", "organization": ISOM, "level": "editor"}
    assert change.after == {"user": "colleague", "organization": ISOM, "level": "viewer"}
    assert (change.actor_id, change.actor_label) == (isom_admin.user.pk, "web:isom-admin")


def test_an_administrator_removes_a_role_and_the_history_keeps_it(isom_admin, colleague):
    role = role_of("colleague")
    response = isom_admin.post(reverse("role-remove", args=[ISOM, role.pk]))
    assert response["Location"] == people()
    assert not Role.objects.filter(pk=role.pk).exists()
    change = Change.objects.get(model="accounts.role", object_id=str(role.pk))
    assert (change.action, change.after) == ("delete", None)
    assert change.before["level"] == "editor"


def test_changing_and_removing_take_a_post(isom_admin, colleague):
    role = role_of("colleague")
    assert isom_admin.get(reverse("role-change", args=[ISOM, role.pk])).status_code == 405
    assert isom_admin.get(reverse("role-remove", args=[ISOM, role.pk])).status_code == 405


def test_an_editor_of_isom_cannot_change_or_remove_roles(isom_editor, colleague):
    role = role_of("colleague")
    assert isom_editor.post(reverse("role-change", args=[ISOM, role.pk]),
                            {"level": "administrator"}).status_code == 403
    assert isom_editor.post(reverse("role-remove", args=[ISOM, role.pk])).status_code == 403
    assert role_of("colleague").level == "editor"


def test_an_administrator_of_isom_cannot_touch_another_organisation_s_roles(isom_admin,
                                                                           other_editor):
    theirs = role_of("other-editor", OTHER_ENTITY)
    assert isom_admin.get(people(OTHER_ENTITY)).status_code == 403
    assert isom_admin.post(reverse("role-change", args=[OTHER_ENTITY, theirs.pk]),
                           {"level": "viewer"}).status_code == 403
    assert isom_admin.post(reverse("role-remove", args=[OTHER_ENTITY, theirs.pk])).status_code == 403
    assert isom_admin.post(reverse("organization-invite", args=[OTHER_ENTITY]),
                           {"email": "x@example.org", "level": "administrator"}).status_code == 403
    # …nor through ISOM's own page, naming the other organisation's role.
    assert isom_admin.post(reverse("role-change", args=[ISOM, theirs.pk]),
                           {"level": "viewer"}).status_code == 404
    assert isom_admin.post(reverse("role-remove", args=[ISOM, theirs.pk])).status_code == 404
    assert role_of("other-editor", OTHER_ENTITY).level == "editor"
    assert not Change.objects.filter(model="accounts.role").exists()


def test_the_last_administrator_can_be_neither_removed_nor_demoted(isom_admin):
    mine = role_of("isom-admin")
    response = isom_admin.post(reverse("role-remove", args=[ISOM, mine.pk]))
    assert response["Location"] == people()
    assert "is the last administrator of" in [str(m) for m in get_messages(response.wsgi_request)][0]
    isom_admin.post(reverse("role-change", args=[ISOM, mine.pk]), {"level": "editor"})
    assert role_of("isom-admin").level == "administrator"
    assert not Change.objects.filter(model="accounts.role").exists()


def test_an_administrator_may_step_down_once_another_one_is_there(isom_admin, colleague):
    actions.change_role(role_of("colleague"), "administrator", acting_user=isom_admin.user)
    mine = role_of("isom-admin")
    response = isom_admin.post(reverse("role-change", args=[ISOM, mine.pk]), {"level": "editor"})
    # No longer an administrator: sent to their own page, not a page they may not see.
    assert response["Location"] == reverse("home")
    assert role_of("isom-admin").level == "editor"


def test_the_last_administrator_rule_holds_for_every_caller(demo):
    only = Role.objects.create(user=make_user("only"), organization_id=ISOM, level="administrator")
    with pytest.raises(Exception, match="last administrator"):
        actions.revoke_role(only, acting_user=None, via="test")
    with pytest.raises(Exception, match="last administrator"):
        actions.change_role(only, "viewer", acting_user=None, via="test")


def test_an_unknown_role_level_is_refused(isom_admin, colleague):
    role = role_of("colleague")
    isom_admin.post(reverse("role-change", args=[ISOM, role.pk]), {"level": "owner"})
    assert role_of("colleague").level == "editor"


def test_granting_a_role_someone_holds_changes_it_and_records_before_and_after(demo):
    user = make_user("ana")
    isom = Organization.objects.get(pk=ISOM)
    role = actions.grant_role(user, isom, "viewer", acting_user=None, via="test")
    again = actions.grant_role(user, isom, "editor", acting_user=None, via="test")
    assert again.pk == role.pk and again.level == "editor"
    rows = list(Change.objects.filter(model="accounts.role").order_by("id"))
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[0].actor_label.startswith("test:")


def test_an_administrator_of_a_network_manages_the_people_of_its_bodies(demo):
    fedaia_admin = signed_in(make_user("fedaia-admin", org="fedaia", level="administrator"))
    assert fedaia_admin.get(people("fedaia-junta-directiva")).status_code == 200
    assert fedaia_admin.get(people(ISOM)).status_code == 403


def test_a_site_administrator_manages_any_organisation(site_admin, other_editor):
    theirs = role_of("other-editor", OTHER_ENTITY)
    site_admin.post(reverse("role-change", args=[OTHER_ENTITY, theirs.pk]), {"level": "viewer"})
    assert role_of("other-editor", OTHER_ENTITY).level == "viewer"


def test_the_people_page_makes_its_baseline_of_queries(isom_admin, colleague, query_baseline):
    for n in range(5):
        make_user(f"more-{n}", org=ISOM, level="viewer")
    isom_admin.get(people())
    with query_baseline("GET /accounts/organisations/isom/people/ (isom_admin)"):
        assert isom_admin.get(people()).status_code == 200


# -- the admin ---------------------------------------------------------------


def test_the_admin_grants_changes_and_removes_roles_through_the_actions(site_admin, colleague):
    user = make_user("ana")
    response = site_admin.post(reverse("admin:accounts_role_add"), {
        "user": user.pk, "organization": ISOM, "level": "viewer"})
    assert response.status_code == 302
    role = role_of("ana")
    site_admin.post(reverse("admin:accounts_role_change", args=[role.pk]), {"level": "editor"})
    assert role_of("ana").level == "editor"
    site_admin.post(reverse("admin:accounts_role_delete", args=[role.pk]), {"post": "yes"})
    assert not Role.objects.filter(pk=role.pk).exists()
    rows = Change.objects.filter(model="accounts.role", object_id=str(role.pk)).order_by("id")
    assert [(r.action, r.actor_label) for r in rows] == [
        ("create", "admin:site-admin"), ("update", "admin:site-admin"),
        ("delete", "admin:site-admin")]


def test_the_admin_refuses_to_remove_the_last_administrator_with_a_message(site_admin,
                                                                         isom_admin):
    mine = role_of("isom-admin")
    response = site_admin.post(reverse("admin:accounts_role_delete", args=[mine.pk]),
                               {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert any("last administrator" in str(m) for m in response.context["messages"])
    assert Role.objects.filter(pk=mine.pk).exists()
    response = site_admin.post(reverse("admin:accounts_role_changelist"), {
        "action": "delete_selected", "_selected_action": [mine.pk], "post": "yes"}, follow=True)
    assert Role.objects.filter(pk=mine.pk).exists()


def test_the_admin_lists_of_roles_and_invitations_load(site_admin, colleague):
    for name in ("role", "invitation"):
        assert site_admin.get(reverse(f"admin:accounts_{name}_changelist"),
                              {"q": "isom"}).status_code == 200
        assert site_admin.get(reverse(f"admin:accounts_{name}_add")).status_code == 200
