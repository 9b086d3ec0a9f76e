"""Xarxa: the network work (treball en xarxa) of social-sector organisations."""

__version__ = "0.1.0"
