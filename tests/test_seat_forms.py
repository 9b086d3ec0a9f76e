"""Seats (posts) in a body are recorded from their own page, through the
write path; only the organisations that keep a seat edit it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.page_forms import error_next_to, errors_of, form_data
from xarxa.core import writes
from xarxa.history.models import Change
from xarxa.network.models import Post

NEW = reverse("post-new")


@pytest.fixture
def isom_seat(demo):
    return writes.create(Post, {"id": "isom-vocal", "label": "Vocal (ISOM)", "role": "vocal",
                                "organization_id": "fedaia-junta-directiva", "owner_id": "isom"},
                         actor=writes.Actor("test:setup"))


def seat(**values):
    return {"label": "Presidència", "role": "president", "organization": "fedaia-junta-directiva",
            "start_date": "", "end_date": "", "visibility": "public", "owner": "isom"} | values


def test_the_isom_editor_records_a_seat_in_fedaias_board(isom_editor):
    page = isom_editor.get(NEW + "?organization=fedaia-junta-directiva")
    assert page.context["form"]["organization"].value() == "fedaia-junta-directiva"
    assert page.context["form"]["owner"].value() == "isom"

    response = isom_editor.post(NEW, seat(start_date="2024-06"))

    assert response.status_code == 302
    assert response["Location"] == reverse("organization", args=["fedaia-junta-directiva"])
    post = Post.objects.get(label="Presidència")
    assert (post.organization_id, post.start_date, post.owner_id) == (
        "fedaia-junta-directiva", "2024-06", "isom")
    assert Change.objects.get(object_id=post.pk).actor_label == "web:isom-editor"


def test_editing_a_seat_goes_through_the_write_path(isom_editor, isom_seat):
    url = reverse("post-edit", args=[isom_seat.pk])

    response = isom_editor.post(url, form_data(isom_editor, url) | {"end_date": "2026"})

    assert response.status_code == 302
    assert Post.objects.get(pk=isom_seat.pk).end_date == "2026"
    assert Change.objects.get(object_id=isom_seat.pk, action="update").actor_label == \
        "web:isom-editor"


@pytest.mark.parametrize(("values", "field", "says"), [
    ({"start_date": "2025", "end_date": "2024-12"}, "end_date", "is before the start"),
    ({"start_date": "juny 2025"}, "start_date", "is not an ISO 8601 date"),
    ({"organization": ""}, "organization", "required"),
], ids=["end-before-start", "unknown-date-format", "no-body"])
def test_a_refused_seat_shows_why_next_to_the_field(isom_editor, values, field, says):
    response = isom_editor.post(NEW, seat(**values))

    assert field in errors_of(response)
    assert says in error_next_to(response, field)
    assert not Post.objects.exists()


def test_an_editor_of_another_entity_cannot_edit_isom_s_seat(other_editor, isom_seat):
    url = reverse("post-edit", args=[isom_seat.pk])

    assert other_editor.get(url).status_code == 403
    assert other_editor.post(url, seat(version=1)).status_code == 403
    assert Post.objects.get(pk=isom_seat.pk).version == 1


def test_an_editor_of_another_entity_cannot_make_isom_the_owner(other_editor):
    response = other_editor.post(NEW, seat(owner="isom"))

    assert "owner" in errors_of(response)
    assert not Post.objects.exists()


def test_a_visitor_is_asked_to_sign_in(visitor, isom_seat):
    for url in (NEW, reverse("post-edit", args=[isom_seat.pk])):
        response = visitor.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_viewer_of_isom_may_not_record_seats(isom_viewer, isom_seat):
    assert isom_viewer.get(NEW).status_code == 403
    assert isom_viewer.post(NEW, seat()).status_code == 403
    assert isom_viewer.get(reverse("post-edit", args=[isom_seat.pk])).status_code == 403


def test_the_seat_forms_make_their_baseline_of_queries(isom_editor, isom_seat, query_baseline):
    for url in (NEW + "?organization=fedaia-junta-directiva",
                reverse("post-edit", args=[isom_seat.pk])):
        isom_editor.get(url)
        with query_baseline(f"GET {url} (editor)"):
            assert isom_editor.get(url).status_code == 200
