"""No English code names in the Chinese pages: the audit log names its verbs in words, the matching
rules their parameters and household types by their labels."""

import re

import pytest
from django.urls import reverse

from fupin.core import audit
from fupin.core.actions import SYSTEM, atomic
from fupin.core.verbs import verb_label
from tests.conftest import login
from tests.factories import COUNTY, JIANYUAN, make_household

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[a-z_]+\.[a-z_.]+\b")  # household.move, funds.project.approve


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


VERBS = ["auth.login", "export.masked", "export.full", "household.move", "funds.project.approve",
         "programmes.trainee.enroll", "welfare.renovation.accept", "case.pass", "assistance.measure.progress"]


def test_the_audit_log_names_verbs_in_words(client, users):
    make_household(JIANYUAN)  # household.create, member.add
    with atomic():
        for verb in VERBS:
            audit.record(actor=SYSTEM, verb=verb, county_code=COUNTY, division_code=JIANYUAN, summary="测试")
    login(client, users["county"])
    text = visible_text(client.get(reverse("web:audit_log")).content.decode())
    assert not CODE.findall(text), CODE.findall(text)
    for shown in ("登录", "导出（脱敏）", "农户：迁移", "项目：审批通过", "学员：报名", "危房改造：验收", "程序：通过",
                  "新建农户", "增加成员"):
        assert shown in text, shown


def test_every_verb_recorded_in_the_code_has_words():
    """Every verb the code writes (found in the source) has a label; an unknown one shows its code."""
    import ast
    import pathlib

    import fupin

    verbs = set()
    for path in pathlib.Path(fupin.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            args = [k.value for k in node.keywords if k.arg == "verb"]
            if name in ("_event", "_record") and len(node.args) >= 2:
                args.append(node.args[1])
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "." in arg.value:
                    prefix = {"funds": "funds.", "programmes": "programmes."}.get(path.parent.name, "") \
                        if name == "_event" else ""
                    verbs.add(prefix + arg.value)
    assert len(verbs) > 100
    assert [v for v in sorted(verbs) if verb_label(v) == v] == []
    assert verb_label("something.new") == "something.new"


def test_matching_rules_in_words(client, users):
    login(client, users["county"])
    text = visible_text(client.get(reverse("exchange:rules")).content.decode())
    assert "一级、二级" in text and "C级（局部危房）、D级（整栋危房）" in text
    assert "贫困户、脱贫户、监测户" in text
    for raw in ("poor", "exited", "monitored", "ordinary", "grades", "['", "share_exited", "min_amount", "exempt"):
        assert raw not in text, raw
