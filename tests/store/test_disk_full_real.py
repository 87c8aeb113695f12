"""A real full disk: a 1 MB tmpfs mounted in a private mount namespace (``unshare``; no root needed
where unprivileged user namespaces are allowed, skipped elsewhere). The writer fills it until
SQLite reports SQLITE_FULL; everything stored before must still be there and intact, and once space
is freed, saving works again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys
from pathlib import Path
from voiceprep.store.errors import DiskFullError, StoreError
from voiceprep.store.history import HistoryStore

data = Path(sys.argv[1]) / "data"
out = {"stored": [], "error": None, "error_type": None}
store = HistoryStore.open(data)
ballast = Path(sys.argv[1]) / "other-file"  # something else on the disk the user can delete later
ballast.write_bytes(b"\0" * 200_000)
try:
    n = 0
    while n < 10000:
        text = " ".join(f"word{n}x{i}" for i in range(1500))
        rec = store.add_attempt(bank_id="b", question_id=f"q{n % 3}", transcript={"text": text, "words": []},
                                report={"coverage": {"score": 0.5}, "transcript": text, "version": 1})
        out["stored"].append([rec.id, rec.uuid, n])
        n += 1
except StoreError as exc:
    out["error"], out["error_type"] = str(exc), type(exc).__name__
try:  # the recorder's side: writing audio to the full disk
    (store.recordings_dir / "x.wav").write_bytes(b"\0" * 2_000_000)
except OSError as exc:
    out["audio_errno"] = exc.errno
(store.recordings_dir / "x.wav").unlink(missing_ok=True)
out["ok_after"] = all(
    store.get_attempt(i).uuid == u and store.get_attempt(i).transcript_text.startswith(f"word{n}x0 ")
    for i, u, n in out["stored"])
out["integrity"] = store.integrity_check()
store.close()
store = HistoryStore.open(data)  # reopen on the still-full disk: nothing judged damaged
out["notes"] = store.notes
out["count"] = store.count_attempts()
ballast.unlink()  # the user frees some space
try:
    store.add_attempt(bank_id="b", question_id="small", report={"coverage": {"score": 1.0}})
    store.delete_attempt(out["stored"][0][0])
    out["saved_after_freeing"] = True
except StoreError as exc:
    out["saved_after_freeing"] = str(exc)
out["count_end"] = store.count_attempts()
out["integrity_end"] = store.integrity_check()
store.close()
print(json.dumps(out))
"""


def _namespace_prefix() -> list[str] | None:
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return None
    for prefix in ([unshare, "--user", "--map-root-user", "--mount"], [unshare, "--mount"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


def test_real_full_disk_keeps_everything_stored(tmp_path: Path) -> None:
    prefix = _namespace_prefix()
    if prefix is None:
        pytest.skip("cannot create a private mount namespace here (unshare)")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    shell = f'mount -t tmpfs -o size=1m none "{mnt}" && exec "{sys.executable}" "{script}" "{mnt}"'
    proc = subprocess.run([*prefix, "sh", "-c", shell], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)}, cwd=PROJECT)
    if proc.returncode != 0 and "mount" in proc.stderr and not proc.stdout:
        pytest.skip(f"tmpfs mount not permitted: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["error_type"] == "DiskFullError" and "disk is full" in out["error"]
    assert len(out["stored"]) >= 3
    assert out["audio_errno"] == 28  # ENOSPC for the recorder too
    assert out["ok_after"] is True and out["integrity"] == ["ok"]
    assert out["count"] == len(out["stored"])
    # reopened on the full disk: told that it is full, never that the database is damaged
    assert all("damaged" not in n for n in out["notes"]) and any("disk is full" in n for n in out["notes"])
    assert out["saved_after_freeing"] is True and out["count_end"] == len(out["stored"])
    assert out["integrity_end"] == ["ok"]
