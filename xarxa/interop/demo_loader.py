"""The ISOM demo network: Barcelona's districts and barris, then the networks
ISOM's page «Treball en xarxa» names (see demo/README.md).

Everything goes through the same importers a user runs (`xarxa import areas`,
`xarxa import popolo`), so the demo is written, validated and recorded in the
history exactly like any other import. The importers update by id, so loading
the demo again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xarxa.core.validation import read_json
from xarxa.core.writes import Actor
from xarxa.directory.models import Organization, Person
from xarxa.interop.areas import import_areas
from xarxa.interop.popolo_import import import_document
from xarxa.network.models import Membership
from xarxa.territory.models import Area

DEMO_DIR = Path(__file__).resolve().parent / "demo"
NETWORK_FILE = DEMO_DIR / "isom.popolo.json"

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


def load_demo(*, actor: Actor, if_empty: bool = False) -> str:
    """Load the demo, all or nothing, and say in one line what it did.

    With `if_empty`, a database that already holds an organisation is left
    alone: `make run` must never touch someone's real data.
    """
    if if_empty and Organization.objects.exists():
        return _("The database already holds organisations: the demo was not loaded.")

    created = updated = 0
    with transaction.atomic():
        for path, options in AREA_FILES:
            areas = import_areas(path, actor=actor, dry_run=False, **options)
            created += areas.created + areas.within_created
            updated += areas.updated
        network = import_document(
            read_json(NETWORK_FILE), actor=actor, dry_run=False,
        )
        for result in network.counts.values():
            created += result.created
            updated += result.updated
    return summary(created, updated)


def summary(created: int, updated: int) -> str:
    districts = Area.objects.filter(parent_id="barcelona", classification="district")
    held = _(
        "Demo: Barcelona with %(districts)d districts and %(barris)d barris, %(orgs)d "
        "organisations, %(memberships)d memberships, %(persons)d people."
    ) % {
        "districts": districts.count(),
        "barris": Area.objects.filter(parent__in=districts, classification="neighbourhood")
        .count(),
        "orgs": Organization.objects.count(),
        "memberships": Membership.objects.count(),
        "persons": Person.objects.count(),
    }
    if not created and not updated:
        return held + " " + _("Nothing changed: it was already loaded.")
    return held + " " + _("%(created)d records created, %(updated)d changed.") % {
        "created": created, "updated": updated,
    }
