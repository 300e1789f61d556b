"""Drawing the assessment sample: reproducible from its seed, stratified by township and frame with the
sizes asked (all of a stratum when it is smaller), refused on bad sizes with nothing written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.assessment import actions
from fupin.assessment.models import Frame, Sample, SampleItem
from fupin.core.models import AuditEvent
from fupin.divisions.models import Division, Level
from tests.assessment.support import county, draw
from tests.factories import HUFANG, TANXI

pytestmark = pytest.mark.django_db


def drawn(sample):
    return list(SampleItem.objects.filter(sample=sample).order_by("order").values_list("household_id", "frame"))


def test_the_same_seed_draws_the_same_households(users):
    county()
    sizes = {HUFANG: {Frame.EXITED: 2, Frame.NON_REGISTERED: 3}, TANXI: {Frame.EXITED: 1, Frame.NON_REGISTERED: 2}}
    first = draw(users["county"], sizes, seed=12345)
    again = draw(users["county"], sizes, seed=12345)
    assert drawn(first) == drawn(again)
    assert first.seed == 12345 and first.sizes == {HUFANG: {"exited": 2, "non_registered": 3},
                                                   TANXI: {"exited": 1, "non_registered": 2}}
    others = {tuple(drawn(draw(users["county"], sizes, seed=s))) for s in range(1, 8)}
    assert len(others) > 1  # other seeds draw other households


def test_each_stratum_gets_its_size_from_its_own_households(users):
    made = county()
    sizes = {HUFANG: {Frame.EXITED: 3, Frame.REGISTERED: 1, Frame.NON_REGISTERED: 2}, TANXI: {Frame.EXITED: 1}}
    sample = draw(users["county"], sizes)
    items = SampleItem.objects.filter(sample=sample)
    counts = {}
    for item in items:
        counts[(item.division_code[:9], item.frame)] = counts.get((item.division_code[:9], item.frame), 0) + 1
        kind = {"exited": "exited", "registered": "poor", "non_registered": "ordinary"}[item.frame]
        assert item.household_id in {h.pk for h in made[(item.division_code[:9], kind)]}
        assert item.size == item.household.size
    assert counts == {(HUFANG, "exited"): 3, (HUFANG, "registered"): 1, (HUFANG, "non_registered"): 2,
                      (TANXI, "exited"): 1}
    assert sorted(items.values_list("order", flat=True)) == list(range(1, 8))
    # the frames as they were when drawn: households and people per township
    assert sample.frames[HUFANG]["exited"] == {"households": 4, "people": 4}
    assert sample.frames[HUFANG]["non_registered"] == {"households": 5, "people": 6}
    assert sample.frames[HUFANG]["all"] == {"people": 12}
    assert AuditEvent.objects.filter(verb="assessment.draw", object_id=str(sample.pk)).exists()


def test_a_small_stratum_is_taken_whole(users):
    county()
    sample = draw(users["county"], {TANXI: {Frame.EXITED: 50}})
    assert sample.items.count() == 2


@pytest.mark.parametrize("sizes", [
    {}, {"361022999": {"exited": 1}}, {HUFANG: {"exited": -1}}, {HUFANG: {"exited": 501}},
    {HUFANG: {"nobody": 1}}, {HUFANG: {"exited": 0}},
])
def test_bad_sizes_are_refused_and_nothing_is_written(users, sizes):
    county()
    with pytest.raises(ValidationError):
        draw(users["county"], sizes)
    assert not Sample.objects.exists() and not SampleItem.objects.exists()


def test_only_the_county_draws(users):
    county()
    for who in ("township", "village", "auditor"):
        with pytest.raises(PermissionDenied):
            actions.draw_sample(actor=users[who], county_code="361022", year=2023, sizes={HUFANG: {"exited": 1}})
    assert not Sample.objects.exists()


def test_the_draw_page(client, users):
    county()
    from tests.conftest import login

    login(client, users["county"])
    data = {"year": 2023, "seed": 99, "name": ""}
    townships = Division.objects.filter(parent_code="361022", level=Level.TOWNSHIP).values_list("code", flat=True)
    data.update({f"n_{t}_{f}": 0 for t in townships for f in Frame.values})
    data[f"n_{HUFANG}_exited"] = 2
    response = client.post("/assessment/", data)
    sample = Sample.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/samples/{sample.pk}/"
    assert sample.seed == 99 and sample.items.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "随机种子 99" in page
