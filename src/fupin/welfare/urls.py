from django.urls import path

from fupin.welfare import views

app_name = "welfare"
urlpatterns = [
    path("", views.index, name="index"),
    path("charity/", views.charity, name="charity"),
]
