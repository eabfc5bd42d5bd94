from __future__ import annotations

from django import forms

from speedrounds.rotation import MAX_ROUNDS


class GenerateForm(forms.Form):
    minutes_per_round = forms.IntegerField(
        label="Minutes per round",
        min_value=2,
        max_value=60,
        initial=7,
        help_text="Including the move to the next table.",
    )
    rounds = forms.IntegerField(
        label="Number of rounds",
        min_value=1,
        max_value=MAX_ROUNDS,
        required=False,
        help_text="Leave empty for as many as fit in the event (never more than it takes to meet everyone).",
    )
