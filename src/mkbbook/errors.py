"""One error type for bad input, with a message a researcher can act on."""

from __future__ import annotations


class DataError(Exception):
    """Bad input data: names the file, the record and field, and the fix."""

    def __init__(self, file, problem: str, *, record=None, field=None, fix: str = ""):
        self.file = str(file)
        self.record = record
        self.field = field
        self.problem = problem
        self.fix = fix
        where = self.file
        if record is not None:
            where += f", record {record!r}"
        if field is not None:
            where += f", field {field!r}"
        message = f"{where}: {problem}"
        if fix:
            message += f"\n  Fix: {fix}"
        super().__init__(message)
