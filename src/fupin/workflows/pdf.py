"""A public notice as PDF (reportlab), with its Chinese font embedded.

The font is a TrueType file on the server (``FUPIN_PDF_FONT``; by default Debian's
``fonts-wqy-microhei``, GPL with the font exception / Apache 2.0), embedded as a subset, so the
PDF shows the same on an offline PC that has no Chinese fonts of its own. A TrueType collection
(.ttc) is read at ``FUPIN_PDF_FONT_INDEX``. Fonts with PostScript (CFF) outlines, such as most
.otf files, cannot be embedded by reportlab."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


class FontMissing(ImproperlyConfigured):
    """The notice font cannot be read: the message says which file and how to fix it."""


def font_path() -> tuple[Path, int]:
    return Path(getattr(settings, "FUPIN_PDF_FONT", "") or DEFAULT_FONT), int(getattr(settings, "FUPIN_PDF_FONT_INDEX", 0))


def font_name() -> str:
    """Register the configured font with reportlab (once per file) and return its name."""
    path, index = font_path()
    name = f"fupin-{path.stem}-{index}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    if not path.is_file():
        raise FontMissing(
            f"公示 PDF 所需的中文字体文件不存在：{path}。请安装 fonts-wqy-microhei（apt-get install "
            f"fonts-wqy-microhei），或用环境变量 FUPIN_PDF_FONT 指定一个 TrueType 字体文件（.ttf/.ttc）。"
            f" The Chinese font for notice PDFs is missing: {path}; install fonts-wqy-microhei or set FUPIN_PDF_FONT.")
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    except (TTFError, OSError) as exc:
        raise FontMissing(
            f"公示 PDF 所需的中文字体文件无法使用：{path}（{exc}）。FUPIN_PDF_FONT 须是 TrueType 字体"
            f"（.ttf，或 .ttc 加 FUPIN_PDF_FONT_INDEX）。 The notice font {path} cannot be embedded: {exc}") from exc
    return name


def render(*, title: str, intro: str, header: list[str], rows: list[list[str]], footer: list[str]) -> bytes:
    font = font_name()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title,
                            initialFontName=font)  # no Helvetica left over: every font is inside
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1, spaceAfter=10)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    data = [[Paragraph(h, cell) for h in header]] + [[Paragraph(str(v), cell) for v in row] for row in rows]
    table = Table(data, repeatRows=1, colWidths=[12 * mm, 22 * mm, 20 * mm, 18 * mm, 34 * mm, None])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [Paragraph(title, title_style), Paragraph(intro, body), Spacer(1, 6 * mm), table, Spacer(1, 8 * mm)]
    story += [Paragraph(line, body) for line in footer]

    def page_number(canvas, doc):
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"第 {doc.page} 页")

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()
