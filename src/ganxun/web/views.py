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
