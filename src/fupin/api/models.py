"""The api app keeps no tables of its own: API tokens are those of rest_framework.authtoken."""
