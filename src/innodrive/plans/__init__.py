"""innodrive.plans: the living plan — plans and their versions, targets, the task
ledger with owners and deadlines, milestones, progress reports and their review.

Pure parts (``tasks``, ``diff``) work on extracted plans; ``storage``, ``links`` and
``progress`` keep them in the store and hand back the pydantic models of ``models``.
"""
