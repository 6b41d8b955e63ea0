"""Path safety: the one module that decides what in the landing folder may be read, and opens it.

Landing reads only **regular files with one name, directly inside a source folder** (a real folder
``<landing>/<source>/``, not a link). Everything else is decided from the directory entry alone
(``os.scandir`` and ``lstat``, which never follow a link), so it is refused without being opened:

- a symbolic link (to a file, a folder or a FIFO): its target may be anywhere, so it is never
  followed; the link itself is what goes to quarantine;
- a hard link (a file with more than one name, ``st_nlink > 1``): the same bytes may be a file
  outside the landing folder;
- anything that is not a regular file (FIFO, socket, device): opening a FIFO would wait forever;
- a name outside ``[A-Za-z0-9._-]`` or longer than ``MAX_NAME`` characters: DuckDB reads a path as
  a glob pattern, so ``*``, ``?``, ``[`` or ``{`` could read other files, and quotes, spaces, line
  breaks or non-ASCII in a name would reach messages and logs;
- a name that does not match the contract's ``file_pattern`` (case matters: ``.CSV`` is not
  ``.csv``).

A file that passes is opened with ``O_NOFOLLOW`` (``open_regular``) and checked to be the entry that
was listed; its ``Fingerprint`` (device, inode, size, modification time, links) is taken then, and
after DuckDB has read it the file must still match it (``unchanged``), else it is refused as changed
during landing. Sub-folders of a source folder, and anything at the top of the landing folder that
is not a known source folder, are reported (``unexpected_entries``), never read or moved.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipelines.config import SYNTHETIC_MARKER
from pipelines.contracts.model import Contract
from pipelines.errors import UsageError
from pipelines.landing.findings import (
    CHANGED,
    FILE_NAME,
    HARD_LINK,
    NOT_A_REGULAR_FILE,
    SYMLINK,
    Finding,
    Refused,
)

SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
MAX_NAME = 128
# Characters DuckDB reads as a glob pattern in a path: the landing folder's own path must have none.
_GLOB = re.compile(r"[*?\[\]{}]")
_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}


@dataclass(frozen=True)
class Fingerprint:
    """What identifies the file that was hashed, and the folder it was listed in; a file that no
    longer matches it has changed (or its folder was swapped for a link)."""

    device: int
    inode: int
    size: int
    modified_ns: int
    folder: tuple[int, int]  # the source folder's device and inode

    @classmethod
    def of(cls, status: os.stat_result, folder: tuple[int, int]) -> Fingerprint:
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, folder)


@dataclass(frozen=True)
class Entry:
    """A directory entry of a source folder, as listed (its own status: a link is not followed),
    and the identity (device, inode) of the folder it was listed in."""

    path: Path
    status: os.stat_result
    folder: tuple[int, int]

    @classmethod
    def of(cls, path: Path) -> Entry:
        """The entry for one path, as listing its folder would give it."""
        return cls(path, path.lstat(), _identity(path.parent.lstat()))

    @property
    def name(self) -> str:
        return self.path.name


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


def display_name(name: str) -> str:
    """A delivered name fit for messages: itself if it keeps the name rule, else with every other
    character shown as '?' and cut to MAX_NAME (a name is chosen by whoever delivered the file)."""
    shown = "".join(c if SAFE_NAME.fullmatch(c) else "?" for c in name)
    return shown if len(shown) <= MAX_NAME else shown[:MAX_NAME] + "..."


def require_landing_dir(landing_dir: Path) -> None:
    """The landing folder must exist (ingest never creates it) and its path must not read as a
    DuckDB glob pattern."""
    if not landing_dir.is_dir():
        raise UsageError(f"landing folder {landing_dir} does not exist: run `pophealth demo-data` "
                         "or set PH_LANDING_DIR")
    if _GLOB.search(str(landing_dir)):
        raise UsageError(f"landing folder {landing_dir}: its path contains one of * ? [ ] {{ }}, "
                         "which DuckDB reads as a file pattern; move it or set PH_LANDING_DIR")


def synthetic_delivery(landing_dir: Path) -> bool:
    """Whether the landing folder holds the demo marker (``pophealth demo-data`` writes it beside
    the source folders): the files landed from it now are synthetic. Only a regular file counts, as
    listed (a link is not followed)."""
    try:
        return stat.S_ISREG((landing_dir / SYNTHETIC_MARKER).lstat().st_mode)
    except FileNotFoundError:
        return False


def source_entries(landing_dir: Path, source: str) -> list[Entry]:
    """The entries of a source folder that landing takes (files, links, FIFOs: everything but
    folders), in name order, which is delivery order. Nothing when the source folder is missing or
    is not a real folder (a link in its place is reported by ``unexpected_entries``, never followed).
    The folder is opened without following a link, and each entry keeps its identity."""
    folder = landing_dir / source
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return []
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            return []
        raise UsageError(f"source folder {folder} cannot be listed: "
                         f"{os.strerror(error.errno or 0).lower()}") from None
    entries = []
    try:
        identity = _identity(os.fstat(descriptor))
        with os.scandir(descriptor) as listing:
            for item in listing:
                if item.is_dir(follow_symlinks=False):
                    continue
                try:
                    status = item.stat(follow_symlinks=False)
                except FileNotFoundError:  # gone since the listing: nothing to land
                    continue
                entries.append(Entry(folder / item.name, status, identity))
    finally:
        os.close(descriptor)
    return sorted(entries, key=lambda entry: entry.name)


def refusal(entry: Entry, contract: Contract) -> Finding | None:
    """Why the entry may not be read, decided from the entry alone; None if it may."""
    mode, name = entry.status.st_mode, entry.name
    if stat.S_ISLNK(mode):
        return Finding(SYMLINK, None, None, "a symbolic link: not followed, its target is not read")
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        return Finding(NOT_A_REGULAR_FILE, None, None, f"{kind}: not opened")
    if entry.status.st_nlink > 1:
        return Finding(HARD_LINK, None, None, f"the file has {entry.status.st_nlink} names (a hard "
                       "link): its content may be a file outside the landing folder, so it is not read")
    if not SAFE_NAME.fullmatch(name) or len(name) > MAX_NAME:
        return Finding(FILE_NAME, None, None, "a name may only use A-Z a-z 0-9 . _ - and at most "
                       f"{MAX_NAME} characters")
    if not fnmatch.fnmatchcase(name, contract.file_pattern):
        return Finding(FILE_NAME, None, None, f"the contract expects file names like "
                       f"{contract.file_pattern}")
    return None


def open_regular(entry: Entry) -> tuple[BinaryIO, Fingerprint]:
    """Open a listed regular file without following a link, and check it is still the entry that
    was listed (Refused as changed otherwise). FileNotFoundError if it is gone."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(entry.path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # it became a link after it was listed
            raise Refused(Finding(CHANGED, None, None, "replaced by a link after it was listed")
                          ) from None
        raise
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode) or status.st_nlink > 1 or \
            _identity(status) != _identity(entry.status) or not same_folder(entry.path, entry.folder):
        os.close(descriptor)
        raise Refused(Finding(CHANGED, None, None, "replaced after it was listed"))
    return os.fdopen(descriptor, "rb"), Fingerprint.of(status, entry.folder)


def same_folder(path: Path, folder: tuple[int, int]) -> bool:
    """Whether the path's folder is still the real folder it was listed in (not a link to another)."""
    try:
        status = path.parent.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(status.st_mode) and _identity(status) == folder


def unchanged(path: Path, fingerprint: Fingerprint) -> bool:
    """Whether the path is still the regular file that was hashed (same inode, size, time, in the
    same folder)."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1 and \
        same_folder(path, fingerprint.folder) and \
        Fingerprint.of(status, fingerprint.folder) == fingerprint


def unexpected_entries(landing_dir: Path, contracts: Iterable[Contract]) -> list[str]:
    """What the landing folder holds that landing does not take, each with the reason: at the top,
    anything but a known source folder and the demo marker; inside a source folder, sub-folders.
    Reported only: nothing here is read or moved."""
    require_landing_dir(landing_dir)
    known = {contract.id for contract in contracts}
    found = []
    with os.scandir(landing_dir) as listing:
        top = sorted(listing, key=lambda item: item.name)
    for item in top:
        name = display_name(item.name)
        if item.name == SYNTHETIC_MARKER and item.is_file(follow_symlinks=False):
            continue
        if item.name in known:
            if item.is_dir(follow_symlinks=False):
                found += _subfolders(Path(item.path), name)
            elif item.is_symlink():
                found.append(f"{name}: a link where the source folder should be (not followed)")
            else:
                found.append(f"{name}: not a folder (a source's files go in the folder {name}/)")
        elif item.is_symlink():
            found.append(f"{name}: a link, not a known source folder (not followed)")
        elif item.is_dir(follow_symlinks=False):
            found.append(f"{name}/: not a known source folder (no data contract has this id)")
        else:
            found.append(f"{name}: not expected at the top of the landing folder (a delivery goes "
                         "in its source's folder)")
    return found


def _subfolders(folder: Path, shown: str) -> list[str]:
    with os.scandir(folder) as listing:
        return [f"{shown}/{display_name(item.name)}/: a folder inside a source folder (not read)"
                for item in sorted(listing, key=lambda item: item.name)
                if item.is_dir(follow_symlinks=False)]
