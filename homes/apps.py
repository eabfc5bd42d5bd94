from django.apps import AppConfig


class HomesConfig(AppConfig):
    """The role homes: what each kind of user sees first. They gather figures from every app, so
    this app sits at the right end of the dependency order (it may import all, none import it)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "homes"
