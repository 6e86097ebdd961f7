"""Every package's tables, gathered for migrations (only the composition root sees them all)."""

from __future__ import annotations

import importlib

import sqlalchemy as sa

_TABLE_MODULES = ("gateway.tables", "archive.tables", "quarantine.tables", "admin_api.tables")


def _modules() -> list:
    return [importlib.import_module(name) for name in _TABLE_MODULES]


def all_metadata() -> list[sa.MetaData]:
    return [module.metadata for module in _modules()]


def post_create(bind: sa.Connection) -> None:
    """Objects metadata cannot express (full-text tables, triggers), owned by each package."""
    for module in _modules():
        hook = getattr(module, "post_create", None)
        if hook is not None:
            hook(bind)
