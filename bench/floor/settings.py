"""
The framework's floor for bench/run-benchmark: the least a Django app can do to answer
a request (one view returning a short string; no middleware, no apps, no database),
served by the same gunicorn settings as Newsroom. No Newsroom page can be faster.
"""

SECRET_KEY = "bench-floor-only-serves-a-constant-string"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.floor.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
