from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0003_goal_current_level"),
        ("programs", "0004_meeting_sequence"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="match_everyone",
            field=models.BooleanField(
                default=False,
                help_text="Pair as many mentees as possible, even with mentors who teach none of their goals.",
            ),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="preferred_departments",
            field=models.ManyToManyField(
                blank=True,
                help_text="Mentors only. Leave empty for no preference.",
                related_name="+",
                to="profiles.department",
                verbose_name="mentee departments you would like",
            ),
        ),
    ]
