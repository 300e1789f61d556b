"""Every CSV the system writes goes through this writer: a text cell that a spreadsheet would take for
a formula (it begins with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, which our
importers drop again. Numbers stay numbers."""

from __future__ import annotations

import csv

RISKY = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    if isinstance(value, str) and value.startswith(RISKY):
        return "'" + value
    return value


class SafeWriter:
    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_text(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> SafeWriter:
    return SafeWriter(stream, **kwargs)
