from django.urls import path

from fupin.welfare import views

app_name = "welfare"
urlpatterns = [
    path("", views.index, name="index"),
    path("standards/", views.standard_list, name="standards"),
    path("standards/new/", views.standard_edit, name="standard_new"),
    path("standards/<int:pk>/", views.standard_edit, name="standard_edit"),
    # guarantees
    path("dibao/", views.dibao_list, name="dibao"),
    path("tekun/", views.tekun_list, name="tekun"),
    path("premium/", views.premium_list, name="premium"),
    path("premium/missing/", views.premium_missing, name="premium_missing"),
    path("premium/new/", views.premium_new, name="premium_new"),
    path("medical/", views.medical_list, name="medical"),
    path("medical/new/", views.medical_new, name="medical_new"),
    path("education/", views.education_list, name="education"),
    path("education/missing/", views.education_missing, name="education_missing"),
    path("education/new/", views.education_new, name="education_new"),
    path("disability/", views.disability_list, name="disability"),
    path("disability/missing/", views.disability_missing, name="disability_missing"),
    path("disability/new/", views.disability_new, name="disability_new"),
    path("disability/<int:pk>/pay/", views.disability_pay, name="disability_pay"),
    # housing
    path("housing/", views.housing, name="housing"),
    path("renovations/", views.renovation_list, name="renovations"),
    path("renovations/new/", views.renovation_new, name="renovation_new"),
    path("renovations/<int:pk>/", views.renovation_detail, name="renovation"),
    path("relocation/", views.relocation_waiting, name="relocation_waiting"),
    path("relocations/", views.relocation_list, name="relocations"),
    path("relocations/new/", views.relocation_new, name="relocation_new"),
    path("relocations/<int:pk>/", views.relocation_detail, name="relocation"),
    path("sites/", views.site_list, name="sites"),
    path("sites/new/", views.site_edit, name="site_new"),
    path("sites/<int:pk>/", views.site_edit, name="site_edit"),
    # charity
    path("charity/", views.charity, name="charity"),
    path("charity/needs/new/", views.need_new, name="need_new"),
    path("charity/needs/<int:pk>/", views.need_detail, name="need"),
    path("charity/matches/<int:pk>/", views.match_act, name="match_act"),
    path("charity/offers/", views.offer_list, name="offers"),
    path("charity/offers/new/", views.offer_new, name="offer_new"),
    path("charity/offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
]
