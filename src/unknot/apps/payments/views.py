"""Stripe's webhook endpoint: one per practice, verified with the practice's signing secret."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from unknot.apps.payments.selectors import practice_by_slug
from unknot.apps.payments.services import webhook_receive

MAX_WEBHOOK_BYTES = 256 * 1024


@csrf_exempt  # Stripe signs the body instead; a forged delivery fails the signature check.
@require_POST
def stripe_webhook(request, practice_slug: str):
    practice = get_object_or_404(practice_by_slug(practice_slug))
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return HttpResponse("Payload too large.", status=413)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        new = webhook_receive(
            practice=practice, payload=request.body, signature=signature, now=timezone.now()
        )
    except ValueError:
        return HttpResponseBadRequest("The webhook signature does not verify.")
    return JsonResponse({"received": True, "new": new})
