from django.urls import path

from fupin.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.index, name="index"),
    path("industries/", views.industry_list, name="industry_list"),
    path("industries/new/", views.industry_new, name="industry_new"),
    path("industries/<int:pk>/", views.industry_detail, name="industry_detail"),
    path("industries/<int:pk>/toggle/", views.industry_toggle, name="industry_toggle"),
    path("participations/new/", views.participation_new, name="participation_new"),
    path("participations/<int:pk>/end/", views.participation_end, name="participation_end"),
    path("cooperatives/", views.cooperative_list, name="cooperative_list"),
    path("cooperatives/new/", views.cooperative_new, name="cooperative_new"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative_detail"),
    path("cooperatives/<int:pk>/join/", views.member_join, name="member_join"),
    path("cooperatives/<int:pk>/dividend/", views.dividend_new, name="dividend_new"),
    path("memberships/<int:pk>/shares/", views.member_shares, name="member_shares"),
    path("memberships/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("dividends/<int:pk>/", views.dividend_detail, name="dividend_detail"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/enroll/", views.enroll, name="enroll"),
    path("trainees/<int:pk>/complete/", views.trainee_complete, name="trainee_complete"),
    path("trainees/<int:pk>/certificate/", views.certificate_new, name="certificate_new"),
    path("subsidies/", views.subsidy_list, name="subsidy_list"),
    path("subsidies/standard/", views.standard_set, name="standard_set"),
    path("certificates/<int:pk>/subsidy/", views.subsidy_grant, name="subsidy_grant"),
    path("subsidies/<int:pk>/paid/", views.subsidy_paid, name="subsidy_paid"),
    path("employment/", views.employment_list, name="employment_list"),
    path("employment/new/", views.employment_new, name="employment_new"),
    path("employment/<int:pk>/end/", views.employment_end, name="employment_end"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/new/", views.job_new, name="job_new"),
    path("jobs/<int:pk>/end/", views.job_end, name="job_end"),
    path("zero-employment/", views.zero_employment, name="zero_employment"),
]
