"""The REST API (Django REST Framework): thin views over the apps' selectors and actions, the
same area scope and capabilities as the pages, OpenAPI document and a local docs page."""
