"""The insights pages: the dashboard and indicators (dashboard_urls), targets and the yearly report
(target_urls). Two modules so the two halves can grow apart; one namespace."""

from fupin.insights import dashboard_urls, target_urls

app_name = "insights"
urlpatterns = dashboard_urls.urlpatterns + target_urls.urlpatterns
