from django.http import HttpResponse


def docs(request):
    return HttpResponse("接口文档")
