"""`xarxa invite EMAIL --org ORG --role editor|viewer|administrator [--base-url URL]`:
invite someone to an organisation; prints the link and mails it.

The first administrator of an organisation is invited this way: nobody
holds a role there yet to invite them from the page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from xarxa.accounts import actions
from xarxa.accounts.models import Role
from xarxa.directory.models import Organization

DEFAULT_BASE_URL = "http://localhost:8000"


class Command(BaseCommand):
    help = ("Invite someone by e-mail to hold a role in an organisation: prints the invitation "
            "link and mails it.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the address the invitation goes to")
        parser.add_argument("--org", required=True, metavar="ORG", help="the organisation's id")
        parser.add_argument("--role", required=True, metavar="ROLE",
                            help="administrator, editor or viewer")
        parser.add_argument("--base-url", metavar="URL", default=None,
                            help="where Xarxa is served, for the link (default: XARXA_BASE_URL, "
                                 f"else {DEFAULT_BASE_URL})")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(_("%(email)s is not an e-mail address.") % {"email": repr(email)},
                               returncode=2) from None
        level = options["role"]
        if level not in Role.Level.values:
            raise CommandError(_("%(role)s is not a role: choose administrator, editor or viewer.")
                               % {"role": repr(level)}, returncode=2)
        org = Organization.objects.filter(pk=options["org"]).first()
        if org is None:
            raise CommandError(_("No organisation has the id %(id)s.") % {"id": repr(options["org"])},
                               returncode=2)
        base_url = (options["base_url"] or getattr(settings, "XARXA_BASE_URL", "")
                    or DEFAULT_BASE_URL)
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(_("--base-url must start with http:// or https://, not %(url)s.")
                               % {"url": repr(base_url)}, returncode=2)
        invited = actions.invite(email, org, level, acting_user=None, base_url=base_url,
                                 via="invite")
        self.stdout.write(invited.link)
        if invited.mailed:
            self.stderr.write(_("Invitation to %(org)s as %(role)s mailed to %(email)s.") % {
                "org": org.name, "role": invited.invitation.get_level_display(), "email": email})
        else:
            self.stderr.write(_("The mail could not be sent: give %(email)s the link yourself.")
                              % {"email": email})
