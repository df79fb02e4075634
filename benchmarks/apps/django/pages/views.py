import django
from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "pages/home.html", {"django_version": django.get_version()})


def healthz(request):
    return JsonResponse({"status": "ok"})
