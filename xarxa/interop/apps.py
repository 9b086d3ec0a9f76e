from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteroperabilityConfig(AppConfig):
    name = "xarxa.interop"
    label = "interop"
    verbose_name = _("Interoperability")
