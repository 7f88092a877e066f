"""``-o`` never replaces a special file: devices and FIFOs are written through, symbolic
links followed, directories refused; regular files are still replaced atomically (issue #13).

Everything happens in a temporary directory: FIFOs with ``os.mkfifo``, devices with
``os.mknod`` (root only), never the real ``/dev``.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from cli_process import IS_ROOT, one_clean_error_line, run_cli

from chainrule.errors import ChainruleError, UsageError
from chainrule.files import write_file


def _out(tmp_path: Path, target: str) -> object:
    return run_cli("derive", "x^2", "-f", "text", "-o", target, cwd=tmp_path, timeout=60)


def test_output_to_a_fifo_writes_through(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    r = _out(tmp_path, "fifo")
    reader.join(10)
    assert r.returncode == 0, r.stderr  # type: ignore[attr-defined]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO is still a FIFO"
    assert got and b"2x" in got[0]


@pytest.mark.skipif(not IS_ROOT, reason="mknod of a character device needs root")
def test_output_to_a_character_device_writes_through(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private copy of /dev/null
    r = _out(tmp_path, "null")
    assert r.returncode == 0, r.stderr  # type: ignore[attr-defined]
    assert stat.S_ISCHR(os.lstat(null).st_mode), "the device node was replaced by a file"
    assert [p.name for p in tmp_path.iterdir()] == ["null"], "no temporary file left"


@pytest.mark.skipif(not IS_ROOT, reason="mknod of a character device needs root")
def test_output_to_a_full_device_is_one_clean_error(tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a private copy of /dev/full
    r = _out(tmp_path, "full")
    assert r.returncode == 1  # type: ignore[attr-defined]
    assert "No space left" in one_clean_error_line(r.stderr)  # type: ignore[attr-defined]
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("old\n")
    (tmp_path / "link.txt").symlink_to("real.txt")
    r = _out(tmp_path, "link.txt")
    assert r.returncode == 0, r.stderr  # type: ignore[attr-defined]
    assert (tmp_path / "link.txt").is_symlink() and os.readlink(tmp_path / "link.txt") == "real.txt"
    assert "2x" in (tmp_path / "real.txt").read_text()


def test_output_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to("new.txt")
    r = _out(tmp_path, "link.txt")
    assert r.returncode == 0, r.stderr  # type: ignore[attr-defined]
    assert (tmp_path / "link.txt").is_symlink() and "2x" in (tmp_path / "new.txt").read_text()


def test_output_through_a_symlink_to_stdout_writes_to_stdout(tmp_path: Path) -> None:
    (tmp_path / "stdout-link").symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    r = _out(tmp_path, "stdout-link")
    assert r.returncode == 0, r.stderr  # type: ignore[attr-defined]
    assert (tmp_path / "stdout-link").is_symlink(), "the link was replaced by a regular file"
    assert b"2x" in r.stdout  # type: ignore[attr-defined]


def test_output_to_a_directory_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    for target in ("adir", "adir/"):
        r = _out(tmp_path, target)
        assert r.returncode == 2  # type: ignore[attr-defined]
        assert "directory" in one_clean_error_line(r.stderr)  # type: ignore[attr-defined]


def test_a_regular_file_is_still_replaced_atomically(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text("old\n")
    r = run_cli("derive", "x^^2", "-f", "text", "-o", "out.txt", cwd=tmp_path)
    assert r.returncode == 2 and (tmp_path / "out.txt").read_text() == "old\n"
    r = _out(tmp_path, "out.txt")
    assert r.returncode == 0 and "2x" in (tmp_path / "out.txt").read_text()  # type: ignore[attr-defined]


# -- the library function itself ------------------------------------------------------------


def test_write_file_refuses_directories_and_names_ending_in_a_slash(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        write_file(b"x", tmp_path)
    with pytest.raises(UsageError, match="cannot end in /"):
        write_file(b"x", f"{tmp_path}/new/")
    with pytest.raises(ChainruleError, match="cannot write"):
        write_file(b"x", tmp_path / "missing-dir" / "out.txt")


def test_write_file_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    target.write_text("old")
    target.chmod(0o751)
    write_file(b"new", target)
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o751


def test_plot_writes_through_the_same_function(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import chainrule

    (tmp_path / "real.svg").write_text("old")
    (tmp_path / "plot.svg").symlink_to("real.svg")
    chainrule.plot("x^2", output=tmp_path / "plot.svg")
    assert (tmp_path / "plot.svg").is_symlink() and "<svg" in (tmp_path / "real.svg").read_text()
