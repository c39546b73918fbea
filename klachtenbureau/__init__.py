"""Klachtenbureau: the complaint desk of a small Dutch office."""

__version__ = "0.1.0"
