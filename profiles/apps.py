from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "profiles"

    def ready(self) -> None:
        from audit.references import register
        from profiles import signals  # noqa: F401 - connects the receivers
        from profiles.selectors import person_labels

        register("person", person_labels)
