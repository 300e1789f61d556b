"""Exchange: imports and exports of registers and results, and department data matching."""
