"""The 八个一 structure: county leaders, plans (一村一策、一户一法) and their measures, helpers,
work teams, household measures and income projects, visit logs, and coverage per area."""
