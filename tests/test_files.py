"""quiz.files: outputs written whole or not at all, inputs that are not regular files refused."""

from __future__ import annotations

import os
import resource
import signal
from pathlib import Path

import pytest

from quiz.files import FileRefused, open_atomic, read_regular, write_atomic


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    """The target holds exactly the new text and no temporary file is left beside it."""
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomic(target, "new text")
    assert target.read_text() == "new text"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_size_limit_leaves_the_old_file_intact(tmp_path: Path) -> None:
    """Under a file-size limit smaller than the new text the old file is unchanged and the error says why."""
    target = tmp_path / "out.txt"
    target.write_text("the good old content")
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, old[1]))
    try:
        with pytest.raises(FileRefused, match=r"size limit.*left as it was"):
            write_atomic(target, "x" * 5000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, handler)
    assert target.read_text() == "the good old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_an_input_of_the_same_command_is_never_written(tmp_path: Path) -> None:
    """Naming one of the command's inputs as the output is refused, even through another path."""
    source = tmp_path / "deck.yaml"
    source.write_text("keep me")
    link = tmp_path / "link.yaml"
    link.symlink_to(source)
    with pytest.raises(FileRefused, match="an input of this command"):
        write_atomic(link, "x", inputs=[source])
    assert source.read_text() == "keep me"


def test_a_protected_file_needs_force(tmp_path: Path) -> None:
    """An existing results file is not replaced without force, and is with it."""
    target = tmp_path / "ada.json"
    target.write_text("{}")
    with pytest.raises(FileRefused, match="--force"):
        write_atomic(target, "new", protect="a results file")
    write_atomic(target, "new", protect="a results file", force=True)
    assert target.read_text() == "new"


@pytest.mark.parametrize("kind", ["fifo", "dir", "device"])
def test_non_regular_targets_and_inputs_are_refused(tmp_path: Path, kind: str) -> None:
    """A FIFO, a folder or a device is neither read (no hang) nor replaced by a file."""
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    elif kind == "dir":
        path = tmp_path
    else:
        path = Path("/dev/zero")
    with pytest.raises(FileRefused, match="not a regular file"):
        read_regular(path, limit=1000)
    with pytest.raises(FileRefused, match="not a regular file"):
        write_atomic(path, "x")
    assert path.exists() and not path.is_file()


def test_a_too_large_input_is_refused(tmp_path: Path) -> None:
    """An input over the limit is refused by name, not read into memory."""
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(FileRefused, match="too large for a results file"):
        read_regular(big, limit=1000, what="results file")
    assert read_regular(big, limit=2000) == b"x" * 2000


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    """Writing into a folder that does not exist says so."""
    with pytest.raises(FileRefused, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.txt", "x")


def test_a_file_written_piece_by_piece_appears_only_when_whole(tmp_path: Path) -> None:
    """open_atomic: nothing reaches the target until the block ends; a failure inside leaves the old file."""
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), open_atomic(target) as out:
        out.write(b"half of the new ")
        raise RuntimeError("stopped half way")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    with open_atomic(target) as out:
        out.write(b"new, ")
        assert target.read_text() == "old"
        out.write(b"whole")
    assert target.read_text() == "new, whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
