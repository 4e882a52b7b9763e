"""Rules: copies (being written)."""
