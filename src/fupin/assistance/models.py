"""Models of assistance (to be written)."""
