"""CSV written for spreadsheets: formula cells neutralised, every carriage return quoted.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``=cmd|...``, ``@SUM(...)``), so
text from a deck or a learner could run in the reader's spreadsheet. As OWASP advises ("CSV
Injection"), such a cell gets a leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets read
as "this is text". A plain number (``-3``, ``+1.5``, ``-0.25``) is left as it is: a spreadsheet reads
it as the number, not a formula. ``raw=True`` writes every cell exactly, for programs.

Python's csv module does not quote a field holding a lone carriage return when the line ends in
``\\n`` alone; a reader then splits the row there. Every row with a carriage return in a cell is
written with all its cells quoted.

(The ``defusedcsv`` package does the apostrophe part but not tab or carriage return, and changes
``|`` inside every cell; hence this small function.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

#: The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value: object) -> object:
    """``value`` as a cell a spreadsheet reads as text: an apostrophe before a formula start."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_text(rows: Iterable[Sequence[object]], *, raw: bool = False) -> str:
    """``rows`` as CSV text with ``\\n`` line ends; neutralised cells unless ``raw``; CRs quoted."""
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = list(row) if raw else [spreadsheet_cell(v) for v in row]
        has_cr = any(isinstance(v, str) and "\r" in v for v in cells)
        (quoted if has_cr else plain).writerow(cells)
    return out.getvalue()
