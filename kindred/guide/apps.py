from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "kindred.guide"
    label = "guide"
    verbose_name = "Decision guide"

    def ready(self) -> None:
        from kindred.guide import sources
        from kindred.guide.nextsteps import register_next_step_source

        register_next_step_source("therapist", sources.therapist_steps)
        register_next_step_source("space", sources.space_steps)
