"""The read-only programme and welfare lists: their apps' selectors, masking, filters, capability."""

import pytest

from tests.api import support

pytestmark = pytest.mark.django_db


def test_programme_and_welfare_lists(users, rules):
    world = support.build_full(users)
    township = support.client_for(users["township"])
    coops = township.get("/api/v1/programmes/cooperatives/").json()["results"]
    assert [c["id"] for c in coops] == [world.cooperative.pk] and coops[0]["phone"] == "079****6666"
    courses = township.get("/api/v1/programmes/courses/", {"year": 2023}).json()["results"]
    assert [c["id"] for c in courses] == [world.course.pk] and courses[0]["enrolled"] == 0
    assert township.get("/api/v1/programmes/courses/", {"year": 2022}).json()["count"] == 0
    current = township.get("/api/v1/programmes/employments/", {"current": "true"}).json()
    assert [e["id"] for e in current["results"]] == [world.employment.pk]
    jobs = township.get("/api/v1/programmes/welfare-jobs/").json()["results"]
    assert [j["id"] for j in jobs] == [world.welfare_job.pk]
    renovations = township.get("/api/v1/welfare/renovations/", {"year": 2023, "status": "planned"}).json()
    assert [r["id"] for r in renovations["results"]] == [world.renovation.pk]
    assert township.get("/api/v1/welfare/renovations/", {"status": "nonsense"}).status_code == 400
    relocations = township.get("/api/v1/welfare/relocations/").json()["results"]
    assert [r["id"] for r in relocations] == [world.relocation.pk]
    # the other township sees none of it
    other = support.client_for(users["other_township"])
    for path in ("programmes/cooperatives", "programmes/courses", "programmes/employments",
                 "programmes/welfare-jobs", "welfare/renovations", "welfare/relocations"):
        assert other.get(f"/api/v1/{path}/").json()["count"] == 0, path
