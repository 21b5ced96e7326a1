from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "kindred.therapy"
    label = "therapy"

    def ready(self) -> None:
        from kindred.bookings.directory import DIRECTORIES, DIRECTORY, TherapistDirectory
        from kindred.therapy.access import is_listed, therapist_of_profile
        from kindred.therapy.directory import booking_summary

        DIRECTORIES.register(
            DIRECTORY,
            TherapistDirectory(
                is_listed=is_listed,
                summary=booking_summary,
                therapist_of_profile=therapist_of_profile,
            ),
            replace=True,
        )
