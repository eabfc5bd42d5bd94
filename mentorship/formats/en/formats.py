"""The site's one date and time format (FORMAT_MODULE_PATH = "mentorship.formats").

"5 Oct 2026" and "5 Oct 2026, 14:30": day first, the month in three letters, the year in full,
a 24-hour clock. Unambiguous for every reader (no 04/08 riddle), short enough for tables, and
the same in pages, e-mails and messages. Templates use `|when` (common/templatetags/datetimes.py),
code uses common.dates.when; both read these settings. Form inputs keep ISO dates (their own
widgets), and exports keep ISO for spreadsheets.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
FIRST_DAY_OF_WEEK = 1  # Monday
