import gzip

import pytest
from django.core.management import CommandError, call_command

from fupin.divisions import codes
from fupin.divisions.loader import DivisionFileError, load_files
from fupin.divisions.models import Division, Level
from tests.factories import LICHUAN


@pytest.fixture
def lichuan_files():
    return sorted(LICHUAN.glob("*.csv"))


@pytest.mark.django_db
def test_loading_lichuan_builds_the_five_level_tree(lichuan_files):
    stats = load_files(lichuan_files)
    assert stats.read == 161 and stats.inserted == 161
    county = Division.objects.get(code="361022")
    assert county.name == "黎川县" and county.level == Level.COUNTY and county.parent_code == "3610"
    hufang = Division.objects.get(code="361022201")
    assert hufang.name == "湖坊乡" and hufang.kind == "township" and hufang.county_code == "361022"
    jianyuan = Division.objects.get(code="361022201205")
    assert jianyuan.level == Level.VILLAGE and jianyuan.parent_code == "361022201"
    assert jianyuan.urban_rural_class == "220" and jianyuan.class_inferred
    # 日峰镇 东门居委会: a residents' committee in a town -> town centre
    assert Division.objects.get(code="361022100001").urban_rural_class == "121"
    assert Division.objects.filter(county_code="361022", level=Level.TOWNSHIP).count() == 17
    assert Division.objects.filter(county_code="361022", level=Level.VILLAGE).count() == 141


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_a_renamed_unit_is_updated(lichuan_files, tmp_path):
    from fupin.core.models import AuditEvent

    load_files(lichuan_files)
    loads = AuditEvent.objects.filter(county_code="", verb="divisions.load")
    assert loads.count() == 1  # the whole system's chain: everyone's figures that count divisions move
    again = load_files(lichuan_files)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 161)
    assert loads.count() == 1  # nothing changed, nothing recorded
    renamed = tmp_path / "villages.csv.gz"
    with gzip.open(renamed, "wt", encoding="utf-8") as f:
        f.write("code,name,streetCode,provinceCode,cityCode,areaCode\n")
        f.write('361022201205,"枧源新村委会",361022201,36,3610,361022\n')
    stats = load_files([renamed])
    assert (stats.inserted, stats.updated) == (0, 1)
    assert Division.objects.get(code="361022201205").name == "枧源新村委会"
    assert loads.count() == 2 and "修改 1 行" in loads.latest("id").summary


@pytest.mark.django_db
def test_a_given_urban_rural_class_is_kept(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("code,name,urbanRuralCode\n361022201205,枧源村委会,210\n", encoding="utf-8")
    load_files([path])
    village = Division.objects.get(code="361022201205")
    assert village.urban_rural_class == "210" and not village.class_inferred


@pytest.mark.django_db
def test_bad_files_are_refused_with_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n3610221,太长\n", encoding="utf-8")
    with pytest.raises(DivisionFileError, match=r"bad\.csv:2"):
        load_files([path])
    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DivisionFileError, match="code"):
        load_files([headless])
    assert not Division.objects.exists()


@pytest.mark.django_db
def test_the_command_loads_and_reports(lichuan_files, capsys):
    call_command("divisions", "load", *map(str, lichuan_files))
    assert "新增 161 行" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("divisions", "load", "/no/such/file.csv")


def test_code_rules():
    assert codes.level_of("36") == codes.Level.PROVINCE
    assert codes.parent_of("361022201205") == "361022201"
    assert codes.short_code("361022000000") == "361022"
    assert codes.full_code("361022201") == "361022201000"
    assert codes.township_kind("361022001") == "subdistrict"
    assert codes.township_kind("361022105") == "town"
    assert codes.township_kind("361022207") == "township"
    assert codes.township_kind("361022401") == "special"
    assert codes.infer_urban_rural_class("湖坊村委会", "361022201") == "220"
    assert codes.infer_urban_rural_class("东门居委会", "361022100") == "121"
    assert codes.infer_urban_rural_class("某社区居委会", "361002001") == "111"
    with pytest.raises(ValueError):
        codes.level_of("3610221")
