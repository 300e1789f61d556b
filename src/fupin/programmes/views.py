from django.http import HttpResponse


def index(request):
    return HttpResponse("产业与就业")
