"""Rules: testing (being written)."""
