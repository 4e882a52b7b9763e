"""Rules: saas (being written)."""
