"""Rules: integrity (being written)."""
