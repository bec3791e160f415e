"""HEAD requests answered with the GET's headers and no body.

Django leaves that to the server: its development server drops the body, but
gunicorn sends what it gets, logging "WSGI app sent body bytes on a no-body
response" at every HEAD, which is what uptime monitors and `curl -I` send.
"""


class HeadWithoutBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                # A file being streamed stays among the response's closers: closed with it.
                response.streaming_content = ()
            else:
                length = len(response.content)
                response.content = b""
                if not response.has_header("Content-Length"):
                    response["Content-Length"] = str(length)  # what the GET would send
        return response
