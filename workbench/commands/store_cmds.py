"""Subcommands (being written)."""


def register(sub):
    """Nothing registered yet."""
