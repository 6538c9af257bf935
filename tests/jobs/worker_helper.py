"""Run inside a subprocess on the database a worker test made: ``python -m tests.jobs.worker_helper ACTION …``.

Prints one JSON line. The test process itself stays on its own test database; everything it asks of the
worker's database goes through here or through ``ganxun`` commands.
"""

import json
import os
import sys


def main(action: str, *args: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganxun.settings")
    import django

    django.setup()
    from ganxun.accounts.models import User
    from ganxun.jobs.models import Job
    from ganxun.records.models import CadreYearTotal, LearningRecord

    if action == "submit-write":
        from ganxun.jobs.services import job_submit

        user = User.objects.get(username=args[0])
        job = job_submit(acting_user=user, kind="import_write", title="导入学习记录",
                         params={"kind": "records", "token": args[1], "filename": args[2]})
        return {"job": job.pk, "user": user.pk}
    if action == "user-id":
        return {"user": User.objects.get(username=args[0]).pk}
    if action == "counts":
        return {"ledger": LearningRecord.objects.count(), "totals": CadreYearTotal.objects.count()}
    if action == "job":
        from ganxun.jobs.selectors import job_state

        job = Job.objects.get(pk=int(args[0]))
        state = job_state(job)
        return {"status": job.status, "shown": state.status, "label": state.label, "message": state.message}
    if action == "rerun":
        from ganxun.jobs.services import job_rerun

        job = Job.objects.get(pk=int(args[0]))
        return {"job": job_rerun(acting_user=job.owner, job_id=job.pk).pk}
    raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
