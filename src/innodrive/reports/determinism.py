"""Same data, same bytes: rewrite a ZIP container (DOCX, XLSX) with fixed entry times.

python-docx and openpyxl stamp every ZIP entry with the time of saving, so two
renderings of the same document would differ in a few bytes and a reader could not
tell "nothing changed" from "something changed". Every entry is rewritten in its
original order with the same fixed time (the ZIP epoch, 1980-01-01) and the same
compression, which leaves the content untouched and makes the file reproducible.
"""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes, *, replace: dict[str, bytes] | None = None) -> bytes:
    """The same archive with fixed timestamps, permissions and compression; entries
    named in ``replace`` get the given content (a writer that stamps the time of
    saving into its metadata has that part rewritten)."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            dst.writestr(entry, replace.get(info.filename, src.read(info.filename)), compresslevel=6)
    return out.getvalue()
