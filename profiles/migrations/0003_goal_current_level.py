from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0002_person_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="developmentgoal",
            name="current_level",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[(0, "0 – None yet"), (1, "1 – Aware"), (2, "2 – Working"), (3, "3 – Practitioner"), (4, "4 – Expert")],
                help_text="Where you are today in this skill.",
                null=True,
                verbose_name="level now",
            ),
        ),
        migrations.AddField(
            model_name="personskill",
            name="prefers_teaching",
            field=models.BooleanField(
                default=False,
                help_text="Among the skills you teach, the ones you most want to.",
                verbose_name="most want to teach",
            ),
        ),
    ]
