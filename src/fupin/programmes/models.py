"""Models of programmes (to be written)."""
