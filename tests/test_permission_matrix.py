"""Every URL, for every persona: the access the rules allow, and no other.

The routes are read from the URL configuration, so a new page or endpoint
that is not listed here fails the test until someone says who may use it.
Records are the ISOM demo's: ISOM keeps them; the other entity is the
neighbourhood coordinadora, whose editor must be refused every ISOM edit and
must not see ISOM's private records.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ISOM, make_user, signed_in
from tests.test_agreement_pages import A_2022, PDF
from xarxa.core.writes import Actor, create
from xarxa.history.models import Change
from xarxa.network.models import Post
from xarxa.training.models import AgreementDocument

OK = {200}
LOGIN = {302}  # to the sign-in page
ELSEWHERE = {302}  # somewhere that is not the sign-in page
REFUSED = {403, 404}  # 404 where even the record's existence is private
HIDDEN = {404}

EVERYONE = dict.fromkeys(("visitor", "isom_viewer", "isom_editor", "isom_admin", "other_editor",
                          "site_admin"), OK)
SIGNED_IN = {**EVERYONE, "visitor": LOGIN}
# A record ISOM keeps, private: ISOM's people and site administrators see it.
PRIVATE = {**EVERYONE, "visitor": HIDDEN, "other_editor": HIDDEN}
# For signed-in users (agreements by default).
MEMBERS = {**EVERYONE, "visitor": HIDDEN}
# Editing a record ISOM keeps.
EDIT_ISOM = {"visitor": LOGIN, "isom_viewer": REFUSED, "isom_editor": OK, "isom_admin": OK,
             "other_editor": REFUSED, "site_admin": OK}
# Creating a record for one's own organisation: any editor.
CREATE = {**EDIT_ISOM, "other_editor": OK}
ADMINISTER_ISOM = {**EDIT_ISOM, "isom_editor": REFUSED}

# name → (GET expectations or None for POST-only routes, URL arguments)
ROUTES: dict[str, tuple[dict[str, set[int]] | None, list[str]]] = {
    "directory": (EVERYONE, []),
    "organization": (EVERYONE, [ISOM]),
    "organization-history": (EVERYONE, [ISOM]),
    "organization-map": (EVERYONE, [ISOM]),
    "network": (EVERYONE, ["fedaia"]),
    "person": (PRIVATE, ["demo-persona-06"]),
    "area": (EVERYONE, ["barcelona-neighbourhood-62"]),
    "area-map": (EVERYONE, ["barcelona-neighbourhood-62"]),
    "membership-new": (CREATE, []),
    "membership-edit": (EDIT_ISOM, ["isom-fedaia"]),
    "membership-end": (EDIT_ISOM, ["isom-fedaia"]),
    "post-new": (CREATE, []),
    "post-edit": (EDIT_ISOM, ["matrix-seat"]),
    "event-new": (CREATE, []),
    "event-edit": (EDIT_ISOM, ["isom-sensibilitza-2025-xerrada"]),
    "event-repeat": (None, ["isom-sensibilitza-2025-xerrada"]),
    "participation-new": (CREATE, ["isom-sensibilitza-2025-xerrada"]),
    "event": (EVERYONE, ["isom-sensibilitza-2025-xerrada"]),
    "participation-edit": (EDIT_ISOM, ["demo-participacio-01"]),
    "log-hours": (CREATE, []),
    "campaign-new": (CREATE, []),
    "campaign-edit": (EDIT_ISOM, ["isom-sensibilitza"]),
    "campaign": (EVERYONE, ["isom-sensibilitza"]),
    "calendar": (EVERYONE, []),
    "agreements": (EVERYONE, []),
    "agreement-new": (CREATE, []),
    "agreement-document": (PRIVATE, ["matrix-document"]),
    "agreement-edit": (EDIT_ISOM, ["conveni-isom-universitat-a-2022"]),
    "agreement-document-new": (EDIT_ISOM, ["conveni-isom-universitat-a-2022"]),
    "placement-new": (EDIT_ISOM, ["conveni-isom-universitat-a-2022"]),
    "agreement": (MEMBERS, ["conveni-isom-universitat-a-2022"]),
    "placement": (PRIVATE, ["demo-practiques-01"]),
    "placement-edit": ({**EDIT_ISOM, "other_editor": HIDDEN}, ["demo-practiques-01"]),
    "home": (SIGNED_IN, []),
    # Someone signed in already is sent home.
    "login": ({**dict.fromkeys(EVERYONE, ELSEWHERE), "visitor": OK}, []),
    "logout": (None, []),
    "password_change": (SIGNED_IN, []),
    "password_change_done": (SIGNED_IN, []),
    "password_reset": (EVERYONE, []),
    "password_reset_done": (EVERYONE, []),
    "password_reset_confirm": (EVERYONE, ["MQ", "set-password"]),
    "password_reset_complete": (EVERYONE, []),
    "organization-people": (ADMINISTER_ISOM, [ISOM]),
    "organization-invite": (None, [ISOM]),
    "role-change": (None, [ISOM, "1"]),
    "role-remove": (None, [ISOM, "1"]),
    "invitation-withdraw": (None, [ISOM, "1"]),
    # An unknown invitation is a page that says so, with status 404.
    "invitation-accept": (dict.fromkeys(EVERYONE, HIDDEN), ["no-such-token"]),
    "organization-calendar": (EVERYONE, [ISOM]),
    "area-calendar": (EVERYONE, ["barcelona-neighbourhood-62"]),
    "lookup": (EVERYONE, ["organizations"]),
    # The network: everyone, each seeing their own graph (test_graph_visibility.py).
    "graph:explorer": (EVERYONE, []),
    "graph:data": (EVERYONE, []),
    "graph:path_json": (dict.fromkeys(EVERYONE, {400}), []),  # without ?from=&to=: a clear 400
    "graph:ego_json": (dict.fromkeys(EVERYONE, {400}), []),  # without ?focus=: a clear 400
    "graph:table": (EVERYONE, []),
    "graph:path": (EVERYONE, []),
    "graph:representations": (EVERYONE, []),
    "graph:analysis": (EVERYONE, []),
    "graph:evolution": (EVERYONE, ["fedaia"]),
    "graph:export": (EVERYONE, ["gexf"]),
    "set_language": (None, []),
    # The reports: everyone, each reading what they may see (test_*report*_visibility.py).
    "reports:page": (EVERYONE, [ISOM]),
    "reports:page_md": (EVERYONE, [ISOM]),
    "reports:page_fragment": (EVERYONE, [ISOM]),
    "reports:annual": (EVERYONE, [ISOM, "2025"]),
    "reports:annual_file": (EVERYONE, [ISOM, "2025", "md"]),
    "reports:indicators": (EVERYONE, [ISOM, "2025"]),
    "reports:indicators_file": (EVERYONE, [ISOM, "2025", "csv"]),
    "reports:federation": (EVERYONE, ["fedaia", "2025"]),
    "reports:federation_file": (EVERYONE, ["fedaia", "2025", "md"]),
}
# Routes that change something, and who may not: a POST from these personas
# is refused and writes nothing.
POST_REFUSED = {
    name: [p for p, allowed in (expected or EDIT_ISOM).items() if allowed != OK]
    for name, (expected, __) in ROUTES.items()
    if name.endswith(("-new", "-edit", "-end", "-repeat")) or name == "log-hours"
}
POST_REFUSED.update({
    "organization-invite": list(ADMINISTER_ISOM.keys() - {"isom_admin", "site_admin"}),
    "role-change": list(ADMINISTER_ISOM.keys() - {"isom_admin", "site_admin"}),
    "role-remove": list(ADMINISTER_ISOM.keys() - {"isom_admin", "site_admin"}),
    "invitation-withdraw": list(ADMINISTER_ISOM.keys() - {"isom_admin", "site_admin"}),
})
# Not Xarxa's own: Django's admin is checked below, model by model.
SKIPPED_NAMESPACES = ("admin",)


def named_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                assert p.name, f"every route has a name: {p.pattern}"
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_route_says_who_may_use_it():
    assert named_routes() - ROUTES.keys() == set(), "add the new routes to ROUTES"
    assert ROUTES.keys() - named_routes() == set(), "remove the routes that are gone"


@pytest.fixture
def clients(demo, visitor, isom_viewer, isom_editor, isom_admin, other_editor, site_admin, settings,
            tmp_path, django_capture_on_commit_callbacks):
    create(Post, {"id": "matrix-seat", "label": "Vocalia", "organization_id": "fedaia-junta-directiva",
                  "owner_id": ISOM}, actor=Actor("test"))
    # A document whose file is on disk (files are written when their
    # transaction commits).
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        create(AgreementDocument, {"id": "matrix-document", "agreement_id": A_2022, "title": "Annex",
                                   "file": ContentFile(PDF, name="annex.pdf")}, actor=Actor("test"))
    return {"visitor": visitor, "isom_viewer": isom_viewer, "isom_editor": isom_editor,
            "isom_admin": isom_admin, "other_editor": other_editor, "site_admin": site_admin}


@pytest.mark.parametrize("name", sorted(n for n, (e, __) in ROUTES.items() if e is not None))
def test_each_persona_gets_what_the_rules_allow(clients, name):
    expected, args = ROUTES[name]
    assert expected is not None
    url = reverse(name, args=args)
    wrong = {}
    for persona, client in clients.items():
        response = client.get(url)
        if response.status_code not in expected[persona]:
            wrong[persona] = response.status_code
        if response.status_code == 302 and expected[persona] is LOGIN:
            assert reverse("login") in response["Location"], (persona, response["Location"])
    assert wrong == {}, f"GET {url}"


@pytest.mark.parametrize("name", sorted(POST_REFUSED))
def test_a_refused_persona_changes_nothing_by_posting(clients, name):
    __, args = ROUTES[name]
    url = reverse(name, args=args)
    for persona in POST_REFUSED[name]:
        before = Change.objects.count()
        response = clients[persona].post(url, {"name": "Intrús", "hours": "3", "end_date": "2020",
                                               "email": "x@example.org", "level": "editor"})
        assert response.status_code in LOGIN | REFUSED, (persona, url, response.status_code)
        assert Change.objects.count() == before, (persona, url)


def test_the_admin_is_for_site_administrators_only(clients):
    pages = [reverse("admin:index")] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    for persona, client in clients.items():
        for page in pages:
            status = client.get(page).status_code
            if persona == "site_admin":
                assert status == 200, page
            else:
                assert status == 302, (persona, page)


def test_a_persona_with_a_role_elsewhere_only_is_no_isom_viewer(db, demo):
    """A role in an ISOM body's network does not reach ISOM: rights go down
    the tree of bodies, never up or sideways."""
    fedaia = signed_in(make_user("fedaia-editor", org="fedaia", level="editor"))
    assert fedaia.get(reverse("person", args=["demo-persona-06"])).status_code == 404
    assert fedaia.get(reverse("membership-edit", args=["isom-fedaia"])).status_code == 200
