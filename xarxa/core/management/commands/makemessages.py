"""`xarxa makemessages`: Django's, also reading `_g`.

Modules whose `_` is gettext_lazy (model fields, admin) import the immediate
gettext as `_g` for messages built at run time; xgettext must know that name
too, or those messages never reach the catalogues.
"""

from django.core.management.commands import makemessages

KEYWORDS = ["--keyword=_g"]


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, *KEYWORDS]
