"""Indicators (domain.md 4) for any area and year, the plan's targets with their gaps and the
households or villages behind them, the live dashboard, and the yearly report."""
