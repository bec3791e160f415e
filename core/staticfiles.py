"""Static files under hashed names (css/portal.3f1c….css), cached for a year by browsers.

collectstatic writes each file under a name carrying a hash of its content, a
manifest (staticfiles.json) of the names, and gzip/brotli copies (WhiteNoise's
CompressedManifestStaticFilesStorage). {% static %} then names the hashed file, which
WhiteNoise serves with `Cache-Control: max-age=315360000, public, immutable`: a page
never waits on a stylesheet or script it already has, and a deploy that changes one
gets a new name, so nobody keeps an old copy.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage; outside production, a file the manifest lacks
    (collectstatic not run: the tests, `manage.py runserver` straight from a checkout;
    or a file added since) keeps its plain name, which WhiteNoise serves from the apps
    and static/ (WHITENOISE_USE_FINDERS) with a short max-age, as before. In production
    a missing entry is an error (`make serve` runs collectstatic first)."""

    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:
            if settings.PRODUCTION:
                raise
            return FileSystemStorage.url(self, name)
