"""Shipped status rule sets (YAML), read by :mod:`innodrive.tracking.ruleset`."""
