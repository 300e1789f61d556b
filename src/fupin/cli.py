"""The `fupin` console command: Django's manage.py with fupin's settings already chosen."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    from django.core.management import execute_from_command_line

    activate_language()
    execute_from_command_line(argv if argv is not None else sys.argv)


def activate_language() -> None:
    """The commands speak the installation's language: FUPIN_LANGUAGE (zh-hans, en) if set, else the
    settings' LANGUAGE_CODE (Chinese). Their messages are translatable like the pages'."""
    import django
    from django.conf import settings
    from django.utils import translation

    try:
        django.setup()
    except Exception:  # a broken setting: let the command itself report it, in its own words
        return
    wanted = os.environ.get("FUPIN_LANGUAGE", "").strip().lower() or settings.LANGUAGE_CODE
    known = {code.lower() for code, _name in settings.LANGUAGES}
    translation.activate(wanted if wanted in known else settings.LANGUAGE_CODE)


if __name__ == "__main__":
    main()
