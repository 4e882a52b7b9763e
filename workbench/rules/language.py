"""Rules: language (being written)."""
