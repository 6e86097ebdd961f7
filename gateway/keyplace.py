"""Where this node's master keys live: apart from the data they protect (invariant 8).

``storage.keys_dir`` (default ``./keys`` beside ``./data``; the shipped config ``../keys``)
holds ``master-<kid>.key`` files (0600, directory 0700); ``MAILWARDEN_MASTER_KEY`` or
``storage.master_key_file`` give the key without any file of ours, so a copy of ``data_dir``
alone — a backup, a snapshot — opens nothing. Keys found in the older place, ``data_dir/keys``,
are copied to ``keys_dir`` once; the originals are left (another node sharing that data_dir may
still need them) and every start warns until they are deleted. A ``keys_dir`` that is still
inside ``data_dir`` gets a warning at every start too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from archive.keyring import KeyRing
from archive.keywrap import write_private
from gateway.settings import Settings

log = logging.getLogger("mailwarden.keys")
_KEY_FILES = ("master-*.key", "active", "derived.json")


def open_keyring(settings: Settings, *, warn: bool = True) -> KeyRing:
    """This node's key ring (not yet bound to the database), after :func:`place_keys`."""
    place_keys(settings, warn=warn)
    return KeyRing.open(settings.keys_dir, master_key_env=settings.storage.master_key_env,
                        master_key_file=settings.master_key_file)


def _inside(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def place_keys(settings: Settings, *, warn: bool = True) -> None:
    keys_dir, data_dir = settings.keys_dir, settings.data_dir
    old = data_dir / "keys"
    left_behind = old.resolve() != keys_dir.resolve() and old.is_dir() and any(old.glob("master-*.key"))
    if left_behind and not (keys_dir.is_dir() and any(keys_dir.glob("master-*.key"))):
        _copy(old, keys_dir)
    if not warn:
        return
    if _inside(keys_dir, data_dir):
        log.warning("master keys in %s sit inside data_dir %s: a copy of the data opens it; "
                    "set storage.keys_dir outside it (or use %s / storage.master_key_file)",
                    keys_dir, data_dir, settings.storage.master_key_env)
    elif left_behind:
        log.warning("master keys are still also in %s (the older layout, now copied to %s): once every node "
                    "sharing this data_dir has its own keys_dir or %s, delete them there (shred -u %s/*)",
                    old, keys_dir, settings.storage.master_key_env, old)


def _copy(old: Path, new: Path) -> None:
    """Copy the key files (0600, synced) to ``new``. The originals stay: another node sharing
    this data_dir may still depend on them (the start-up warning says to delete them)."""
    new.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(new, 0o700)
    for path in sorted({p for pattern in _KEY_FILES for p in old.glob(pattern)}):
        write_private(new / path.name, path.read_bytes())
    log.warning("master keys copied from %s to %s (storage.keys_dir): keys are kept apart from the data", old, new)
