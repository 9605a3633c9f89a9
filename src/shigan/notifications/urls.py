from django.urls import path

from shigan.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("badge/", views.NotificationBadgeView.as_view(), name="badge"),
    path("<int:pk>/read/", views.NotificationReadView.as_view(), name="read"),
    path("read-all/", views.NotificationReadAllView.as_view(), name="read_all"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.DeliveryRetryView.as_view(), name="delivery_retry"),
]
