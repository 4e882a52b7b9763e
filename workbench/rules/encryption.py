"""Rules: encryption (being written)."""
