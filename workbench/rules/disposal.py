"""Rules: disposal (being written)."""
