"""Rules: unanswered (being written)."""
