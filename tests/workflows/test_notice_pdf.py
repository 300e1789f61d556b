"""The notice PDF carries its Chinese font inside (a subset of a TrueType file), so an offline PC
without Chinese fonts shows it the same; a server without the font says so instead of failing."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fupin.workflows import actions, pdf
from tests.conftest import login
from tests.factories import JIANYUAN, make_household
from tests.targeting.support import identify, income
from tests.workflows.support import pass_step, review, votes

pytestmark = pytest.mark.django_db

HEADER = ["序号", "户主姓名", "村民小组", "家庭人口", "拟办事项", "理由"]


def fonts(content: bytes) -> list:
    """The font dictionaries of every page (Type0 fonts: their descendant CID font)."""
    found = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get_object())
    return found


def test_the_notice_pdf_embeds_its_chinese_font():
    rows = [[str(i), "张三", "第一组", "3", "拟识别为贫困户", "家庭人均纯收入低于扶贫标准，因病致贫"] for i in range(1, 61)]
    content = pdf.render(title="关于张三等户识别为贫困户的公示", intro="根据有关程序，经新丰村研究，现予以公示。",
                         header=HEADER, rows=rows, footer=["受理异议电话：0794-3221234"])
    assert content.startswith(b"%PDF")
    assert b"STSong" not in content and b"UniGB-UCS2" not in content  # no font left to the reader's PC
    assert b"/FontFile2" in content  # a TrueType program inside the file
    found = fonts(content)  # every font on every page, none left to the reader's PC (not even Helvetica)
    assert found and all("/FontFile2" in f.get("/FontDescriptor", {}) for f in found), [f["/BaseFont"] for f in found]
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2 and "张三" in reader.pages[1].extract_text()  # the header row repeats too
    assert "户主姓名" in reader.pages[1].extract_text()


def test_a_missing_font_is_named_in_the_error(settings, tmp_path):
    settings.FUPIN_PDF_FONT = str(tmp_path / "none.ttf")
    with pytest.raises(pdf.FontMissing, match=r"none\.ttf.*FUPIN_PDF_FONT"):
        pdf.render(title="公示", intro="", header=HEADER, rows=[], footer=[])
    (tmp_path / "bad.ttf").write_bytes(b"not a font")
    settings.FUPIN_PDF_FONT = str(tmp_path / "bad.ttf")
    with pytest.raises(pdf.FontMissing, match=r"bad\.ttf"):
        pdf.render(title="公示", intro="", header=HEADER, rows=[], footer=[])


def test_the_notice_page_says_when_the_server_lacks_the_font(client, users, rules, settings, tmp_path):
    household = make_household(JIANYUAN, household_type="ordinary", poverty_attribute="", main_cause="")
    income(household, 3000)
    identify(rules)
    case = actions.start_case(actor=users["village"], household=household, kind="identify", note="因病", reason="因病致贫")
    pass_step(users["village"], case, **votes(review(users["village"], JIANYUAN)))
    pass_step(users["village"], case)
    notice = actions.post_notice(actor=users["village"], cases=[case])
    login(client, users["village"])
    url = reverse("workflows:notice_pdf", args=[notice.pk])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf" and b"/FontFile2" in response.content

    settings.FUPIN_PDF_FONT = str(tmp_path / "none.ttf")
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workflows:notice_detail", args=[notice.pk])
    assert "缺少中文字体" in response.content.decode()
