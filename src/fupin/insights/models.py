"""Models of insights (to be written)."""
