"""Where each part of the portal answers: the sync API under /api/v1/, the admin under /admin/."""

from django.contrib import admin
from django.urls import path

from portal.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
