"""Shared foundations: audit events, area scope, code-list base, masking, request context."""
