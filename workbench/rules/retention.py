"""Rules: retention (being written)."""
