from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from ganxun.core.health import database_answers


def healthz(request):
    if not database_answers():
        return JsonResponse({"status": "error", "detail": "数据库无响应"}, status=503)
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    return render(request, "web/error.html", {"code": 404, "title": "页面不存在",
                                              "message": "您要找的页面或对象不存在，或不在您的管理范围内。"}, status=404)


def forbidden(request, exception=None):
    message = getattr(exception, "args", [None])[0] if exception else None
    return render(request, "web/error.html", {"code": 403, "title": "无权操作",
                                              "message": message or "您的角色无权执行此操作。"}, status=403)


def server_error(request):
    return HttpResponse("<h1>系统内部错误</h1><p>请稍后再试，或联系系统管理员。</p>", status=500)


def csrf_failure(request, reason=""):
    """A form that arrives without its page's token (an expired page, another site's form): said in Chinese."""
    return render(request, "web/error.html", {
        "code": 403, "title": "页面已过期，请重新提交",
        "message": "为防止他人冒用您的登录提交表单，系统没有受理这次提交：页面可能已打开太久、您已在别处退出，"
                   "或表单来自其他网站。请返回上一页，刷新后重新操作。"}, status=403)
