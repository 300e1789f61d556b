"""The demo's declared incomes include what the county paid the households (以奖代补, subsidies, aid,
dividends), as a household's declared income would; one household in ``KEEP_EVERY`` is left as it
was, so the card's 到户收入核对 (insights.recorded) has a realistic few to flag.

Run by ``fupin demo`` after the funds, programmes and welfare demos and before the identification
runs, so the runs read the reconciled incomes. Two set-based UPDATEs, each joined with the county's payments
summed per household (one county, so on Citus one shard); nothing loops over households.
"""

from __future__ import annotations

from django.db import connection

KEEP_EVERY = 40

# What the insights.recorded section counts as paid, per household, for a year (%(y)s).
TRANSFERS = """
    SELECT household_id AS hid, amount AS amount FROM funds_disbursement
      WHERE county_code = %(c)s AND year = %(y)s AND household_id IS NOT NULL AND mode IN ('reward', 'direct_subsidy')
    UNION ALL
    SELECT m.household_id, t.amount FROM programmes_trainingsubsidy t JOIN registry_member m ON m.county_code = t.county_code AND m.id = t.member_id
      WHERE t.county_code = %(c)s AND t.year = %(y)s AND t.status = 'paid'
    UNION ALL
    SELECT household_id, amount FROM welfare_educationaid WHERE county_code = %(c)s AND year = %(y)s
    UNION ALL
    SELECT household_id, monthly_amount * months FROM welfare_disabilitysubsidy
      WHERE county_code = %(c)s AND year = %(y)s AND paid_on IS NOT NULL"""
DIVIDENDS = """
    SELECT p.household_id AS hid, p.amount AS amount FROM programmes_dividendpayment p
      JOIN programmes_dividend d ON d.county_code = p.county_code AND d.id = p.dividend_id WHERE p.county_code = %(c)s AND d.year = %(y)s"""


def reconcile_incomes(county_code: str, year: int) -> dict[str, int]:
    """Raise the year's declared transfer income (by its 其他 item) and property income (by its
    dividends) to what was recorded as paid, where it was below; returns the rows changed."""
    params = {"c": county_code, "y": year}
    changed = {}
    with connection.cursor() as cursor:
        for name, source, total, item in (("transfers", TRANSFERS, "transfer_income", "transfer_other"),
                                          ("dividends", DIVIDENDS, "property_income", "property_dividends")):
            cursor.execute(f"""
                UPDATE registry_householdincome SET {item} = {item} + (p.paid - {total}), {total} = p.paid
                FROM (SELECT x.hid AS hid, SUM(x.amount) AS paid FROM ({source}) x GROUP BY x.hid) p
                WHERE registry_householdincome.county_code = %(c)s AND registry_householdincome.year = %(y)s
                  AND p.hid = registry_householdincome.household_id
                  AND registry_householdincome.household_id %% {KEEP_EVERY} <> 0
                  AND registry_householdincome.{total} < p.paid""", params)
            changed[name] = cursor.rowcount
    return changed
