"""WSGI entry point of the hub (`govdoc hub serve` runs gunicorn with it)."""

import os

from django.core.wsgi import get_wsgi_application

# Always the hub's settings, whatever the environment says (an installation's would open its
# database).
os.environ["DJANGO_SETTINGS_MODULE"] = "config.hub_settings"
application = get_wsgi_application()
