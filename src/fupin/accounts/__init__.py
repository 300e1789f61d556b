"""Users, roles, area grants and login security."""
