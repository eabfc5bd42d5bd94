from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils import timezone

from accounts.models import Invitation, User
from audit.references import user_ref
from audit.services import audit_record

# Changing any of these changes what a person may see, so each change is audited.
ROLE_FLAGS = ("is_coordinator", "is_hr_analyst", "is_staff", "is_superuser", "is_active")


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Logins are e-mail addresses; the two role flags sit next to the usual permissions."""

    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_coordinator", "is_hr_analyst", "is_active", "is_staff", "last_login"]
    list_filter = ["is_coordinator", "is_hr_analyst", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Roles", {"fields": ("is_coordinator", "is_hr_analyst")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
        ("Roles", {"fields": ("is_coordinator", "is_hr_analyst")}),
    )

    def save_model(self, request, obj: User, form, change: bool) -> None:  # noqa: ANN001
        """Save, and write every role change to the audit log in the same transaction."""
        changed = [flag for flag in ROLE_FLAGS if flag in form.changed_data]
        super().save_model(request, obj, form, change)
        if changed:
            summary = ", ".join(f"{flag.removeprefix('is_')}={'on' if getattr(obj, flag) else 'off'}" for flag in changed)
            audit_record(actor=request.user, action="user.roles", target=obj, summary=f"{user_ref(obj)}: {summary}")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-mostly: invitations are sent from the People page, where the token is e-mailed."""

    list_display = ["email", "invited_by", "created_at", "expires_at", "accepted_at", "state"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["email", "invited_by__email"]
    list_select_related = ["invited_by"]
    autocomplete_fields = ["invited_by"]
    readonly_fields = ["email", "token_hash", "invited_by", "created_at", "accepted_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        # A token made here could never be e-mailed: only its hash would exist.
        return False

    @admin.display(description="state")
    def state(self, invitation: Invitation) -> str:
        if invitation.accepted_at:
            return "accepted"
        return "expired" if invitation.expires_at <= timezone.now() else "pending"
