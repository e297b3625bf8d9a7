"""``unknot assess FILE|-``: assess an intake JSON file (or stdin) and print the assessment.

Prints exactly the JSON an anonymous ``POST /api/v1/assessments`` returns, and stores nothing.
Exit codes: 0 assessed; 2 bad input (unreadable file, not JSON, or invalid intake), with the
same error JSON as the API's 400/422 on stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unknot.apps.guide.contract import (
    assess_data,
    assessment_payload,
    problems_payload,
    read_intake_json,
)
from unknot.domain.guide import IntakeError

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Assess an intake JSON file (or - for stdin) and print the assessment as JSON."
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the intake JSON file, or - to read stdin.")
        parser.add_argument(
            "--compact", action="store_true", help="Print on one line instead of indented."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        indent = None if options["compact"] else 2
        try:
            raw = self._read(options["file"], options.get("stdin") or sys.stdin)
        except OSError as error:
            self._fail(
                {
                    "code": "unreadable",
                    "message": f"Cannot read {options['file']}: {error.strerror or error}.",
                },
                indent,
            )
        try:
            intake, assessment = assess_data(read_intake_json(raw))
        except IntakeError as error:
            self._fail(problems_payload(error), indent)
        payload = assessment_payload(assessment, intake)
        self.stdout.write(json.dumps(payload, indent=indent, ensure_ascii=False))

    def _read(self, name: str, stdin) -> bytes:
        if name == "-":
            data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
            return data if isinstance(data, bytes) else data.encode("utf-8")
        with open(name, "rb") as handle:
            return handle.read()

    def _fail(self, body: dict[str, Any], indent: int | None) -> None:
        # Plain JSON even on a terminal: no error colouring around it.
        self.stderr.write(json.dumps(body, indent=indent, ensure_ascii=False), style_func=str)
        self.stderr.flush()
        sys.exit(BAD_INPUT)
