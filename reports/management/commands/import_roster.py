"""Import an HR roster from the command line: preview always, apply with --apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.roster_file import RosterFileError, read_roster
from reports.services.roster import roster_apply, roster_preview_create


class Command(BaseCommand):
    help = "Preview (and with --apply, apply) an HR roster CSV or XLSX file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--apply", action="store_true", help="Apply the changes after the preview.")
        parser.add_argument(
            "--valid-rows-only", action="store_true", help="With --apply: apply the valid rows even if others have errors."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            parsed = read_roster(path.read_bytes(), path.name)
        except RosterFileError as exc:
            raise CommandError(str(exc)) from exc
        roster_import = roster_preview_create(parsed=parsed, by=None)
        preview = roster_import.preview
        counts = preview["counts"]
        for note in preview["notes"]:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            f"rows={preview['total']} new={counts['new']} changed={counts['changed']} "
            f"unchanged={counts['unchanged']} errors={counts['error']} separations={preview['separations']}"
        )
        if preview["new_departments"]:
            self.stdout.write("new departments: " + ", ".join(preview["new_departments"]))
        for item in preview["rows"].get("error", []):
            self.stdout.write(f"  line {item['line']}: " + " ".join(item["errors"]))
        if not options["apply"]:
            self.stdout.write("Preview only; run again with --apply to make these changes.")
            return
        try:
            result = roster_apply(roster_import=roster_import, by=None, valid_rows_only=options["valid_rows_only"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS("applied: " + " ".join(f"{k}={v}" for k, v in result.items())))
