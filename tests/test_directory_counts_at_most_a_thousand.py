"""A search that finds thousands says "more than 1,000" instead of counting
them all: the count is what made the directory slow at 100,000."""

from django.urls import reverse

from xarxa.core.paging import CappedPaginator
from xarxa.directory.models import Organization


def test_a_long_list_is_counted_up_to_the_cap(db, settings):
    Organization.objects.bulk_create(
        Organization(id=f"e{i:04d}", name=f"Entitat {i:04d}", search_text=f"entitat {i:04d}")
        for i in range(30))
    paginator = CappedPaginator(Organization.objects.order_by("name"), 10)
    paginator.cap = 25

    assert paginator.count == 25 and paginator.capped
    assert paginator.num_pages == 3


def test_the_directory_says_more_than_the_cap_when_it_finds_more(db, visitor, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    Organization.objects.bulk_create(
        Organization(id=f"e{i:04d}", name=f"Entitat {i:04d}", search_text=f"entitat {i:04d}")
        for i in range(8))

    page = visitor.get(reverse("directory"), {"q": "entitat"}).content.decode()

    assert "More than 5 organisations" in page


def test_a_short_list_is_counted_exactly(db, visitor):
    Organization.objects.create(id="sola", name="Entitat sola", search_text="entitat sola")

    assert "1 organisation" in visitor.get(reverse("directory"), {"q": "sola"}).content.decode()
