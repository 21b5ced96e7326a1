"""The product's URLs plus the raw-SQL baseline views, mounted only for benchmarks."""

from django.urls import include, path

from bench import baseline_views

urlpatterns = [
    path(
        "bench/baseline/spaces/<slug:slug>/",
        baseline_views.space_index,
        name="bench_baseline_space",
    ),
    path(
        "bench/baseline/spaces/<slug:slug>/threads/<int:thread_id>/",
        baseline_views.thread_detail,
        name="bench_baseline_thread",
    ),
    path("", include("kindred.urls")),
]

handler404 = "kindred.core.errors.not_found"
handler500 = "kindred.core.errors.server_error"
