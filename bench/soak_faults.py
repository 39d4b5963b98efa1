"""The soak run's faults and what it watches: a Celery worker killed, Redis stopped, workers answering."""

import signal
import threading
import time

from soak_stack import Managed, Redis, Supervisor, log


class Monitor:
    """Samples once a second: is Redis up, and how many Celery workers answer a ping."""

    def __init__(self, redis: Redis):
        self.redis = redis
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="monitor", daemon=True)

    def workers_answering(self) -> int | None:
        from celery import current_app

        if not self.redis.answers():
            return None
        try:
            with current_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
                return len(current_app.control.inspect(timeout=1.0, connection=conn).ping() or {})
        except Exception:
            return None

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.time()
            self.samples.append(
                {"t": started, "redis": self.redis.answers(), "workers": self.workers_answering()}
            )
            self._stop.wait(max(0.0, 1.0 - (time.time() - started)))

    def first_normal_after(self, t: float, expected: int) -> float | None:
        for sample in self.samples:
            if sample["t"] >= t and sample["workers"] == expected:
                return sample["t"]
        return None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


class Faults:
    """The fault timeline: one worker SIGKILLed a third of the way in, Redis down from half-way."""

    def __init__(
        self,
        *,
        workers: list[Managed],
        redis: Redis,
        supervisor: Supervisor,
        seconds: float,
        redis_down: float,
    ):
        self.workers, self.redis, self.supervisor = workers, redis, supervisor
        self.kill_at = seconds / 3
        self.redis_at = seconds / 2
        self.redis_down = redis_down
        self.events: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="faults", daemon=True)

    def start(self, t0: float) -> None:
        self.t0 = t0
        self._thread.start()

    def _sleep_until(self, offset: float) -> bool:
        return not self._stop.wait(max(0.0, self.t0 + offset - time.time()))

    def _run(self) -> None:
        if not self._sleep_until(self.kill_at):
            return
        victim = self.workers[0]
        log(f"fault: SIGKILL to Celery worker {victim.name} (pid {victim.process.pid}) and its pool")
        self.events["worker_killed"] = time.time()
        victim.signal_group(signal.SIGKILL)
        if not self._sleep_until(self.redis_at):
            return
        log(f"fault: Redis stopped for {self.redis_down:g} s")
        self.events["redis_stopped"] = time.time()
        self.redis.stop()
        self._stop.wait(self.redis_down)
        self.redis.start()
        self.events["redis_started"] = time.time()
        log("fault: Redis is back")

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.redis_down + 30)
        if not self.redis.answers():
            self.redis.start()


def fault_report(faults: Faults, monitor: Monitor, supervisor: Supervisor, expected: int) -> list[dict]:
    result = []
    killed = faults.events.get("worker_killed")
    if killed:
        restarted = next(
            (
                e["restarted_at"]
                for e in supervisor.events
                if e["exited_at"] >= killed and "restarted_at" in e
            ),
            None,
        )
        normal = monitor.first_normal_after(restarted or killed, expected)
        result.append(
            {
                "name": "worker SIGKILL",
                "at": killed,
                "restarted_after_seconds": round(restarted - killed, 1) if restarted else None,
                "workers_normal_after_seconds": round(normal - killed, 1) if normal else None,
                "summary": (f"restarted after {restarted - killed:.1f} s" if restarted else "not restarted")
                + (
                    f", {expected} workers answer after {normal - killed:.1f} s"
                    if normal
                    else ", workers not back"
                ),
            }
        )
    stopped, started = faults.events.get("redis_stopped"), faults.events.get("redis_started")
    if stopped and started:
        normal = monitor.first_normal_after(started, expected)
        exits = [e for e in supervisor.events if stopped <= e["exited_at"] <= started + 60]
        known_bug = [e for e in exits if any("hostname" in line for line in e["log"])]
        result.append(
            {
                "name": "Redis down",
                "at": stopped,
                "down_seconds": round(started - stopped, 1),
                "workers_normal_after_redis_back_seconds": round(normal - started, 1) if normal else None,
                "process_exits": exits,
                "worker_exit_nonetype_hostname": bool(known_bug),
                "summary": f"down {started - stopped:.1f} s; "
                + (
                    f"{expected} workers answer {normal - started:.1f} s after it is back"
                    if normal
                    else "workers not back"
                )
                + f"; {len(exits)} process exits"
                + (" (worker exit 'NoneType' object has no attribute 'hostname': yes)" if known_bug else ""),
            }
        )
    return result
