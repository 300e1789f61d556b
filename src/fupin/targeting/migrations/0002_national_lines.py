"""Pre-load the national poverty lines 2010-2020 and the 2021 monitoring threshold (targeting.defaults)."""

from django.db import migrations

from fupin.targeting.defaults import LINES, ensure_national


def load(apps, schema_editor):
    ensure_national(apps.get_model("targeting", "RuleSet"))


def unload(apps, schema_editor):
    apps.get_model("targeting", "RuleSet").objects.filter(region_code="", version=1, year__in=[*LINES, 2021],
                                                          locked_at__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("targeting", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
