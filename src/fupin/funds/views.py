from django.http import HttpResponse


def index(request):
    return HttpResponse("项目资金")
