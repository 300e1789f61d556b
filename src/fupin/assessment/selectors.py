"""Reads of the assessment app: samples and their households (scoped), survey progress, and the four
figures (三率一度) per township and for the county, computed from grouped counts (rates.py)."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Sum, When
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from fupin.assessment import rates
from fupin.assessment.models import Frame, Sample, SampleItem, Survey, SurveyUpload
from fupin.core.scope import scope_for
from fupin.divisions.models import Division


def samples(user):
    return Sample.objects.visible_to(user)


def get_sample(user, pk: int) -> Sample:
    return get_object_or_404(samples(user), pk=pk)


def items(user, sample: Sample, *, frame: str = "", pending: bool = False, area: str = ""):
    """The sampled households the user may see (a township: its own), with their survey if any."""
    from fupin.registry.selectors import head_name

    qs = SampleItem.objects.visible_to(user, area).filter(sample=sample)
    if frame in Frame.values:
        qs = qs.filter(frame=frame)
    if pending:
        qs = qs.filter(survey__isnull=True)
    return qs.select_related("household", "survey").annotate(head=head_name("household_id")).order_by("order")


def get_item(user, pk: int) -> SampleItem:
    return get_object_or_404(SampleItem.objects.visible_to(user).select_related("sample", "household"), pk=pk)


def head_of(item: SampleItem) -> str | None:
    from fupin.registry.selectors import head_name

    return SampleItem.objects.filter(pk=item.pk).annotate(head=head_name("household_id")).values_list(
        "head", flat=True).first()


def progress(user, sample: Sample) -> dict:
    qs = SampleItem.objects.visible_to(user).filter(sample=sample)
    found = qs.aggregate(items=Count("pk"), surveyed=Count("survey"))
    found["pending"] = found["items"] - found["surveyed"]
    return found


def _yes(field: str, weight=None):
    return Sum(Case(When(**{f"survey__{field}": True}, then=weight or 1), default=0, output_field=IntegerField()))


def figures(user, sample: Sample) -> dict:
    """The four figures per township and for the county, each a rates.Rate with its threshold and
    whether it passes. One grouped query over the sample's surveyed households. A user whose area is
    a township gets that township's figures and no county row."""
    qs = (SampleItem.objects.visible_to(user).filter(sample=sample, survey__isnull=False)
          .annotate(t=Substr("division_code", 1, 9)).values("t", "frame")
          .annotate(households=Count("pk"), people=Sum("size"), wrong=_yes("wrongly_exited"),
                    wrong_people=_yes("wrongly_exited", "size"), missed_people=_yes("missed", "size"),
                    approve=_yes("approves")).order_by())
    by: dict = {}
    for row in qs:
        by.setdefault(row["t"], {})[row["frame"]] = row
    frames = sample.frames or {}
    names = dict(Division.objects.filter(code__in=list(frames) or list(by)).values_list("code", "name"))
    scope = scope_for(user)
    whole = scope.contains_code(sample.county_code)

    def figures_of(code: str, name: str, f: dict, sizes: dict) -> dict:
        """The four figures of one township (or the county: counts and frames summed)."""
        exited, nonreg = f.get(Frame.EXITED, {}), f.get(Frame.NON_REGISTERED, {})
        wrong_people = rates.wilson(exited.get("wrong_people") or 0, exited.get("people") or 0)
        missed = rates.wilson(nonreg.get("missed_people") or 0, nonreg.get("people") or 0)
        surveyed = sum((r.get("households") or 0) for r in f.values())
        row = {
            "code": code, "name": name, "surveyed": surveyed, "missed": missed, "wrong_people": wrong_people,
            "wrong_exit": rates.wilson(exited.get("wrong") or 0, exited.get("households") or 0),
            "approval": rates.wilson(sum((r.get("approve") or 0) for r in f.values()), surveyed),
            "combined": rates.combined(
                registered_poor=sizes.get(Frame.REGISTERED, {}).get("people", 0),
                rural_people=sizes.get("all", {}).get("people", 0), missed=missed,
                non_registered_people=sizes.get(Frame.NON_REGISTERED, {}).get("people", 0),
                wrong_exit_people=wrong_people, exited_people=sizes.get(Frame.EXITED, {}).get("people", 0)),
        }
        row["passes"] = {key: row[key].passes(*rates.THRESHOLDS[key]) for key in rates.THRESHOLDS}
        return row

    townships = [code for code in sorted(set(frames) | set(by))
                 if (code in by or code in (sample.sizes or {})) and (whole or scope.contains_code(code))]
    rows = [figures_of(code, names.get(code, code), by.get(code, {}), frames.get(code, {})) for code in townships]
    total: dict = {}
    for code in townships:
        for frame, row in by.get(code, {}).items():
            sums = total.setdefault(frame, {})
            for key, value in row.items():
                if key not in ("t", "frame"):
                    sums[key] = sums.get(key, 0) + (value or 0)
    sizes: dict = {}
    for code in townships:
        for frame, row in frames.get(code, {}).items():
            for key, value in row.items():
                sizes.setdefault(frame, {})[key] = sizes.get(frame, {}).get(key, 0) + (value or 0)
    county = None
    if whole:  # a township sees its own figures only
        county_name = Division.objects.filter(code=sample.county_code).values_list("name", flat=True).first()
        county = figures_of(sample.county_code, county_name or sample.county_code, total, sizes)
    return {"townships": rows, "county": county, "thresholds": rates.THRESHOLDS}


def failed_surveys(user, sample: Sample):
    return (Survey.objects.visible_to(user).filter(item__sample=sample).filter(Q(wrongly_exited=True) | Q(missed=True))
            .select_related("item__household", "clue").order_by("item__order"))


def uploads(user, sample: Sample):
    return SurveyUpload.objects.visible_to(user).filter(sample=sample).select_related("created_by")


def get_upload(user, pk: int) -> SurveyUpload:
    return get_object_or_404(SurveyUpload.objects.visible_to(user), pk=pk)
