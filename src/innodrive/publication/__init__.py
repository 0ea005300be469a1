"""What leaves the office frozen: published snapshots, the 人大 view, the 专项工作报告.

A snapshot is the content of a publication (the public summary of a region's targets,
the plan's state handed to the 人大常委会, the data a 督查通报 was issued on) serialised
in one canonical form and sealed with its own SHA-256 (:mod:`.canonical`). It is stored
as that text and never rebuilt from live data, so a later import, correction or plan
version cannot change what was published; and since its hash is also written into the
tamper-evident audit log, an edit of the stored snapshot behind innodrive's back is
detected on every read.
"""
