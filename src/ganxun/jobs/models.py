"""A background job as its owner sees it (the queue itself is django-tasks' table)."""

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    INTERRUPTED = "interrupted", "已中断"


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.INTERRUPTED)


class Job(models.Model):
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("任务", max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField("状态", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # What the runner needs (the kind of import, the parked upload's token …); never shown as is.
    params = models.JSONField(default=dict, blank=True)
    # Progress as of the last write of the row (while running it lives in the job's progress file).
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # A file under VAR_DIR/jobs/ (a name, not a path) and the name the user downloads it as.
    result_file = models.CharField(max_length=200, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the worker running it
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # A job started again after an interruption points at the one it repeats.
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"
