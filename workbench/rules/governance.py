"""Rules: governance (being written)."""
