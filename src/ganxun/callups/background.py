"""智能调训 in the worker: building the case and solving it takes tens of seconds for a city."""

from django.urls import reverse
from django.utils import timezone

from ganxun.jobs.models import Job
from ganxun.jobs.registry import JobKind, JobOutcome, register_job_kind
from ganxun.jobs.services import job_submit


def queue_suggestion(user, codes: list[str]) -> Job:
    return job_submit(acting_user=user, kind="callup_suggest", title=f"智能调训：{len(codes)} 份调训通知",
                      params={"callups": codes})


def run_suggestion(job: Job, reporter) -> JobOutcome:
    from ganxun.callups.selectors import access_callup
    from ganxun.callups.solver import solve
    from ganxun.callups.suggest import build_case

    callups = [access_callup(job.owner, code) for code in job.params["callups"]]
    reporter.update(message="正在读取候选人的培训需求……", fraction=0.02)
    case, people = build_case(job.owner, callups, timezone.localdate())
    reporter.update(message=f"{len(case.candidates)} 名有培训需求的候选人，正在求解……", fraction=0.1)
    solution = solve(case, time_limit=25, progress=lambda f, m: reporter.update(message=m, fraction=max(f, 0.1)))
    if solution.status not in ("optimal", "feasible"):
        return JobOutcome(message="没有找到可行的调训名单（名额或单位同时在训人数的限制过紧）", failed=True)
    result = {"objective": solution.objective, "bound": solution.bound, "status": solution.status,
              "seconds": round(solution.seconds, 1), "candidates": len(case.candidates), "callups": {}}
    for code, ids in solution.placements.items():
        result["callups"][code] = [
            {"person_code": people[i].person_code, "name": people[i].name, "org": people[i].org.name,
             "rank": people[i].get_rank_display(), "reasons": solution.reasons.get(i, [])} for i in ids]
    placed = sum(len(v) for v in solution.placements.values())
    return JobOutcome(message=f"建议调训 {placed} 人（{len(case.candidates)} 名候选人），请核对后确认", result=result)


def _page(job: Job) -> str:
    return reverse("callups:suggestion", args=[job.pk])


register_job_kind(JobKind("callup_suggest", "智能调训", run_suggestion, page=_page))
