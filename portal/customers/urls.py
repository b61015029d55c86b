"""The customer pages under /me/ (allauth's views keep the names its redirects use)."""

from allauth.account import views as allauth_views
from django.urls import path

from portal.customers import dropoff, extensions, labels, messages, phone_signin, views

app_name = "customers"

urlpatterns = [
    path("", views.products, name="products"),
    path("warranties/<str:branch>/<str:code>/certificate.pdf", views.certificate,
         name="certificate"),
    path("warranties/<str:branch>/<str:code>/claim/", views.start_claim, name="start_claim"),
    path("warranties/<str:branch>/<str:code>/return/", views.return_it, name="return_it"),
    path("claims/<str:branch>/<str:number>/", views.claim, name="claim"),
    path("claims/<str:branch>/<str:number>/drop-off-ticket.pdf", dropoff.dropoff_ticket,
         name="dropoff_ticket"),
    path("claims/<str:branch>/<str:number>/return-label.pdf", labels.return_label,
         name="return_label"),
    path("claims/<str:branch>/<str:number>/documents/", views.documents, name="documents"),
    path("claims/<str:branch>/<str:number>/documents/<str:sha256>", views.document,
         name="document"),
    path("claims/<str:branch>/<str:number>/messages/", messages.messages, name="messages"),
    path("extend/", extensions.extensions, name="extensions"),
    path("extend/<str:branch>/<str:code>/<str:plan>/", extensions.extension, name="extension"),
    path("extend/<str:branch>/<str:code>/<str:plan>/paid/", extensions.extension_paid,
         name="extension-paid"),
]

# Allauth reverses these names without a namespace; only the sign-in by code is served.
signin_patterns = [
    path("me/sign-in/", allauth_views.request_login_code, name="account_request_login_code"),
    path("me/sign-in/start/", allauth_views.request_login_code, name="account_login"),
    path("me/sign-in/code/", allauth_views.confirm_login_code,
         name="account_confirm_login_code"),
    path("me/sign-out/", allauth_views.logout, name="account_logout"),
    # The code by text message: the portal's own views, on its own clock.
    path("me/sign-in/phone/", phone_signin.request_code, name="customers_phone_signin"),
    path("me/sign-in/phone/code/", phone_signin.confirm_code, name="customers_phone_code"),
]
