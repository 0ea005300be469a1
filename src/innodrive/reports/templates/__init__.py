"""Bundled document templates (YAML), one per kind of document; see innodrive.reports.template."""
