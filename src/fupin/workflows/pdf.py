"""A public notice as PDF (reportlab, with the Song typeface every PDF reader has for Chinese, so
no font file is needed on the intranet server)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def render(*, title: str, intro: str, header: list[str], rows: list[list[str]], footer: list[str]) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title)
    title_style = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=1, spaceAfter=10)
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=14)
    data = [[Paragraph(h, cell) for h in header]] + [[Paragraph(str(v), cell) for v in row] for row in rows]
    table = Table(data, repeatRows=1, colWidths=[12 * mm, 24 * mm, 22 * mm, 16 * mm, 34 * mm, None])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [Paragraph(title, title_style), Paragraph(intro, body), Spacer(1, 6 * mm), table, Spacer(1, 8 * mm)]
    story += [Paragraph(line, body) for line in footer]
    doc.build(story)
    return buffer.getvalue()
