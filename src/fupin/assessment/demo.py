"""Demo data for the exit assessment (三率一度): called by `fupin demo` after the year's identification.

The county office draws a sample for 2023 three weeks ago (every township a stratum: 15 exited, 3
registered poor and 20 non-registered households), the township teams survey most of it, and what
they find is what the register says: an exited household whose 2023 income is below the line is
found wrongly exited, a non-registered household below the line is found missed. A few households
do not approve of the work (more of them among those the work missed). The findings go to the
villages as risk clues; some households are still to be surveyed."""

from __future__ import annotations

import datetime as dt
import random

from django.utils.translation import gettext as _

from fupin.assessment import actions
from fupin.assessment.models import Frame, SampleItem
from fupin.core import clock
from fupin.core.actions import SYSTEM
from fupin.divisions.models import Division, Level

TABLES: list[str] = ["assessment_surveyupload", "assessment_survey", "assessment_sampleitem", "assessment_sample"]

YEAR = 2023
SIZES = {Frame.EXITED: 15, Frame.REGISTERED: 3, Frame.NON_REGISTERED: 20}
SURVEYORS = ["李秀英", "王建华", "赵丽萍", "孙志刚", "周海燕", "吴国强"]
SURVEYED = 0.85  # share of the sample surveyed so far


def _below_line(county_code: str, household_ids: list[int]) -> set[int]:
    from fupin.targeting.models import IdentificationResult, IdentificationRun, RunStatus

    run = (IdentificationRun.objects.filter(area_code=county_code, year=YEAR, dry_run=False, status=RunStatus.DONE)
           .order_by("-pk").first())
    if run is None:
        return set()
    return set(IdentificationResult.objects.filter(run=run, household_id__in=household_ids, below_line=True)
               .values_list("household_id", flat=True))


def generate(*, county_code: str, seed: int, users: dict) -> str:
    county = users.get("county")
    townships = Division.objects.filter(parent_code=county_code, level=Level.TOWNSHIP).values_list("code", flat=True)
    try:
        clock.set_offset(-dt.timedelta(days=21))
        sample = actions.draw_sample(actor=county, county_code=county_code, year=YEAR, seed=seed,
                                     sizes={t: dict(SIZES) for t in townships},
                                     name=f"{YEAR} 年贫困县退出自评估抽样")
        items = list(SampleItem.objects.filter(sample=sample).select_related("sample").order_by("order"))
        below = _below_line(county_code, [i.household_id for i in items])
        rng = random.Random(seed)
        for item in items:
            if rng.random() >= SURVEYED:
                continue
            wrong = item.frame == Frame.EXITED and item.household_id in below
            missed = item.frame == Frame.NON_REGISTERED and item.household_id in below
            approves = rng.random() >= (0.5 if wrong or missed else 0.03)
            day_offset = rng.randint(3, 19)
            clock.set_offset(-dt.timedelta(days=day_offset))
            actions.record_survey(actor=SYSTEM, item=item, values={
                "wrongly_exited": wrong if item.frame == Frame.EXITED else None,
                "missed": missed if item.frame == Frame.NON_REGISTERED else None,
                "approves": approves, "surveyor": rng.choice(SURVEYORS), "surveyed_on": clock.today(),
                "note": ("入户核实：上年人均纯收入低于收入线" if wrong or missed
                         else ("对帮扶干部走访次数不满意" if not approves else ""))})
        clock.set_offset(-dt.timedelta(days=2))
        clues = actions.findings_to_clues(actor=county, sample=sample)
    finally:
        clock.reset()
    surveyed = sample.items.filter(survey__isnull=False).count()
    return _("考核评估：抽取样本 %(sample)s 户（种子 %(seed)s），已调查 %(surveyed)s 户，"
             "%(clues)s 项发现作为风险线索发给各村") % {
        "sample": len(items), "seed": seed, "surveyed": surveyed, "clues": clues}
