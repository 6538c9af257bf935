from ganxun.audit.context import client_address, current_address


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_address.reset(token)
