"""A user's background jobs: list, progress (htmx polling), result download. Own jobs only."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views import View

from shigan.core.downloads import download
from shigan.core.errors import DomainError
from shigan.core.htmx import is_htmx
from shigan.core.jobs import job_confirm, job_enqueue, job_get, job_list, job_sweep
from shigan.core.pagination import page_of

__all__ = ["JobListView", "JobDetailView", "JobResultView", "JobConfirmView"]


def _settle_dead_jobs(user: AbstractBaseUser | AnonymousUser) -> None:
    """Without a worker (and its beat) nobody else sweeps: a job of this user whose web
    process died is marked failed when they look (run again only by a worker's sweep)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        job_sweep(owner=user, retry=False)


class JobListView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _settle_dead_jobs(request.user)
        awaiting = request.GET.get("awaiting") == "1"  # from 待办: previews to confirm
        page = page_of(request, job_list(user=request.user, awaiting=awaiting))
        return render(request, "core/jobs/job_list.html", {"page": page, "awaiting": awaiting})


class JobDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        _settle_dead_jobs(request.user)
        job = job_get(user=request.user, pk=pk)
        template = "core/jobs/partials/progress.html" if is_htmx(request) else "core/jobs/job.html"
        return render(request, template, {"job": job})


class JobResultView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        job = job_get(user=request.user, pk=pk)
        if not job.result_file:
            raise Http404
        name = job.result_name or "result"
        kind = (
            "text/csv; charset=utf-8"
            if name.endswith(".csv")
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        # Streamed, as an attachment that no shared cache keeps: an export carries personal data.
        return download(job.result_file.open("rb"), name=name, content_type=kind)


class JobConfirmView(LoginRequiredMixin, View):
    """Import for real the sheet a preview checked (POST)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = job_get(user=request.user, pk=pk)
        try:
            confirmed = job_confirm(actor=request.user, job=job)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("core:job_detail", job.pk)
        job_enqueue(confirmed)
        return redirect("core:job_detail", confirmed.pk)
