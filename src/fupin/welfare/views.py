from django.http import HttpResponse


def index(request):
    return HttpResponse("综合保障")


def charity(request):
    return HttpResponse("社会帮扶")
