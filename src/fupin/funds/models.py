"""Models of funds (to be written)."""
