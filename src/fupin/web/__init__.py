"""The web shell: base templates, navigation by the area tree, vendored static files."""
