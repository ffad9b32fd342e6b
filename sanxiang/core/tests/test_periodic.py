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


def test_a_job_reporting_problems_does_not_stop_the_round(province, monkeypatch, capsys):
    from django.core.management.base import CommandError

    from sanxiang.core.management.commands import run_periodic

    ran = []

    def fake_call(name, *args, **kwargs):
        ran.append(name)
        if name == "review_alerts":
            raise CommandError("发现问题")

    monkeypatch.setattr(run_periodic, "call_command", fake_call)
    call_command("run_periodic")
    assert ran == [name for name, _, _ in run_periodic.JOBS]
    assert "review_alerts 报告了问题：发现问题" in capsys.readouterr().err
