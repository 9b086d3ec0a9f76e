from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class NetworkConfig(AppConfig):
    name = "xarxa.network"
    label = "network"
    # The section of the admin: "Treball en xarxa", not "a network".
    verbose_name = pgettext_lazy("the part of Xarxa", "Network")
