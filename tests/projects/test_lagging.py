"""Lagging detection at its boundaries, with a frozen clock: planned dates and the investment share."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.urls import reverse

from chainleader.accounts.models import Role
from chainleader.core.models import AuditEvent
from chainleader.projects import lagging as rule
from chainleader.projects import services, tasks
from chainleader.projects.models import Notification, Project
from tests.factories import UserFactory

from .factories import ProjectFactory, ReportFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date):
    """The clock at 10:00 in Qingdao on `day`."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False
    )


def judge(project: Project) -> Project:
    services.projects_mark_lagging()
    project.refresh_from_db()
    return project


# --- the rule on plain values -------------------------------------------------------------------------------


def dates(**planned):
    return tuple(
        planned.get(s)
        for s in (
            "signed",
            "registered",
            "started",
            "building",
            "completed",
            "producing",
            "counted",
        )
    )


def test_rule_a_planned_date_is_missed_only_the_day_after():
    kw = {
        "stage_index": 1,
        "planned_sum_yi": Decimal(0),
        "completed_sum_yi": Decimal(0),
        "share": Decimal("0.2"),
    }
    planned = dates(started=date(2026, 5, 10))
    assert not rule.evaluate(planned_dates=planned, today=date(2026, 5, 10), **kw).lagging
    verdict = rule.evaluate(planned_dates=planned, today=date(2026, 5, 11), **kw)
    assert verdict.missed == rule.MissedStage(2, date(2026, 5, 10))


def test_rule_a_reached_stage_is_never_missed():
    verdict = rule.evaluate(
        stage_index=2,
        planned_dates=dates(started=date(2020, 1, 1)),
        planned_sum_yi=Decimal(0),
        completed_sum_yi=Decimal(0),
        today=date(2026, 5, 11),
        share=Decimal("0.2"),
    )
    assert not verdict.lagging


def test_rule_exactly_the_share_below_plan_is_on_time_a_little_more_is_lagging():
    kw = {
        "stage_index": 3,
        "planned_dates": dates(),
        "today": date(2026, 5, 11),
        "share": Decimal("0.2"),
    }
    assert not rule.evaluate(planned_sum_yi=Decimal(10), completed_sum_yi=Decimal(8), **kw).lagging
    verdict = rule.evaluate(planned_sum_yi=Decimal(10), completed_sum_yi=Decimal("7.9999"), **kw)
    assert verdict.shortfall is not None and verdict.shortfall.gap_share == Decimal("0.20001")


def test_rule_a_producing_project_has_no_investment_plan_left():
    verdict = rule.evaluate(
        stage_index=5,
        planned_dates=dates(),
        planned_sum_yi=Decimal(10),
        completed_sum_yi=Decimal(0),
        today=date(2026, 5, 11),
        share=Decimal("0.2"),
    )
    assert not verdict.lagging


# --- the daily check on the database -----------------------------------------------------------------------


def test_a_planned_start_is_on_time_on_its_day_and_lagging_the_day_after(team_chain):
    project = ProjectFactory(
        chain=team_chain, stage="registered", planned_started_on=date(2026, 5, 10)
    )
    with at(date(2026, 5, 10)):
        assert not judge(project).is_lagging
    with at(date(2026, 5, 11)):
        project = judge(project)
    assert project.is_lagging and project.lagging_since == date(2026, 5, 11)
    assert "2026-05-10" in project.lagging_reason


def test_reaching_the_stage_clears_the_flag_at_once(office_user, team_chain):
    project = ProjectFactory(
        chain=team_chain, stage="registered", planned_started_on=date(2026, 5, 10)
    )
    with at(date(2026, 5, 12)):
        assert judge(project).is_lagging
        services.project_advance_stage(
            project=project,
            actor=office_user,
            to_stage="started",
            happened_on=None,
            evidence="开工令",
        )
    project.refresh_from_db()
    assert not project.is_lagging and project.lagging_reason == ""


def test_investment_exactly_twenty_percent_below_plan_is_on_time(team_chain):
    project = ProjectFactory(chain=team_chain, stage="building")
    ReportFactory(
        project=project, month=date(2026, 3, 1), planned_yi=Decimal("6"), completed_yi=Decimal("5")
    )
    ReportFactory(
        project=project, month=date(2026, 4, 1), planned_yi=Decimal("4"), completed_yi=Decimal("3")
    )
    with at(date(2026, 5, 15)):
        assert not judge(project).is_lagging  # 8 of 10: exactly 20 % below


def test_investment_more_than_twenty_percent_below_plan_is_lagging(team_chain):
    project = ProjectFactory(chain=team_chain, stage="building")
    ReportFactory(
        project=project, month=date(2026, 3, 1), planned_yi=Decimal("6"), completed_yi=Decimal("5")
    )
    ReportFactory(
        project=project,
        month=date(2026, 4, 1),
        planned_yi=Decimal("4"),
        completed_yi=Decimal("2.99"),
    )
    with at(date(2026, 5, 15)):
        project = judge(project)
    assert project.is_lagging and "20" in project.lagging_reason


def test_the_current_month_does_not_count_until_it_is_over(team_chain):
    project = ProjectFactory(chain=team_chain, stage="building")
    ReportFactory(
        project=project, month=date(2026, 5, 1), planned_yi=Decimal("10"), completed_yi=None
    )
    with at(date(2026, 5, 31)):
        assert not judge(project).is_lagging
    with at(date(2026, 6, 1)):
        assert judge(project).is_lagging


def test_the_share_is_a_setting(settings, team_chain):
    project = ProjectFactory(chain=team_chain, stage="building")
    ReportFactory(
        project=project, month=date(2026, 3, 1), planned_yi=Decimal("10"), completed_yi=Decimal("7")
    )
    with at(date(2026, 5, 15)):
        assert judge(project).is_lagging
        settings.CHAINLEADER_LAGGING_SHARE = 0.35
        assert not judge(project).is_lagging


def test_owners_are_told_once_when_a_project_starts_lagging(
    team_chain, chain_team_user, district_a_user, district_b_user
):
    owner = UserFactory(username="owner", role=Role.TEAM_MEMBER)
    project = ProjectFactory(
        chain=team_chain, stage="signed", planned_registered_on=date(2026, 5, 1), owner=owner
    )
    with at(date(2026, 5, 2)):
        summary = services.projects_mark_lagging()
        assert summary["new"] == 1
        services.projects_mark_lagging()  # the next day's run: still lagging, nobody is told again
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"owner", "team", "district_a"}
    assert Notification.objects.filter(user=district_b_user).count() == 0
    note = Notification.objects.get(user=chain_team_user)
    assert project.name in note.text and note.link == project.get_absolute_url()


def test_the_daily_task_and_the_command_run_the_same_check(team_chain):
    project = ProjectFactory(
        chain=team_chain, stage="signed", planned_registered_on=date(2026, 5, 1)
    )
    with at(date(2026, 5, 2)):
        result = tasks.mark_lagging_daily.enqueue()  # ImmediateBackend in tests
        assert result.return_value["lagging"] == 1
        out = io.StringIO()
        call_command("mark_lagging", stdout=out)
    assert "滞后 1" in out.getvalue()
    project.refresh_from_db()
    assert project.is_lagging
    assert AuditEvent.objects.filter(event_type="mark_lagging").count() == 2


def test_the_task_reschedules_only_on_a_backend_that_can_defer(team_chain):
    assert tasks.schedule_next() is False  # ImmediateBackend: cron runs `mark_lagging` instead
    with at(date(2026, 5, 2)):
        run = tasks.next_run()
    assert run.date() == date(2026, 5, 3) and (run.hour, run.minute) == (1, 30)


def test_lagging_projects_are_listed_with_reasons_on_the_chain_and_district_pages(
    client, office_user, team_chain
):
    ProjectFactory(
        chain=team_chain, name="滞后项目", stage="signed", planned_registered_on=date(2026, 5, 1)
    )
    ProjectFactory(chain=team_chain, name="正常项目", stage="signed")
    with at(date(2026, 5, 2)):
        services.projects_mark_lagging()
        client.force_login(office_user)
        for url in (
            reverse("projects:chain_dashboard", args=[team_chain.pk]),
            reverse("projects:district_dashboard", args=["370211"]),
        ):
            resp = client.get(url)
            lagging = [p.name for p in resp.context["lagging"]]
            assert lagging == ["滞后项目"], url
            assert "2026-05-01" in resp.content.decode()


def test_my_reminders_page_lists_and_marks_read(client, team_chain, chain_team_user):
    ProjectFactory(chain=team_chain, stage="signed", planned_registered_on=date(2026, 5, 1))
    with at(date(2026, 5, 2)):
        services.projects_mark_lagging()
    client.force_login(chain_team_user)
    resp = client.get(reverse("projects:notification_list"))
    assert resp.context["unread"] == 1
    client.post(reverse("projects:notification_list"))
    assert Notification.objects.for_user(chain_team_user).unread().count() == 0


def test_nobody_reads_another_users_reminders(client, team_chain, chain_team_user, office_user):
    ProjectFactory(chain=team_chain, stage="signed", planned_registered_on=date(2026, 5, 1))
    with at(date(2026, 5, 2)):
        services.projects_mark_lagging()
    note = Notification.objects.get(user=chain_team_user)
    client.force_login(office_user)
    assert client.get(reverse("projects:notification_list")).context["unread"] == 0
    client.post(reverse("projects:notification_list"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_a_late_check_still_dates_the_lag_from_the_missed_plan_date(team_chain):
    project = ProjectFactory(
        chain=team_chain, stage="registered", planned_started_on=date(2026, 5, 10)
    )
    with at(
        date(2026, 9, 1)
    ):  # the daily check did not run for months (a new install, a demo load)
        project = judge(project)
    assert project.is_lagging and project.lagging_since == date(2026, 5, 11)
