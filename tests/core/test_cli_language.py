"""The command line speaks the installation's language: Chinese by default, English when asked
(fupin.cli activates FUPIN_LANGUAGE, else LANGUAGE_CODE, before a command runs)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.factories import COUNTY

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit:  # audit verify exits 1 on a broken chain; never here
        raise AssertionError(out.getvalue()) from None
    return out.getvalue()


def speak(language: str, *, unknown_division: str, bad_date: str) -> tuple[str, str, str, str]:
    """Run the commands in ``language``: the outputs of clock, audit verify, divisions show and
    purge; the two refusals must match the given messages."""
    with translation.override(language):
        outputs = (run("clock"), run("audit", "verify", "--county", "999999"), run("divisions", "show", COUNTY),
                   run("purge", "--county", COUNTY))
        with pytest.raises(CommandError, match=unknown_division):
            call_command("divisions", "show", "000000")
        with pytest.raises(CommandError, match=bad_date):
            call_command("clock", "tomorrow", "--force")
    return outputs


def test_the_commands_speak_chinese_by_default_and_english_when_asked(lichuan):
    clock, audit, division, purged = speak("zh-hans", unknown_division="区划代码不存在：000000",
                                           bad_date="不是日期，也不是 \\+天数：tomorrow")
    assert "（真实日期）" in clock
    assert audit.splitlines() == ["县 '999999' 没有审计事件", "已检查 0 个事件，共 0 条链，用时 0.0 秒"]
    assert division.startswith(f"{COUNTY} 黎川县（级别 3）")
    assert purged == "共删除 0 个文件\n"

    clock, audit, division, purged = speak("en", unknown_division="Division code does not exist: 000000",
                                           bad_date=r"not a date or \+DAYS: tomorrow")
    assert "(the real date)" in clock
    assert audit.splitlines() == ["no audit events in county '999999'", "checked 0 events in 0 chain(s) in 0.0 s"]
    assert division.startswith(f"{COUNTY} 黎川县 (level 3)")
    assert purged == "0 files deleted\n"
    for text in (clock, audit, division.splitlines()[0], purged):
        assert "（" not in text and "：" not in text and "没有" not in text and "删除" not in text
