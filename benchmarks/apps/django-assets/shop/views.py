from django.http import JsonResponse
from django.shortcuts import render

PRODUCTS = [
    {"name": "Tea towel", "price": "7.50"},
    {"name": "Enamel mug", "price": "12.00"},
]


def home(request):
    return render(request, "home.html", {"products": PRODUCTS})


def healthz(request):
    return JsonResponse({"status": "ok"})
