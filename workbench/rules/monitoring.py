"""Rules: monitoring (being written)."""
