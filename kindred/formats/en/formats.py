"""How Kindred writes dates and times in English: one place, used by every page.

Templates name these formats (``|date`` is ``DATE_FORMAT``, ``|date:"DATETIME_FORMAT"``,
``|time``) instead of spelling a pattern, and Python code goes through
:func:`kindred.core.when.format_when`. A translation adds ``formats/<language>/``.
Day-month-year and a 24-hour clock: unambiguous for readers on either side of the
Atlantic.
"""

DATE_FORMAT = "j M Y"  # 6 Dec 2026
DATETIME_FORMAT = "j M Y, H:i"  # 6 Dec 2026, 14:05
TIME_FORMAT = "H:i"  # 14:05
SHORT_DATE_FORMAT = "D j M"  # Sun 6 Dec
SHORT_DATETIME_FORMAT = "D j M, H:i"  # Sun 6 Dec, 14:05
MONTH_DAY_FORMAT = "l j F"  # Sunday 6 December
