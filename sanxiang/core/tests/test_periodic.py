"""The periodic jobs runner finds every job it names and runs them all once."""

from django.core.management import call_command, get_commands

from sanxiang.core.management.commands.run_periodic import JOBS


def test_every_periodic_job_is_a_command():
    commands = get_commands()
    assert all(name in commands for name, _, _ in JOBS)


def test_one_round_runs_without_errors(province, capsys):
    call_command("run_periodic")
    captured = capsys.readouterr()
    assert "运行失败" not in captured.err
