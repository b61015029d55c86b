"""The staff pages under /office/."""

from django.urls import path

from portal.staff.views import (
    brand_claim,
    brand_claims,
    documents,
    health,
    metrics,
    records,
    search,
    signin,
    web_orders,
)

app_name = "office"

urlpatterns = [
    path("sign-in/", signin.SignIn.as_view(), name="sign-in"),
    path("sign-out/", signin.SignOut.as_view(), name="sign-out"),
    path("", health.overview, name="health"),
    path("branches/<str:code>/", health.branch, name="branch"),
    path("branches/<str:code>/drift/<int:pk>/resend/", health.resend, name="resend"),
    path("branches/<str:code>/drift/<int:pk>/resolve/", health.resolve, name="resolve"),
    path("search/", search.find, name="search"),
    path("metrics/", metrics.overview, name="metrics"),
    path("metrics/behind/", metrics.records_behind, name="metrics-behind"),
    path("brand-claims/", brand_claims.listing, name="brand-claims"),
    path("web-orders/", web_orders.listing, name="web-orders"),
    path("web-orders/refunds/<str:code>/<str:number>/paid/", web_orders.refund_paid,
         name="refund-paid"),
    path("brand-claims/<str:code>/<str:number>/", brand_claim.detail, name="brand-claim"),
    path("brand-claims/<str:code>/<str:number>/update/", brand_claim.update,
         name="brand-claim-update"),
    path("claims/<str:code>/<str:number>/", records.claim, name="claim"),
    path("claims/<str:code>/<str:number>/relay/", records.relay, name="relay"),
    path("claims/<str:code>/<str:number>/approve-return/", records.approve_return,
         name="approve-return"),
    path("claims/<str:code>/<str:number>/documents/<str:sha256>/", documents.download,
         name="document"),
    path("customers/<str:code>/<str:reference>/", records.customer, name="customer"),
    path("warranties/<str:code>/<str:warranty_code>/", records.warranty, name="warranty"),
]
