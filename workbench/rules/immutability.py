"""Rules: immutability (being written)."""
