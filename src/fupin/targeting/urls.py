from django.urls import path

from fupin.targeting import views

app_name = "targeting"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/<int:pk>/", views.rule_set_detail, name="rule_set_detail"),
    path("rules/<int:pk>/edit/", views.rule_set_edit, name="rule_set_edit"),
    path("rules/<int:pk>/copy/", views.rule_set_copy, name="rule_set_copy"),
    path("rules/<int:pk>/publish/", views.rule_set_publish, name="rule_set_publish"),
    path("scale/", views.scale, name="scale"),
    path("villages/exit/", views.village_exit, name="village_exit"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/results/", views.run_results, name="run_results"),
    path("runs/<int:pk>/mpi/", views.run_mpi, name="run_mpi"),
    path("runs/<int:pk>/register/", views.run_register, name="run_register"),
    path("runs/<int:pk>/villages/", views.run_villages, name="run_villages"),
    path("runs/<int:pk>/compare/<int:other>/", views.run_compare, name="run_compare"),
]
