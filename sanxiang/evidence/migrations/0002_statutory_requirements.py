"""Load the statutory recording requirements of JL-AV-2 from data/recording_requirements.json."""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "recording_requirements.json"


def load(apps, schema_editor):
    Requirement = apps.get_model("evidence", "RecordingRequirement")
    for row in json.loads(DATA_FILE.read_text(encoding="utf-8"))["requirements"]:
        Requirement.objects.update_or_create(
            stage_kind=row["stage_kind"],
            activity=row["activity"],
            defaults={"statutory": row["statutory"], "basis": row["basis"], "is_active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
