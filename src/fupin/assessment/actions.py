"""Writes of the assessment app: drawing a sample (reproducible from its seed), recording surveys (one
by one on a phone, or a whole filled-in workbook), and turning what the surveys found into risk clues.
Each is one audited change."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.assessment.models import Frame, Sample, SampleItem, SampleStatus, Survey
from fupin.core import audit, clock
from fupin.core.actions import atomic, lock, user_or_none
from fupin.core.actions import authorize as core_authorize
from fupin.core.scope import prefix_q
from fupin.divisions.models import Division, Level
from fupin.registry import codes
from fupin.registry.models import Household

# Who belongs to which frame (active households): exited; registered poor; not registered (ordinary
# households, and monitored ones that were never registered poor).
FRAME_Q = {
    Frame.EXITED: Q(household_type=codes.HouseholdType.EXITED),
    Frame.REGISTERED: Q(household_type=codes.HouseholdType.POOR),
    Frame.NON_REGISTERED: Q(household_type=codes.HouseholdType.ORDINARY)
    | Q(household_type=codes.HouseholdType.MONITORED, exit_year__isnull=True),
}
MAX_PER_STRATUM = 500


def _authorize(actor, capability: str, code: str) -> None:
    core_authorize(actor, capability=capability, area=code, what=_("考核评估"))


def frame_sizes(county_code: str) -> dict:
    """Households and people per township and frame, and all rural people per township (grouped queries)."""
    active = Household.objects.filter(county_code=county_code, status=codes.RecordStatus.ACTIVE)
    found: dict = {}
    for frame, q in FRAME_Q.items():
        for row in (active.filter(q).annotate(t=Substr("division_id", 1, 9)).values("t")
                    .annotate(households=Count("pk"), people=Sum("size")).order_by()):
            found.setdefault(row["t"], {})[frame] = {"households": row["households"], "people": row["people"] or 0}
    for row in active.annotate(t=Substr("division_id", 1, 9)).values("t").annotate(people=Sum("size")).order_by():
        found.setdefault(row["t"], {})["all"] = {"people": row["people"] or 0}
    return found


def draw_sample(*, actor, county_code: str, year: int, sizes: Mapping[str, Mapping[str, int]],
                seed: int | None = None, name: str = "") -> Sample:
    """Draw a stratified random sample: per township (stratum) and frame, ``sizes[township][frame]``
    households without replacement (all of them when fewer). The same seed, sizes and frames give the
    same sample: each stratum draws from its households in id order with a generator seeded by
    (seed, township, frame)."""
    _authorize(actor, Cap.MANAGE_ASSESSMENT, county_code)
    townships = set(Division.objects.filter(parent_code=county_code, level=Level.TOWNSHIP).values_list("code", flat=True))
    if not sizes or set(sizes) - townships:
        raise ValidationError({"sizes": _("请按本县乡镇填写样本量。")})
    clean: dict[str, dict[str, int]] = {}
    for township, per_frame in sizes.items():
        for frame, n in per_frame.items():
            if frame not in Frame.values:
                raise ValidationError({"sizes": _("未知的抽样类别：%(f)s") % {"f": frame}})
            n = int(n)
            if not 0 <= n <= MAX_PER_STRATUM:
                raise ValidationError({"sizes": _("每层样本量应为 0 至 %(m)d 户。") % {"m": MAX_PER_STRATUM}})
            if n:
                clean.setdefault(township, {})[frame] = n
    if not clean:
        raise ValidationError({"sizes": _("样本量不能全为 0。")})
    seed = seed if seed is not None else secrets.randbelow(10**9)
    with atomic():
        sample = Sample.objects.create(
            county_code=county_code, year=year, seed=seed, sizes=clean, frames=frame_sizes(county_code),
            name=name or _("%(y)s 年考核评估抽样") % {"y": year}, drawn_by=user_or_none(actor))
        items = []
        order = 0
        for township in sorted(clean):
            for frame in Frame.values:
                n = clean[township].get(frame, 0)
                if not n:
                    continue
                pool = list(Household.objects.filter(FRAME_Q[frame], prefix_q("division_id", township),
                                                     county_code=county_code, status=codes.RecordStatus.ACTIVE)
                            .order_by("pk").values_list("pk", "division_id", "size"))
                rng = random.Random(f"{seed}:{township}:{frame}")
                for hid, village, size in sorted(rng.sample(pool, min(n, len(pool))), key=lambda r: r[0]):
                    order += 1
                    items.append(SampleItem(county_code=county_code, sample=sample, division_code=village, frame=frame,
                                            household_id=hid, size=size, order=order))
        SampleItem.objects.bulk_create(items, batch_size=2000)
        audit.record(actor=actor, verb="assessment.draw", object_type="assessment.sample", object_id=sample.pk,
                     county_code=county_code, division_code=county_code,
                     summary=_("考核评估抽样：%(n)d 户（种子 %(s)s）") % {"n": len(items), "s": seed},
                     after={"seed": seed, "sizes": clean, "items": len(items)})
    return sample


ANSWERS = ("wrongly_exited", "missed", "approves", "note", "surveyor", "surveyed_on")


def check_answers(item: SampleItem, values: Mapping) -> dict[str, str]:
    """Problems with one survey's answers, as {field: message} (empty: they may be recorded)."""
    problems = {}
    if item.frame == Frame.EXITED and values.get("wrongly_exited") is None:
        problems["wrongly_exited"] = _("脱贫户须回答是否错退")
    if item.frame != Frame.EXITED and values.get("wrongly_exited") is not None:
        problems["wrongly_exited"] = _("只有脱贫户回答是否错退")
    if item.frame == Frame.NON_REGISTERED and values.get("missed") is None:
        problems["missed"] = _("非建档立卡农户须回答是否漏评")
    if item.frame != Frame.NON_REGISTERED and values.get("missed") is not None:
        problems["missed"] = _("只有非建档立卡农户回答是否漏评")
    if values.get("approves") is None:
        problems["approves"] = _("请回答是否认可帮扶工作")
    if (values.get("wrongly_exited") or values.get("missed")) and not str(values.get("note") or "").strip():
        problems["note"] = _("发现错退或漏评时请写明情况（转为风险线索时村里据此核实）")
    if not str(values.get("surveyor") or "").strip():
        problems["surveyor"] = _("请填写调查人")
    day = values.get("surveyed_on")
    if not isinstance(day, dt.date):
        problems["surveyed_on"] = _("请填写调查日期")
    elif day > clock.today():
        problems["surveyed_on"] = _("调查日期不能晚于今天")
    elif day < timezone.localtime(item.sample.drawn_at).date():
        problems["surveyed_on"] = _("调查日期不能早于抽样日期（%(d)s）") % {
            "d": timezone.localtime(item.sample.drawn_at).date()}
    return problems


def _save(actor, item: SampleItem, values: Mapping) -> Survey:
    survey = Survey.objects.select_for_update().filter(item=item, county_code=item.county_code).first()
    before = audit.snapshot(survey, ANSWERS) if survey else None
    if survey is None:
        survey = Survey(county_code=item.county_code, item=item)
    for field in ANSWERS:
        setattr(survey, field, values.get(field) if field not in ("note", "surveyor") else
                str(values.get(field) or "").strip())
    after = audit.snapshot(survey, ANSWERS)
    if before == after:
        return survey
    survey.recorded_by = user_or_none(actor)
    survey.save()
    if survey.clue_id and not survey.failed:  # corrected: the clue it raised no longer stands
        _withdraw_clue(actor, survey)
    audit.record(actor=actor, verb="assessment.survey", object_type="assessment.survey", object_id=survey.pk,
                 county_code=item.county_code, division_code=item.division_code, household_id=item.household_id,
                 summary=_("考核评估入户调查：%(r)s") % {"r": "、".join(
                     t for t, on in ((_("错退"), survey.wrongly_exited), (_("漏评"), survey.missed),
                                     (_("不认可"), not survey.approves)) if on) or _("无问题")},
                 before=before, after=after)
    return survey


def _withdraw_clue(actor, survey: Survey) -> None:
    from fupin.workflows import actions as workflows
    from fupin.workflows.models import ClueStatus, RiskClue

    clue = RiskClue.objects.filter(pk=survey.clue_id, status=ClueStatus.OPEN).first()
    if clue is not None:
        workflows.dismiss_clue(actor=actor, clue=clue, reason=_("考核抽查复核更正：第 %(n)s 号样本不再认定错退或漏评") % {
            "n": survey.item.order})
    Survey.objects.filter(pk=survey.pk).update(clue=None)
    survey.clue = None


def record_survey(*, actor, item: SampleItem, values: Mapping) -> Survey:
    """Record (or correct) the survey of one sampled household."""
    _authorize(actor, Cap.SURVEY, item.division_code)
    if item.sample.status != SampleStatus.OPEN:
        raise ValidationError(_("该抽样已结束，不能再登记调查。"))
    problems = check_answers(item, values)
    if problems:
        raise ValidationError(problems)
    with atomic():
        return _save(actor, item, values)


def record_surveys(*, actor, sample: Sample, rows: Iterable[tuple[SampleItem, Mapping]]) -> int:
    """Record many surveys at once (a filled-in workbook): all or nothing; returns how many changed."""
    rows = list(rows)
    if sample.status != SampleStatus.OPEN:
        raise ValidationError(_("该抽样已结束，不能再登记调查。"))
    for item, values in rows:
        _authorize(actor, Cap.SURVEY, item.division_code)
        if item.sample_id != sample.pk:
            raise ValidationError(_("样本号 %(n)s 不属于这次抽样。") % {"n": item.order})
        problems = check_answers(item, values)
        if problems:
            raise ValidationError(_("样本号 %(n)s：%(p)s") % {"n": item.order, "p": "；".join(problems.values())})
    changed = 0
    with atomic():
        for item, values in rows:
            before = Survey.objects.filter(item=item).values_list("recorded_at", flat=True).first()
            survey = _save(actor, item, values)
            changed += int(survey.recorded_at != before)
    return changed


def findings_to_clues(*, actor, sample: Sample) -> int:
    """Every surveyed household found wrongly exited or missed becomes a risk clue (once), through the
    workflows action, for the village to verify and take through identification or relapse."""
    from fupin.workflows import actions as workflows
    from fupin.workflows.models import ClueSource

    _authorize(actor, Cap.MANAGE_ASSESSMENT, sample.county_code)
    surveys = (Survey.objects.filter(item__sample=sample, county_code=sample.county_code, clue__isnull=True)
               .filter(Q(wrongly_exited=True) | Q(missed=True)).select_related("item__household"))
    made = 0
    with atomic():
        for survey in surveys.select_for_update(of=("self",)):
            risk = _("考核抽查：错退") if survey.wrongly_exited else _("考核抽查：漏评")
            clue = workflows.create_clue(
                actor=actor, household=survey.item.household, source=ClueSource.ASSESSMENT, risk=risk,
                detail=_("%(s)s 第 %(n)s 号样本，%(d)s 由 %(p)s 调查：%(note)s") % {
                    "s": sample.name, "n": survey.item.order, "d": survey.surveyed_on, "p": survey.surveyor,
                    "note": survey.note or "—"})
            Survey.objects.filter(pk=survey.pk).update(clue=clue)
            made += 1
    return made


def close_sample(*, actor, sample: Sample) -> Sample:
    _authorize(actor, Cap.MANAGE_ASSESSMENT, sample.county_code)
    with atomic():
        sample = lock(sample)
        if sample.status == SampleStatus.CLOSED:
            return sample
        sample.status = SampleStatus.CLOSED
        sample.save(update_fields=["status"])
        audit.record(actor=actor, verb="assessment.close", object_type="assessment.sample", object_id=sample.pk,
                     county_code=sample.county_code, division_code=sample.county_code,
                     summary=_("结束考核评估：%(s)s") % {"s": sample.name})
    return sample


def purge_reports(*, actor, county_code: str, before) -> int:
    """Delete survey-upload error reports made before ``before`` (the retention period's start)."""
    from fupin.assessment.models import SurveyUpload

    deleted = 0
    with atomic():
        for upload in SurveyUpload.objects.select_for_update().filter(county_code=county_code, created_at__lt=before):
            if upload.report:
                upload.report.delete(save=False)
                upload.save(update_fields=["report"])
                deleted += 1
        if deleted:
            audit.record(actor=actor, verb="retention.purge", object_type="assessment.surveyupload",
                         county_code=county_code, division_code=county_code,
                         summary=_("删除超过保留期限的调查表错误报告 %(n)d 个") % {"n": deleted})
    return deleted
