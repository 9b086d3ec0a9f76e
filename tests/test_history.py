"""Every write keeps its history: who, when, which record, before and after.

Writes go through xarxa.core.writes (one record at a time) or through an
import (many at once); both record one Change per changed record, and a
write that fails or changes nothing records nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from xarxa.core import writes
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.interop.popolo_import import import_document
from xarxa.network.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> writes.Actor:
    user = get_user_model().objects.create_user("montse")
    return writes.Actor.of_user(user, "admin")


@pytest.fixture
def isom(editor) -> Organization:
    return writes.create(Organization, {"id": "isom", "name": "ISOM", "classification": "cooperative"},
                         actor=editor)


def history(object_id: str, *args: str) -> list[str]:
    out = StringIO()
    with translation.override("en"):
        call_command("history", object_id, *args, stdout=out)
    return out.getvalue().splitlines()


def test_creating_records_who_when_which_record_and_its_values(editor):
    before = timezone.now()
    isom = writes.create(Organization, {"name": "ISOM", "founding_date": "1995"}, actor=editor)

    change = Change.objects.get()
    assert (change.action, change.model, change.object_id, change.object_repr) == (
        "create", "directory.organization", "isom", "ISOM")
    assert (change.actor_id, change.actor_label) == (editor.user_id, "admin:montse")
    assert before <= change.at <= timezone.now()
    assert change.before is None
    assert change.after == {"id": "isom", "name": "ISOM", "founding_date": "1995"}
    assert change.after == isom.to_popolo()


def test_updating_records_the_values_before_and_after(isom, editor):
    cli = writes.Actor.cli("shell")

    writes.update(isom, {"name": "ISOM SCCL", "founding_date": "1995-04"}, actor=cli)

    change = Change.objects.latest("id")
    assert (change.action, change.object_id, change.actor_id, change.actor_label) == (
        "update", "isom", None, cli.label)
    assert change.before == {"id": "isom", "name": "ISOM", "classification": "cooperative"}
    assert change.after == {"id": "isom", "name": "ISOM SCCL", "classification": "cooperative",
                            "founding_date": "1995-04"}
    assert change.changed_keys() == ["founding_date", "name"]
    assert Organization.objects.get(pk="isom").version == isom.version == 2


def test_deleting_records_the_values_before(isom, editor):
    writes.delete(isom, actor=editor)

    change = Change.objects.latest("id")
    assert (change.action, change.object_id, change.actor_label) == ("delete", "isom", "admin:montse")
    assert change.before == {"id": "isom", "name": "ISOM", "classification": "cooperative"}
    assert change.after is None
    assert not Organization.objects.filter(pk="isom").exists()


def test_an_update_that_changes_nothing_writes_nothing(isom, editor):
    stored = Organization.objects.get(pk="isom")

    writes.update(isom, {"name": "ISOM", "classification": "cooperative"}, actor=editor)

    assert Change.objects.count() == 1  # its creation
    again = Organization.objects.get(pk="isom")
    assert (again.version, again.updated_at) == (1, stored.updated_at)


def test_an_update_from_a_stale_version_is_refused_and_writes_nothing(isom, editor):
    read_by_someone_else = Organization.objects.get(pk="isom")
    writes.update(isom, {"name": "ISOM SCCL"}, actor=editor)
    changes = Change.objects.count()

    with translation.override("en"), pytest.raises(writes.ConflictError) as conflict:
        writes.update(read_by_someone_else, {"description": "Cooperativa"}, actor=editor,
                      expected_version=read_by_someone_else.version)

    assert str(conflict.value) == "ISOM SCCL was changed by someone else (version 2, not 1)"
    assert Change.objects.count() == changes
    stored = Organization.objects.get(pk="isom")
    assert (stored.name, stored.description, stored.version) == ("ISOM SCCL", "", 2)


def test_an_update_with_the_current_version_goes_through(isom, editor):
    writes.update(isom, {"name": "ISOM SCCL"}, actor=editor, expected_version=1)

    assert Organization.objects.get(pk="isom").version == 2
    assert Change.objects.latest("id").after["name"] == "ISOM SCCL"


def test_a_write_refused_by_validation_leaves_no_history(isom, editor):
    person = writes.create(Person, {"name": "Marta"}, actor=editor)
    seat = writes.create(Membership, {"person_id": person.pk, "organization_id": "isom",
                                      "start_date": "2015"}, actor=editor)
    changes = Change.objects.count()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        writes.update(seat, {"end_date": "2010"}, actor=editor)
    with pytest.raises(ValidationError):
        writes.create(Organization, {"id": "nameless", "name": ""}, actor=editor)
    with pytest.raises(ValidationError):
        writes.delete(isom, actor=editor)  # a membership still points to it

    assert refused.value.message_dict == {"end_date": ["the end 2010 is before the start 2015"]}
    assert Change.objects.count() == changes
    stored = Membership.objects.get(pk=seat.pk)
    assert (stored.end_date, stored.version) == (None, 1)
    assert not Organization.objects.filter(pk="nameless").exists()
    assert Organization.objects.filter(pk="isom").exists()


# The importer lets go of the objects it has read: each test imports a copy.
DOCUMENT = {
    "organizations": [{"id": "fedaia", "name": "FEDAIA"}, {"id": "isom", "name": "ISOM"}],
    "persons": [{"id": "marta", "name": "Marta"}],
    "memberships": [
        {"id": "isom-fedaia", "member": {"@type": "Organization", "id": "isom"},
         "organization_id": "fedaia", "start_date": "2009"},
        {"person_id": "marta", "organization_id": "isom"},  # no id: one is made from its content
    ],
}


def test_an_import_writes_one_history_row_per_created_record_all_in_one_batch():
    actor = writes.Actor.cli("import popolo")

    report = import_document(copy.deepcopy(DOCUMENT), actor=actor)

    changes = list(Change.objects.all())
    assert len(changes) == 5
    assert {c.batch for c in changes} == {report.batch} and report.batch
    assert {c.action for c in changes} == {"create"}
    assert {c.actor_label for c in changes} == {actor.label}
    membership = Membership.objects.get(person_id="marta")
    assert sorted((c.model, c.object_id) for c in changes) == sorted([
        ("directory.organization", "fedaia"), ("directory.organization", "isom"),
        ("directory.person", "marta"), ("network.membership", "isom-fedaia"),
        ("network.membership", membership.pk)])
    fedaia = next(c for c in changes if c.object_id == "fedaia")
    assert (fedaia.before, fedaia.after) == (None, {"id": "fedaia", "name": "FEDAIA"})


def test_an_import_that_changes_one_record_writes_one_update():
    import_document(copy.deepcopy(DOCUMENT), actor=writes.Actor("first"))
    changed = {**copy.deepcopy(DOCUMENT), "organizations": [{"id": "fedaia", "name": "FEDAIA"},
                                             {"id": "isom", "name": "ISOM SCCL"}]}

    report = import_document(changed, actor=writes.Actor("second"))

    change = Change.objects.get(batch=report.batch)
    assert (change.action, change.object_id, change.actor_label) == ("update", "isom", "second")
    assert (change.before["name"], change.after["name"]) == ("ISOM", "ISOM SCCL")
    assert Organization.objects.get(pk="isom").version == 2


def test_history_prints_the_creation_and_a_later_change_before_and_after(editor):
    call_command("demo", stdout=StringIO())
    writes.update(Organization.objects.get(pk="isom"), {"name": "ISOM SCCL"}, actor=editor)

    lines = history("isom")

    created = lines.index(next(line for line in lines if "  created  " in line))
    changed = lines.index(next(line for line in lines if "  changed  " in line))
    assert created < changed
    assert "directory.organization isom  by demo:" in lines[created]
    assert '    + name: "ISOM"' in lines[created:changed]
    assert '    + classification: "cooperative"' in lines[created:changed]
    assert lines[changed].endswith("directory.organization isom  by admin:montse")
    assert lines[changed + 1:] == ['    name: "ISOM" → "ISOM SCCL"']
    when = dt.datetime.strptime(lines[changed][:19], "%Y-%m-%d %H:%M:%S")
    assert abs(timezone.make_aware(when) - timezone.now()) < dt.timedelta(minutes=1)


def test_history_keeps_a_deleted_record(isom, editor):
    writes.delete(isom, actor=editor)

    lines = history("isom")

    assert lines[-3].endswith("  deleted  directory.organization isom  by admin:montse")
    assert lines[-2:] == ['    - name: "ISOM"', '    - classification: "cooperative"']


def test_history_limit_shows_only_the_last_changes(isom, editor):
    writes.update(isom, {"name": "ISOM SCCL"}, actor=editor)

    lines = history("isom", "--limit", "1")

    assert len(lines) == 2 and "  changed  " in lines[0]


def test_history_of_an_unknown_id_is_a_clear_error():
    with translation.override("en"), pytest.raises(CommandError) as refused:
        history("nobody")

    assert str(refused.value) == 'No history for "nobody": no record has ever had that id.'
