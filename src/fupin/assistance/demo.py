"""Demo data for assistance: called by `fupin demo` after the population is generated."""

# Tables emptied (children first) when the demo is generated again.
TABLES: list[str] = []


def generate(*, county_code: str, seed: int, users: dict) -> str:
    """Create the demo's assistance data; return one line saying what was made."""
    return ""
