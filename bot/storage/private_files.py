"""Private files: folders 0700, databases (with their WAL and SHM files) and keys 0600.

The modes are set explicitly, so they hold whatever the umask of the process
is. SQLite gives a database's ``-wal``, ``-shm`` and ``-journal`` files the
mode of the database file itself, so a database file is created 0600 before
SQLite opens it, and an existing one (from an older version) is tightened.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
#: The files SQLite keeps next to a database.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) with mode 0700; an existing folder is left alone."""
    missing = []
    current = Path(path)
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it just now
            folder.mkdir(mode=DIR_MODE)
        os.chmod(folder, DIR_MODE)


def tighten_dir(path: Path) -> None:
    """Take group and other access away from an existing folder (the bot's var folder).

    Only the var folder is tightened, never a folder an operator chose for
    something else; a missing folder is made 0700 when a file goes into it.
    """
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        pass
    except PermissionError:
        logger.warning("could not make %s private (not its owner)", path)


def private_file(path: Path) -> None:
    """Make sure ``path`` exists with mode 0600; an existing file is tightened, not emptied."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except PermissionError:
        logger.warning("could not make %s private (not its owner)", path)
    finally:
        os.close(fd)


def tighten_file(path: Path) -> None:
    """Mode 0600 for an existing file; nothing when it does not exist."""
    try:
        os.chmod(path, FILE_MODE)
    except FileNotFoundError:
        pass
    except PermissionError:
        logger.warning("could not make %s private (not its owner)", path)
    except OSError as exc:  # a read-only mount, e.g. a Kubernetes Secret volume
        logger.warning("could not make %s private: %s", path, exc.strerror or exc)


def private_database(path: Path) -> None:
    """Prepare a SQLite file: its folder exists, it and its side files are 0600.

    Call before SQLite opens the file. ``:memory:`` and empty names are skipped.
    """
    name = str(path)
    if name in ("", ":memory:") or name.startswith("file:"):
        return
    path = Path(path)
    private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        tighten_file(Path(f"{path}{suffix}"))
