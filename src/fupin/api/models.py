"""Models of api (to be written)."""
