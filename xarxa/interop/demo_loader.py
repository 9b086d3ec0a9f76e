"""The ISOM demo network: Barcelona's districts and barris, the networks ISOM's
page «Treball en xarxa» names, then what ISOM does in them — festivals,
activities, meetings, training, its awareness campaign, its agreements with
universities and the placements under them (see demo/README.md).

Everything goes through the same importers a user runs (`xarxa import areas`,
`xarxa import popolo`, `xarxa import json`), so the demo is written, validated
and recorded in the history exactly like any other import. The importers
update by id, so loading the demo again changes nothing.

The page names no dates, people or universities; the records that make them
up are flagged `illustrative`, and `without_illustrative` leaves them out,
with every record that points to one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xarxa.activity.models import Campaign, Event
from xarxa.core import popolo
from xarxa.core.validation import read_json
from xarxa.core.writes import Actor
from xarxa.directory.models import Organization, Person
from xarxa.interop.areas import import_areas
from xarxa.interop.popolo_import import XARXA_COLLECTIONS, import_document
from xarxa.network.models import Membership
from xarxa.territory.models import Area
from xarxa.training.models import Agreement, Placement

DEMO_DIR = Path(__file__).resolve().parent / "demo"
NETWORK_FILE = DEMO_DIR / "isom.popolo.json"
# Xarxa's own JSON document (`xarxa import json`), loaded after the network it points into.
ACTIVITY_FILE = DEMO_DIR / "isom.activity.json"

# The official codes of the Ajuntament de Barcelona (CartoBCN): districts are
# numbered 01–10, barris 01–73, and each barri names its district. Each area
# cites where its boundary comes from, with the credit the licence asks for.
BCN_COMMIT = "82f880f29a3f861e514d12671713817d4a7df70b"


def bcn_source(path: str) -> list[dict[str, str]]:
    return [{
        "url": f"https://github.com/martgnz/bcn-geodata/blob/{BCN_COMMIT}/{path}",
        "note": "Ajuntament de Barcelona / CartoBCN, CC BY",
    }]


AREA_FILES: tuple[tuple[Path, dict[str, Any]], ...] = (
    (
        DEMO_DIR / "bcn" / "districtes.geojson",
        {"classification": "district", "id_property": "DISTRICTE", "name_property": "NOM",
         "parent_property": None, "source": bcn_source("districtes/districtes.geojson")},
    ),
    (
        DEMO_DIR / "bcn" / "barris.geojson",
        {"classification": "neighbourhood", "id_property": "BARRI", "name_property": "NOM",
         "parent_property": "DISTRICTE", "source": bcn_source("barris/barris.geojson")},
    ),
)


def load_demo(*, actor: Actor, if_empty: bool = False, illustrative: bool = True) -> str:
    """Load the demo, all or nothing, and say in one line what it did.

    With `if_empty`, a database that already holds an organisation is left
    alone: `make run` must never touch someone's real data. Without
    `illustrative`, only what the page states is loaded; records of an earlier
    full load are not deleted.
    """
    if if_empty and Organization.objects.exists():
        return _("The database already holds organisations: the demo was not loaded.")

    network, activity = read_json(NETWORK_FILE), read_json(ACTIVITY_FILE)
    if not illustrative:
        without_illustrative([network, activity])
    created = updated = 0
    with transaction.atomic():
        for path, options in AREA_FILES:
            areas = import_areas(path, actor=actor, dry_run=False, **options)
            created += areas.created + areas.within_created
            updated += areas.updated
        for doc, xarxa in ((network, False), (activity, True)):
            report = import_document(doc, actor=actor, dry_run=False, xarxa=xarxa)
            for result in report.counts.values():
                created += result.created
                updated += result.updated
    return summary(created, updated)


def without_illustrative(docs: list[dict[str, Any]]) -> None:
    """Leave out of `docs`, in place, every object flagged `illustrative` and
    every object that points to one left out (the participations of an
    illustrative event, the activities it holds, a placement under an
    illustrative agreement…), whichever of the documents each stands in."""
    specs = {name: model.POPOLO for name, model in XARXA_COLLECTIONS}
    dropped: dict[str, set[str]] = {name: set() for name in specs}
    changed = True
    while changed:  # dropping one object may leave another pointing to nothing
        changed = False
        for doc in docs:
            for name, spec in specs.items():
                objects = doc.get(name)
                if not isinstance(objects, list):
                    continue
                kept = []
                for obj in objects:
                    if isinstance(obj, dict) and (obj.get("illustrative") is True or any(
                            ident in dropped[target] for target, ident in references(spec, obj))):
                        if isinstance(obj.get("id"), str):
                            dropped[name].add(obj["id"])
                        changed = True
                    else:
                        kept.append(obj)
                doc[name] = kept


def references(spec: popolo.Spec, obj: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The (collection, id) pairs an object of `spec` points to: its references,
    lists of ids and ids inside lists (an agreement's parties), and a
    membership's member."""
    for f in spec.fields:
        value = obj.get(f.key)
        if f.kind == popolo.REF and f.ref and isinstance(value, str):
            yield f.ref, value
        elif f.kind == popolo.REFS and f.ref and isinstance(value, list):
            yield from ((f.ref, v) for v in value if isinstance(v, str))
        for key, target in f.item_refs:
            for item in value if isinstance(value, list) else ():
                if isinstance(item, dict) and isinstance(item.get(key), str):
                    yield target, item[key]
    if "person_id" in spec.hook_keys and isinstance(obj.get("person_id"), str):
        yield "persons", obj["person_id"]
    member = obj.get("member") if "member" in spec.hook_keys else None
    if isinstance(member, dict) and isinstance(member.get("id"), str):
        yield ("persons" if member.get("@type") == "Person" else "organizations"), member["id"]


def summary(created: int, updated: int) -> str:
    districts = Area.objects.filter(parent_id="barcelona", classification="district")
    held = _(
        "Demo: Barcelona with %(districts)d districts and %(barris)d barris, %(orgs)d "
        "organisations, %(memberships)d memberships, %(persons)d people, %(events)d events, "
        "%(campaigns)d awareness campaigns, %(agreements)d agreements, %(placements)d "
        "placements."
    ) % {
        "districts": districts.count(),
        "barris": Area.objects.filter(parent__in=districts, classification="neighbourhood")
        .count(),
        "orgs": Organization.objects.count(),
        "memberships": Membership.objects.count(),
        "persons": Person.objects.count(),
        "events": Event.objects.count(),
        "campaigns": Campaign.objects.count(),
        "agreements": Agreement.objects.count(),
        "placements": Placement.objects.count(),
    }
    if not created and not updated:
        return held + " " + _("Nothing changed: it was already loaded.")
    return held + " " + _("%(created)d records created, %(updated)d changed.") % {
        "created": created, "updated": updated,
    }
