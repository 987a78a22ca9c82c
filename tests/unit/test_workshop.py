"""Workshop mode's pieces that run without a server: staging, pools, warm-up order, reports."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from vidensbasering import render_watch, workshop

ROOT = Path(__file__).resolve().parents[2]


def test_only_the_chosen_apps_are_staged_at_their_make_start_path(tmp_path: Path) -> None:
    served = workshop.stage_apps(ROOT, ["videnskvalitet"], tmp_path)
    assert [p.relative_to(served).as_posix() for p in served.rglob("*") if p.is_file()] == [
        "notebooks/apps/videnskvalitet.ipynb"
    ]
    assert (served / "notebooks/apps/videnskvalitet.ipynb").read_bytes() == (
        ROOT / "notebooks/apps/videnskvalitet.ipynb"
    ).read_bytes()


def test_an_unknown_app_names_the_apps_there_are(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="videnskvalitet"):
        workshop.stage_apps(ROOT, ["nope"], tmp_path)


def test_pools_hold_kernels_for_the_apps_only() -> None:
    assert workshop.pools_config(["a", "b"], 3) == {
        "default": {"pool_size": 0},
        "notebooks/apps/a.ipynb": {"pool_size": 3},
        "notebooks/apps/b.ipynb": {"pool_size": 3},
    }


def test_urls_are_the_make_start_addresses_with_the_token() -> None:
    assert workshop.workshop_urls("0.0.0.0", 8890, "tok", ["videnskvalitet"]) == [
        "http://127.0.0.1:8890/voila/render/notebooks/apps/videnskvalitet.ipynb?token=tok"
    ]


def test_warm_ups_run_one_at_a_time_until_their_render_is_done() -> None:
    events: list[str] = []

    async def initialize(notebook: str, kernel_id: str | None = None, **_: object) -> dict:
        events.append(f"start {notebook}")

        async def render() -> None:
            await asyncio.sleep(0.05)
            events.append(f"rendered {notebook}")

        return {"task": asyncio.ensure_future(render()), "kernel_id": notebook}

    async def main() -> None:
        warm_up = workshop.one_warm_up_at_a_time(initialize)
        await asyncio.gather(warm_up("a"), warm_up("b"), warm_up("c", kernel_id="restart"))

    # A thread of its own: Playwright's sync API may hold this thread's event loop when the
    # unit tests run in one session with the browser tests.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()
    # The restart does not wait; "b" starts only after "a" has rendered.
    assert events.index("start b") > events.index("rendered a")
    assert events.index("start c") < events.index("rendered a")


def test_a_stalled_warm_up_is_shut_down_and_started_again() -> None:
    """voila#1428: the first kernel's render never finishes; the pool keeps the second one."""
    started: list[str] = []
    shut: list[str] = []
    logged: list[str] = []

    async def initialize(notebook: str, kernel_id: str | None = None, **_: object) -> dict:
        kernel = f"k{len(started) + 1}"
        started.append(kernel)
        never = asyncio.get_running_loop().create_future()  # the stalled render
        render = never if kernel == "k1" else asyncio.ensure_future(asyncio.sleep(0))
        return {"task": render, "kernel_id": kernel}

    async def shutdown(kernel_id: str) -> None:
        shut.append(kernel_id)

    async def main() -> dict:
        warm_up = workshop.one_warm_up_at_a_time(
            initialize, shutdown, timeout_s=0.05, attempts=3, log=logged.append
        )
        return await warm_up("notebooks/apps/a.ipynb")

    with ThreadPoolExecutor(max_workers=1) as pool:
        content = pool.submit(asyncio.run, main()).result()
    assert content["kernel_id"] == "k2"
    assert started == ["k1", "k2"] and shut == ["k1"]
    assert len(logged) == 1 and "k1" in logged[0] and "voila#1428" in logged[0]


def test_the_last_warm_up_is_kept_even_when_it_stalls() -> None:
    started: list[str] = []

    async def initialize(notebook: str, kernel_id: str | None = None, **_: object) -> dict:
        started.append(f"k{len(started) + 1}")
        return {"task": asyncio.get_running_loop().create_future(), "kernel_id": started[-1]}

    async def shutdown(kernel_id: str) -> None:
        pass

    async def main() -> dict:
        warm_up = workshop.one_warm_up_at_a_time(initialize, shutdown, timeout_s=0.01, attempts=2)
        return await warm_up("a")

    with ThreadPoolExecutor(max_workers=1) as pool:
        content = pool.submit(asyncio.run, main()).result()
    assert started == ["k1", "k2"] and content["kernel_id"] == "k2"


def test_render_limit_comes_from_the_environment() -> None:
    assert render_watch.render_limit_s({}) == render_watch.DEFAULT_LIMIT_S
    assert render_watch.render_limit_s({render_watch.LIMIT_ENV: "3"}) == 3.0
    with pytest.raises(ValueError, match=render_watch.LIMIT_ENV):
        render_watch.render_limit_s({render_watch.LIMIT_ENV: "0"})


def test_reported_paths_lose_query_and_line_breaks() -> None:
    cleaned = render_watch.clean_path("/voila/render/x.ipynb?token=secret\nforged")
    assert cleaned == "/voila/render/x.ipynb"
    assert render_watch.clean_path("/a\nb") == "/a_b"
    assert len(render_watch.clean_path("/" + "x" * 500)) == render_watch.MAX_PATH


def test_page_resources_carry_the_danish_texts() -> None:
    resources = render_watch.page_resources(25)
    assert resources["render_limit_s"] == 25
    assert resources["reload"] == "Genindlæs siden"
    assert resources["report_path"] == render_watch.REPORT_PATH
