"""One error type for the domain: a Chinese message a user can act on, a stable code, and extras.

Services raise ``DomainError``; pages show ``message``, the API answers ``{"detail": message,
"code": code, "extra": extra}``, the CLI prints ``message`` and exits 2.
"""

from dataclasses import dataclass, field


class DomainError(Exception):
    def __init__(self, message: str, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class NotFound(DomainError):
    """Missing, or outside the acting user's data scope: the two look the same on purpose."""

    def __init__(self, message: str = "对象不存在或不在您的管理范围内", extra: dict | None = None):
        super().__init__(message, code="not_found", extra=extra)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "您的角色无权执行此操作"):
        super().__init__(message, code="permission_denied")


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an uploaded table. ``row`` counts as the spreadsheet does."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        col = f"「{self.column}」" if self.column else ""
        return f"{where}{col}：{self.message}"


@dataclass
class ImportRejected(DomainError):
    """A table that cannot go in as it is: every bad row is listed, nothing was written.

    A very large file may list only its first problems: ``total`` then counts them all.
    """

    errors: list[RowError] = field(default_factory=list)
    source: str = ""
    total: int = 0

    def __post_init__(self):
        count = max(self.total, len(self.errors))
        more = count - len(self.errors)
        listed = f"（列出前 {len(self.errors)} 处，另有 {more} 处未列出）" if more > 0 else ""
        super().__init__(f"{self.source or '文件'} 有 {count} 处错误{listed}，未导入任何数据", code="import_rejected",
                         extra={"errors": [str(e) for e in self.errors], "total": count})
