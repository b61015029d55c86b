"""The web shops' webhook addresses under /hooks/."""

from django.urls import path

from portal.webshop import views

app_name = "webshop"

urlpatterns = [
    path("shopify/orders-paid", views.shopify_order_paid, name="shopify"),
    path("woocommerce/order-updated", views.woocommerce_order_updated, name="woocommerce"),
]
