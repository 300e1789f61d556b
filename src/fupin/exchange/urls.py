from django.urls import path

from fupin.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/report.xlsx", views.import_report, name="import_report"),
    path("template.xlsx", views.blank_template, name="blank_template"),
    path("export/households/", views.export_households, name="export_households"),
    path("export/villages/", views.export_villages, name="export_villages"),
    path("export/card/<int:pk>/", views.export_card, name="export_card"),
    path("identification/<int:run_pk>.csv", views.identification_export, name="identification_export"),
    path("identification/<int:run_pk>.xlsx", views.identification_export, {"fmt": "xlsx"},
         name="identification_export_xlsx"),
    path("matching/", views.matching_index, name="matching"),
    path("matching/upload/", views.match_upload, name="match_upload"),
    path("matching/<int:pk>/", views.match_detail, name="match_detail"),
    path("matching/<int:pk>/progress/", views.match_progress, name="match_progress"),
    path("matching/<int:pk>/rows.csv", views.match_report, name="match_report"),
    path("matching/rules/", views.rules, name="rules"),
    path("matching/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("findings/", views.findings, name="findings"),
    path("retention/", views.retention, name="retention"),
    path("national/", views.national, name="national"),
    path("national/columns/", views.national_columns, name="national_columns"),
    path("national/<int:pk>/", views.national_detail, name="national_detail"),
    path("national/<int:pk>/file.xlsx", views.national_file, name="national_file"),
    path("national/<int:pk>/confirm/", views.national_confirm, name="national_confirm"),
    path("findings/<int:pk>/resolve/", views.finding_resolve, name="finding_resolve"),
]
