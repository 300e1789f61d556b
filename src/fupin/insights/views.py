from django.http import HttpResponse


def dashboard(request):
    return HttpResponse("仪表盘")
