from django.urls import path

from fupin.workflows import views

app_name = "workflows"
urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/village/new/", views.village_case_new, name="village_case_new"),
    path("cases/bulk/", views.case_bulk, name="case_bulk"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/", views.case_act, name="case_act"),
    path("cases/<int:pk>/documents/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>.pdf", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("notices/<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("clues/", views.clue_list, name="clue_list"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
    path("clues/<int:pk>/handle/", views.clue_handle, name="clue_handle"),
    path("years/", views.years, name="years"),
    path("years/action/", views.year_action, name="year_action"),
]
