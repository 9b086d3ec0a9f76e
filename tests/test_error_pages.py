"""Refusals are pages of Xarxa, in the user's language, with a way back."""

import html

from django.urls import reverse


def test_a_page_that_does_not_exist_says_so_in_catalan(visitor):
    response = visitor.get("/organisations/no-such-thing/", HTTP_ACCEPT_LANGUAGE="ca")

    assert response.status_code == 404
    text = html.unescape(response.content.decode())
    assert "No s'ha trobat" in text
    assert reverse("directory") in text


def test_an_edit_someone_may_not_make_is_refused_with_a_page_of_xarxa(other_editor):
    response = other_editor.get(reverse("membership-edit", args=["isom-fedaia-junta-directiva"]))

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
