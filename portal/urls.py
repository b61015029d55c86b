"""Where each part of the portal answers: the sync API under /api/v1/, staff pages under
/office/, customers' own pages under /me/,
the public warranty check under /w/, the public product warranty display under /products/
(JSON and an embeddable snippet), web shops' order webhooks under /hooks/, the admin under
/admin/.
"""

from django.contrib import admin
from django.urls import include, path

from portal.api import api, unknown_address
from portal.customers.urls import signin_patterns
from portal.public import products
from portal.public import views as public

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", unknown_address),
    path("office/", include("portal.staff.urls")),
    *signin_patterns,
    path("me/", include("portal.customers.urls")),
    path("w/<str:code>", public.check, name="warranty-check"),
    path("hooks/", include("portal.webshop.urls")),
    path("products/<str:key>.json", products.product_json, name="product-json"),
    path("products/<str:key>/snippet.html", products.product_snippet, name="product-snippet"),
    path("admin/", admin.site.urls),
]

handler404 = "portal.public.views.not_found"
