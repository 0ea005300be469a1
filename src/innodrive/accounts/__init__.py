"""Accounts of the web workbench: who may sign in, with which role and scope.

Pure pieces live here (password policy and hashing, token generation); the tables
are in :mod:`innodrive.accounts.db`; the use cases (add a user, sign in, resolve a
session or an API token to an :class:`~innodrive.services.actor.Actor`) are in
:mod:`innodrive.services.accounts`.
"""
