"""Import of agencies, units or people from a CSV file (UTF-8, with or without BOM, comma or
semicolon separated) or an Excel workbook (.xlsx, first sheet).

The first row names the columns, in Vietnamese ("Mã định danh", "Tên cơ quan", "Viết tắt",
"Cơ quan cấp trên"…, with or without diacritics) or by their English keys (`organ_id`,
`name`…); unknown columns are ignored and reported. Every row goes through the same services
as the screens, so the rules and the messages are the same.

No half import: all rows are run inside one transaction, each in its own savepoint so that a
bad row does not hide the problems of the next ones. If any row fails, the whole transaction
is rolled back — nothing is imported — and the report lists every row with its result or its
errors; the administrator fixes the file and imports it again. A check-only run ("dry run")
does the same and always rolls back. One `import.run` audit event records every attempt,
successful or not; the rows of a successful import also leave their own events
(agency.create, person.update…).

Rows that are already in the database are updated: agencies by identifier code, units by
(agency, abbreviation), people by user name. On update an empty optional cell keeps the
current value. People's roles are added, never removed. Rows are processed parents first
(a unit's parent may come later in the file).
"""

from govdoc.organizations.imports.columns import COLUMNS, FILE_HINT, Column, Kind, template_csv
from govdoc.organizations.imports.reading import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, read_table
from govdoc.organizations.imports.report import ImportReport, RowResult, Status
from govdoc.organizations.imports.rows import (
    HANDLERS,
    PARENT_KEYS,
    ROLE_NAMES,
    ROW_KEYS,
    parse_roles,
)
from govdoc.organizations.imports.run import import_run

__all__ = [
    "COLUMNS",
    "FILE_HINT",
    "HANDLERS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "PARENT_KEYS",
    "ROLE_NAMES",
    "ROW_KEYS",
    "Column",
    "ImportReport",
    "Kind",
    "RowResult",
    "Status",
    "import_run",
    "parse_roles",
    "read_table",
    "template_csv",
]
