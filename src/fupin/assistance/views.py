from django.http import HttpResponse


def coverage(request):
    return HttpResponse("八个一")


def worklist(request):
    return HttpResponse("我的帮扶户")


def plans(request):
    return HttpResponse("帮扶计划")
