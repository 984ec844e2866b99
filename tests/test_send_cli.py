"""``dopemail send`` and ``dopemail status`` as editors use them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sendserver import env, make_workspace, write_issue

from dopemail.cli import cli


def run(*args: object, environ: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, [str(a) for a in args], env=environ or env(), catch_exceptions=False
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["send", "status"])
def test_each_command_has_help_with_an_example(command) -> None:
    code, output = run(command, "--help")
    assert code == 0 and f"Example: dopemail {command} 12" in output


def test_send_without_yes_is_a_dry_run(tmp_path) -> None:
    root = make_workspace(tmp_path)
    code, output = run("send", "1", "--root", root)
    assert code == 0 and "Dry run of issue 1-first-issue" in output
    assert "Run again with --yes to send" in output and not (root / "outbox").exists()


def test_send_yes_then_status(tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=5)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 5, failed 0 this run" in output
    code, output = run("status", "1", "--root", root)
    assert code == 0 and "sent 5 · failed 0 · pending 0 · in flight 0" in output
    code, output = run("status", "1-first-issue", "--root", root)
    assert code == 0 and "issue 1-first-issue via outbox" in output
    code, output = run("send", "1", "--root", root)  # everyone has it: no time to estimate
    assert code == 0 and "0 to send (5 already sent" in output
    assert "estimated:   nothing to send" in output and "about" not in output


def test_status_of_an_issue_never_sent(tmp_path) -> None:
    root = make_workspace(tmp_path)
    assert run("status", "7", "--root", root) == (0, "issue 7: nothing sent yet\n")


def test_test_send_from_the_command_line(tmp_path) -> None:
    root = make_workspace(tmp_path)
    code, output = run("send", "1", "--test", "editor@example.com", "--root", root)
    assert code == 0 and "sent a test copy of issue 1-first-issue via outbox" in output


def test_a_draft_issue_is_test_sent_and_dry_run_but_never_sent_to_the_list(tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=3)
    write_issue(root, 1, "first-issue", status="draft")  # as the build writes a draft's
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "Traceback" not in output
    assert "issues/1-first-issue.md: issue 1-first-issue is a draft" in output
    assert "hint: set 'status: ready' in its file and run dopemail build" in output
    assert not (root / "outbox").exists()
    assert run("status", "1", "--root", root) == (0, "issue 1: nothing sent yet\n")
    code, output = run("send", "1", "--root", root)  # the dry run says so, and still plans
    assert code == 0 and "warning: issue 1-first-issue is a draft" in output
    assert "Dry run of issue 1-first-issue" in output and "Run again with --yes" not in output
    assert "It is a draft: --yes refuses it until its status is ready." in output
    code, output = run("send", "1", "--test", "editor@example.com", "--root", root)
    assert code == 0 and "sent a test copy of issue 1-first-issue" in output
    write_issue(root, 1, "first-issue", status="ready")
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0 this run" in output


def test_errors_are_one_message_with_a_hint_and_no_traceback(tmp_path) -> None:
    root = make_workspace(tmp_path)
    code, output = run("send", "4", "--yes", "--root", root)
    assert code == 1
    assert "issue 4 is not built: no folder site/issues/4-*/" in output
    assert "hint: run dopemail build first" in output and "Traceback" not in output
    code, output = run("send", "1", "--test", "not-an-address", "--root", root)
    assert code == 1 and "--test not-an-address: not a valid address" in output


def test_a_bad_provider_name_is_a_config_error(tmp_path) -> None:
    root = make_workspace(tmp_path, provider="sendgird")
    code, output = run("send", "1", "--root", root)
    assert code == 1 and "unknown provider 'sendgird'" in output and "dopemail.toml:" in output


def test_the_two_in_flight_choices_exclude_each_other(tmp_path) -> None:
    root = make_workspace(tmp_path)
    code, output = run(
        "send", "1", "--yes", "--resend-in-flight", "--mark-in-flight-sent", "--root", root
    )
    assert code == 2 and "choose one of" in output
