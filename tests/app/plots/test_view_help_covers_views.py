"""Every view of the dashboard explains itself on hover, including views added later."""

from nnstudio.app.plots.view_help import VIEW_HELP


def test_every_dashboard_view_has_its_help(dashboard) -> None:
    assert set(dashboard.views()) <= set(VIEW_HELP)
    for title, view in dashboard.views().items():
        assert view.toolTip() == VIEW_HELP[title]
