"""Models of welfare (to be written)."""
