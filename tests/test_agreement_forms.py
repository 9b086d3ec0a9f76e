"""Creating and editing an agreement from its page: through the write path,
with its parties as rows of organisation and role, errors next to their
fields in the reader's language, and only for those who keep it."""

import re

from django.test import Client

from tests.conftest import PASSWORD
from xarxa.history.models import Change
from xarxa.training.models import Agreement

A_2022 = "conveni-isom-universitat-a-2022"


def field_error(html: str, name: str) -> str:
    """The error shown in the form field `name`'s own block, or ""."""
    for block in re.findall(r'<div class="field has-error">(.*?)</div>\s*(?=<div class="field|'
                            r'</div>|<input type="hidden"|</fieldset>|<div class="actions")',
                            html, re.S):
        if f'name="{name}"' in block:
            found = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', block, re.S)
            return re.sub(r"<[^>]+>", " ", found[1]).strip() if found else ""
    return ""


def new_agreement(**changes):
    data = {
        "name": "Conveni de col·laboració ISOM – FEDAIA",
        "party_0_organization": "isom", "party_0_role": "partner",
        "party_1_organization": "fedaia", "party_1_role": "partner",
        "kind": "collaboration", "signed_on": "2025-03-01", "start_date": "2025-03-01",
        "end_date": "2027-02-28", "renewal_terms": "Renovable cada any.", "notice_days": "60",
        "programmes": [], "visibility": "members", "owner": "isom",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_editor_creates_an_agreement_through_the_write_path(isom_editor):
    response = isom_editor.post("/agreements/new/", new_agreement())
    assert response.status_code == 302
    agreement = Agreement.objects.get(name="Conveni de col·laboració ISOM – FEDAIA")
    assert response["Location"] == f"/agreements/{agreement.pk}/"
    assert agreement.parties == [{"organization_id": "isom", "role": "partner"},
                                 {"organization_id": "fedaia", "role": "partner"}]
    assert (agreement.kind, agreement.end_date, agreement.notice_days) == (
        "collaboration", "2027-02-28", 60)
    assert agreement.owner_id == "isom"
    change = Change.objects.get(object_id=agreement.pk)
    assert (change.action, change.actor_label) == ("create", "web:isom-editor")


def test_editing_keeps_the_parties_and_records_the_change(isom_editor, demo):
    form = isom_editor.get(f"/agreements/{A_2022}/edit/")
    assert form.status_code == 200
    agreement = Agreement.objects.get(pk=A_2022)
    data = new_agreement(
        name=agreement.name, party_0_organization="isom", party_0_role="host",
        party_1_organization="universitat-illustrativa-a", party_1_role="university",
        kind=agreement.kind, signed_on=agreement.signed_on, start_date=agreement.start_date,
        end_date="2027-01-31", extended_until="2028-01-31", notice_days="",
        renews=agreement.renews_id, programmes=agreement.programmes,
        visibility=agreement.visibility, version=str(agreement.version),
        renewal_terms=agreement.renewal_terms, description=agreement.description)
    response = isom_editor.post(f"/agreements/{A_2022}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement.refresh_from_db()
    assert agreement.extended_until == "2028-01-31"
    assert agreement.parties == [{"organization_id": "isom", "role": "host"},
                                 {"organization_id": "universitat-illustrativa-a",
                                  "role": "university"}]
    assert agreement.programmes == ["universitat-illustrativa-a-grau-educacio-social"]
    change = Change.objects.filter(object_id=A_2022, action="update").get()
    assert change.actor_label == "web:isom-editor"


def test_a_party_named_twice_is_an_error_on_its_row(isom_editor):
    response = isom_editor.post("/agreements/new/", new_agreement(party_1_organization="isom"))
    assert response.status_code == 400
    assert "a second time" in field_error(response.content.decode(), "party_1_organization")
    assert not Agreement.objects.filter(name__startswith="Conveni de col·laboració").exists()


def test_a_role_without_an_organisation_is_an_error_on_its_row(isom_editor):
    response = isom_editor.post("/agreements/new/", new_agreement(party_2_role="funder"))
    assert response.status_code == 400
    assert "Choose the organisation" in field_error(response.content.decode(),
                                                    "party_2_organization")


def test_errors_show_next_to_their_field_in_catalan(demo):
    from tests.conftest import make_user

    make_user("editora", org="isom", level="editor")
    client = Client(HTTP_ACCEPT_LANGUAGE="ca")
    assert client.login(username="editora", password=PASSWORD)
    response = client.post("/agreements/new/", new_agreement(
        start_date="2025-03-01", end_date="2024-12-31"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "la fi 2024-12-31 és anterior a l&#x27;inici 2025-03-01" in field_error(html, "end_date")
    assert Change.objects.filter(actor_label="web:editora").count() == 0


def test_ley_40_2015_warns_after_saving_a_public_body_s_long_agreement(isom_editor):
    response = isom_editor.post("/agreements/new/", new_agreement(
        public_sector="on", start_date="2020-01-01", end_date="2026-12-31"), follow=True)
    assert response.status_code == 200
    assert "Warning: its term, from 2020-01-01 to 2026-12-31" in response.content.decode()


def test_an_editor_of_another_entity_cannot_edit_isom_s_agreement(other_editor):
    assert other_editor.get(f"/agreements/{A_2022}/edit/").status_code == 403
    assert other_editor.post(f"/agreements/{A_2022}/edit/", new_agreement()).status_code == 403


def test_a_visitor_is_asked_to_sign_in(visitor, demo):
    for url in ("/agreements/new/", f"/agreements/{A_2022}/edit/"):
        response = visitor.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_viewer_cannot_create_agreements(isom_viewer):
    assert isom_viewer.get("/agreements/new/").status_code == 403
