"""The operator's guides (docs/deploy.md, docs/operations.md) are followed by copying
their commands: each shell block must be valid shell, and the cron files must run
under cron's own narrow PATH."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDES = [ROOT / "docs" / "deploy.md", ROOT / "docs" / "operations.md", ROOT / "README.md"]
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.M | re.S)


def blocks(path, *languages):
    """(line number, text) of the fenced blocks of `path` in one of `languages`."""
    text = path.read_text()
    for match in FENCE.finditer(text):
        if match.group(2) in languages:
            indent = len(match.group(1))
            body = "".join(line[indent:] for line in match.group(3).splitlines(keepends=True))
            yield text[: match.start()].count("\n") + 1, body


SHELL_BLOCKS = [
    pytest.param(body, id=f"{path.name}:{line}")
    for path in GUIDES
    for line, body in blocks(path, "sh", "bash")
]


def test_the_guides_have_shell_blocks():
    assert len(SHELL_BLOCKS) > 20


@pytest.mark.parametrize("body", SHELL_BLOCKS)
def test_each_shell_block_of_the_guides_is_valid_shell(body):
    """bash -n: an unbalanced quote (an apostrophe inside sh -c '…') fails here, not
    on the server with a shell waiting at a '>' prompt."""
    bash = shutil.which("bash")
    result = subprocess.run([bash, "-n"], input=body, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_cron_files_set_a_path_with_the_system_commands():
    """cron runs jobs with PATH=/usr/bin:/bin, where runuser (/usr/sbin) is not."""
    cron_blocks = [
        body
        for path in GUIDES
        for _line, body in blocks(path, "sh", "")
        if body.startswith("# /etc/cron.d/")
    ]
    assert cron_blocks
    for body in cron_blocks:
        assert re.search(r"^PATH=.*/usr/sbin", body, re.M), body


def test_the_manage_wrapper_calls_runuser_by_its_full_path():
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    wrapper = deploy[deploy.index("cat > /usr/local/bin/ntm-manage") :]
    wrapper = wrapper[: wrapper.index("\nEOF")]
    assert "exec /usr/sbin/runuser -u ntm" in wrapper
