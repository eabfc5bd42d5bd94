from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import validate_email

from accounts.models import User


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password, not all numbers, not like your e-mail address.",
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are different.")
        elif first:
            try:
                # An unsaved user lets the similarity check compare against the e-mail address.
                password_validation.validate_password(first, User(email=self.email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class InviteByEmailForm(forms.Form):
    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line (commas also work). Each must be someone on the staff roster without a login.",
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n").replace(";", "\n")
        emails: list[str] = []
        bad: list[str] = []
        for line in raw.splitlines():
            address = line.strip().lower()
            if not address:
                continue
            try:
                validate_email(address)
            except forms.ValidationError:
                bad.append(address)
                continue
            if address not in emails:
                emails.append(address)
        if bad:
            raise forms.ValidationError(f"Not an e-mail address: {', '.join(bad)}.")
        if not emails:
            raise forms.ValidationError("Enter at least one e-mail address.")
        if len(emails) > 500:
            raise forms.ValidationError("Invite at most 500 people at a time.")
        return emails
