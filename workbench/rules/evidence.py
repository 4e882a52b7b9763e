"""Rules: evidence (being written)."""
