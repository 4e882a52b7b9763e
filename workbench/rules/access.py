"""Rules: access (being written)."""
