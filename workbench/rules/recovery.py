"""Rules: recovery (being written)."""
