"""The sealed pending pool, sealed drafts, and older anonymous responses made unlinkable.

Anonymous responses written before this migration were inserted in the transaction that marked
their invitation used (same xmin), in submission order (ctid), with the exact date and role and
department checked one at a time. They are rewritten here: per survey, in a shuffled order,
under new random keys, in this migration's transaction, with the week's Monday as the date and
role/department coarsened with the rule new responses follow (surveys.anonymity.coarsening).
"""

import random
import uuid
from datetime import timedelta

from django.db import migrations, models

from surveys.anonymity.coarsening import scheme_for
from surveys.anonymity.sealing import seal


def seal_drafts(apps, schema_editor):
    Draft = apps.get_model("surveys", "Draft")
    for draft in Draft.objects.all().iterator():
        draft.sealed = seal(draft.data or {})
        draft.save(update_fields=["sealed"])


def reshuffle_anonymous(apps, schema_editor):
    Invitation = apps.get_model("surveys", "Invitation")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    rng = random.SystemRandom()
    for survey_id in Response.objects.filter(anonymous=True).values_list("survey_id", flat=True).distinct():
        invitees = Invitation.objects.filter(survey_id=survey_id).values_list("person_id", "role", "person__department_id")
        scheme = scheme_for(invitees)
        old = list(Response.objects.filter(survey_id=survey_id, anonymous=True))
        rng.shuffle(old)
        answers = {}
        for answer in Answer.objects.filter(response__in=old):
            answers.setdefault(answer.response_id, []).append(answer)
        new_responses, new_answers = [], []
        for response in old:
            # A role left blank by the old rule says nothing about the department: keep neither.
            role, department_id = scheme.apply(response.role, response.department_id)
            if not response.role and scheme.keep_role:
                department_id = None
            day = response.submitted_on
            copy = Response(
                id=uuid.uuid4(),
                survey_id=survey_id,
                anonymous=True,
                role=role,
                department_id=department_id,
                submitted_on=day - timedelta(days=day.weekday()),
            )
            new_responses.append(copy)
            for answer in answers.get(response.pk, []):
                new_answers.append(
                    Answer(response=copy, question_id=answer.question_id, number=answer.number, text=answer.text,
                           options=answer.options)
                )
        Response.objects.filter(pk__in=[r.pk for r in old]).delete()
        Response.objects.bulk_create(new_responses)
        Answer.objects.bulk_create(new_answers)


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0003_invitation_person_survey_index"),
        ("profiles", "__first__"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingSubmission",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("sealed", models.TextField()),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE, related_name="pending", to="surveys.survey"
                    ),
                ),
            ],
        ),
        migrations.AddField(model_name="draft", name="sealed", field=models.TextField(default="")),
        migrations.RunPython(seal_drafts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="draft", name="data"),
        migrations.AlterField(model_name="draft", name="sealed", field=models.TextField()),
        migrations.RunPython(reshuffle_anonymous, migrations.RunPython.noop),
    ]
