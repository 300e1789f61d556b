"""行政区划: the five-level tree of statistical division codes, and loading the official files."""
