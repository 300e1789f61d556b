from django.http import HttpResponse


def targets(request):
    return HttpResponse("目标考核")


def report(request):
    return HttpResponse("年度报告")
