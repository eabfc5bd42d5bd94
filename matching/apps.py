from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"

    def ready(self) -> None:
        # Coordinator bans live here, but programs.rules judges every pair (hand pairing included):
        # hand programs the bans through its loader without programs importing matching.
        from matching.selectors.bans import bans_among
        from programs.selectors.pair_facts import register_ban_source

        register_ban_source(bans_among)
