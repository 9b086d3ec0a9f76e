"""Placements follow Real Decreto 592/2014 and their agreement: two different
tutors, a host that is a party, dates within the agreement's term, a covered
degree programme. Refused with a clear message through every door (one
record or an import), and nothing is written. A student's data is for the
hosting entity and the university only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xarxa.core import writes
from xarxa.core.validation import InputError
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.interop.popolo_import import import_document
from xarxa.training.models import Agreement, Placement, Programme, may_see_student

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")
ACTOR = writes.Actor("test:placements")
RD_ART_10 = ("the entity tutor must be another person than the academic tutor "
             "(Real Decreto 592/2014, art. 10)")


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


@pytest.fixture
def world():
    for ident, name in (("isom", "ISOM"), ("uab", "Universitat Autònoma de Barcelona"),
                        ("ub", "Universitat de Barcelona"), ("other", "Una altra entitat")):
        make(Organization, id=ident, name=name)
    for ident in ("student", "professor", "educator"):
        make(Person, id=ident, name=f"Illustrative {ident}")
    make(Programme, id="educacio-social", name="Grau en Educació Social", university_id="uab")
    make(Programme, id="treball-social", name="Grau en Treball Social", university_id="ub")
    make(Agreement, id="uab-isom", name="Conveni UAB–ISOM", kind="educational cooperation",
         parties=[{"organization_id": "isom", "role": "host"},
                  {"organization_id": "uab", "role": "university"}],
         signed_on="2024-07-15", start_date="2024-09-01", end_date="2026-08-31",
         extended_until="2027-08-31", programmes=["educacio-social"])


def placement(**values) -> dict:
    return {"agreement_id": "uab-isom", "host_id": "isom", "student_id": "student",
            "programme_id": "educacio-social", "kind": "curricular",
            "academic_tutor_id": "professor", "entity_tutor_id": "educator",
            "start_date": "2025-02-03", "end_date": "2025-05-30", "total_hours": 250} | values


def create(**values) -> Placement:
    return writes.create(Placement, placement(**values), actor=ACTOR)


def refused(**values) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        create(**values)
    assert not Placement.objects.exists()
    assert not Change.objects.filter(model="training.placement").exists()
    return caught.value.message_dict


def imported(**values) -> list[str]:
    obj = {"id": "p-1", **placement(**values)}
    with pytest.raises(InputError) as caught:
        import_document({"placements": [obj]}, actor=ACTOR, xarxa=True)
    assert not Placement.objects.exists()
    return [str(p) for p in caught.value.problems]


def test_a_placement_within_its_agreement_is_recorded_with_its_history(world):
    made = create()

    assert Placement.objects.get().pk == made.pk
    assert Change.objects.get(model="training.placement").after["host_id"] == "isom"


def test_the_same_academic_and_entity_tutor_is_refused_with_the_decrees_article(world):
    assert refused(entity_tutor_id="professor") == {"entity_tutor": [RD_ART_10]}
    assert imported(entity_tutor_id="professor") == [f"/placements/0/entity_tutor_id: {RD_ART_10}"]


def test_a_student_cannot_be_their_own_tutor(world):
    assert refused(entity_tutor_id="student") == {
        "student": ["a student cannot be their own tutor"]}


def test_a_host_that_is_not_a_party_of_the_agreement_is_refused(world):
    message = 'the hosting entity "other" is not a party of the agreement "Conveni UAB–ISOM"'

    assert refused(host_id="other") == {"host": [message]}
    assert imported(host_id="other") == [f"/placements/0/host_id: {message}"]


def test_a_placement_before_the_agreement_starts_is_refused(world):
    message = 'is before the agreement "Conveni UAB–ISOM" starts (2024-09-01)'

    assert refused(start_date="2024-08-31") == {"start_date": [message]}
    assert imported(start_date="2024-08") == [f"/placements/0/start_date: {message}"]


def test_a_placement_after_the_agreement_ends_is_refused(world):
    message = 'is after the agreement "Conveni UAB–ISOM" ends (2027-08-31)'

    assert refused(start_date="2027-06-01", end_date="2027-09-15") == {"end_date": [message]}
    assert imported(start_date="2027-06", end_date="2027-09") == [
        f"/placements/0/end_date: {message}"]


def test_the_extension_counts_as_part_of_the_term(world):
    create(start_date="2027-02-01", end_date="2027-08")

    assert Placement.objects.count() == 1


def test_a_programme_the_agreement_does_not_cover_is_refused(world):
    message = ('the agreement "Conveni UAB–ISOM" does not cover the degree programme '
               '"treball-social"')

    assert refused(programme_id="treball-social") == {"programme": [message]}


def test_an_agreement_that_lists_no_programmes_takes_any(world):
    writes.update(Agreement.objects.get(pk="uab-isom"), {"programmes": []}, actor=SETUP)

    create(programme_id="treball-social")

    assert Placement.objects.count() == 1


def test_an_unknown_party_is_refused_through_writes_create_too(world):
    with pytest.raises(ValidationError) as caught:
        make(Agreement, id="x", name="X", parties=[{"organization_id": "nobody", "role": "host"}])

    assert caught.value.message_dict == {"parties": ['0/organization_id: no organisation has '
                                                     'the id "nobody"']}
    assert not Agreement.objects.filter(pk="x").exists()


def test_an_agreement_ending_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        make(Agreement, id="x", name="X", start_date="2025-09-01", end_date="2025-08")

    assert caught.value.message_dict == {
        "end_date": ["the end 2025-08 is before the start 2025-09-01"]}
    assert not Agreement.objects.filter(pk="x").exists()


def test_a_malformed_date_is_refused(world):
    assert refused(start_date="2025-13-01") == {
        "start_date": ['"2025-13-01" has no month 13']}


def test_the_students_name_is_not_in_the_placements_name(world):
    made = create()
    student = Person.objects.get(pk="student")

    assert student.name not in str(made)
    assert made.pk[:8] in str(made)


def test_only_the_host_and_the_university_may_see_the_student(world):
    made = Placement.objects.select_related("agreement", "programme").get(pk=create().pk)

    assert may_see_student(made, {"isom"})
    assert may_see_student(made, {"uab", "other"})
    assert not may_see_student(made, {"other", "ub"})
    assert not may_see_student(made, set())


def test_the_university_of_the_programme_may_see_the_student(world):
    writes.update(Agreement.objects.get(pk="uab-isom"), {
        "parties": [{"organization_id": "isom", "role": "host"},
                    {"organization_id": "uab", "role": "partner"}],
        "programmes": []}, actor=SETUP)
    made = create(programme_id="treball-social")

    assert may_see_student(made, {"ub"})
    assert not may_see_student(made, {"uab"})
