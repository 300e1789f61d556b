from django.urls import path

from fupin.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("samples/<int:pk>/", views.sample, name="sample"),
    path("samples/<int:pk>/households/", views.sample_items, name="items"),
    path("samples/<int:pk>/findings/", views.findings, name="findings"),
    path("samples/<int:pk>/close/", views.close, name="close"),
    path("samples/<int:pk>/workbook.xlsx", views.survey_workbook, name="survey_workbook"),
    path("samples/<int:pk>/upload/", views.survey_upload, name="survey_upload"),
    path("uploads/<int:pk>/report.xlsx", views.upload_report, name="upload_report"),
    path("households/<int:pk>/", views.survey, name="survey"),
]
