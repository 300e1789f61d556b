"""Guarantees (低保, 特困, premium subsidy, medical aid, education aid by stage, the two disability
subsidies), housing (dangerous-house renovation, relocation) and charity matching (社会帮扶)."""
