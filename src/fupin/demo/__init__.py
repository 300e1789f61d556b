"""The demo county: Lichuan's real divisions and a seeded synthetic population.

This app sits at the far right of the dependency chain (it uses every domain app) and is only
for demonstrations and benchmarks; nothing depends on it.
"""
