"""Compressed pages: HTML and JSON answers gzip-compressed (24–30 KB → about 5 KB).

Django's GZipMiddleware, which since Django 4.2 mitigates BREACH ("Heal The Breach":
up to 100 random bytes in the gzip header's file name make the compressed length
useless to an attacker), on top of the CSRF token being masked anew in every response.
Only text is compressed: static files come already compressed from WhiteNoise (it
answers before this middleware), and attachments and exports (JPEG, PDF, XLSX: already
compressed) stream as they are, with their length and byte ranges intact.
See docs/deploy.md ("Nén trang").
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/manifest+json",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
