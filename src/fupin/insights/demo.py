"""Demo data for insights: called by `fupin demo` after the population is generated."""

# Tables emptied (children first) when the demo is generated again.
TABLES: list[str] = []


def generate(*, county_code: str, seed: int, users: dict) -> str:
    """Create the demo's insights data (the plan's targets); return one line saying what was made."""
    return ""
