"""A federation's report comes out as a PDF download with its members in it,
and a hostile name stays text in the HTML and the PDF."""

import subprocess

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from xarxa.accounts.rules import command_viewer
from xarxa.core.writes import Actor, create
from xarxa.directory.models import Organization
from xarxa.network.models import Membership
from xarxa.reports import federation, federation_views

ACTOR = Actor("test:federation-pdf")
HOSTILE = "<script>alert(1)</script>"


def download(fmt: str, year: int = 2025):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return federation_views.federation_file(request, "fedaia", year, fmt)


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
                          ).stdout.decode()


def test_the_pdf_is_a_download_that_names_fedaia_and_isom(demo):
    response = download("pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    words = text_of(response.content)
    assert "FEDAIA" in words and "ISOM" in words


def test_other_formats_do_not_exist(demo):
    with pytest.raises(Http404):
        download("docx")


def test_a_member_named_like_a_script_is_text_in_the_html_and_the_pdf(demo):
    create(Organization, {"id": "hostil", "name": HOSTILE, "classification": "association"},
           actor=ACTOR)
    create(Membership, {"member_organization_id": "hostil", "organization_id": "fedaia",
                        "start_date": "2024"}, actor=ACTOR)
    create(Membership, {"member_organization_id": "hostil",
                        "organization_id": "fedaia-junta-directiva"}, actor=ACTOR)
    report = federation.build(Organization.objects.get(pk="fedaia"), command_viewer(), 2025)

    html = federation.render_html(report, standalone=True)
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE in text_of(federation.render_pdf(report))
