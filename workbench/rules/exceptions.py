"""Rules: exceptions (being written)."""
