"""Rules: coverage (being written)."""
