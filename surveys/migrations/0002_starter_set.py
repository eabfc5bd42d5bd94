from django.db import migrations


def install_starter_set(apps, schema_editor):
    from surveys import starter

    starter.install(apps.get_model("surveys", "SurveyTemplate"), apps.get_model("surveys", "Question"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(install_starter_set, migrations.RunPython.noop)]
