import pytest


@pytest.fixture
def world(db):
    from matching.tests.world import build_world

    return build_world()


@pytest.fixture
def make_run(django_capture_on_commit_callbacks):
    """Start a run as the coordinator would and let its task run (in-process, no broker in tests)."""

    def make(world, parent=None):
        from matching.services.runs import run_start

        with django_capture_on_commit_callbacks(execute=True):
            run = run_start(cycle=world.cycle, by=world.coordinator, parent=parent)
        run.refresh_from_db()
        return run

    return make
