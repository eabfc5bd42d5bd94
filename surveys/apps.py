from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"

    def ready(self) -> None:
        from programs import signals
        from surveys import receivers

        signals.event_changed.connect(receivers.event_changed, dispatch_uid="surveys.event_changed")
