from contracts.api.activities import ActivityKind
from indexer.stats.programme_rules import activity_increments, activity_report, stage_increments, stage_report


def test_activity_metrics_count_enterprise_visits_sessions_and_people() -> None:
    rows = activity_increments(
        [
            (2026, "500103", ActivityKind.ENABLEMENT_SERVICE, 3, 0),
            (2026, "500103", ActivityKind.EVENT, 0, 120),  # attendees of an event are not "trained"
            (2026, "500103", ActivityKind.TRAINING, 5, 40),
            (2025, "500103", ActivityKind.TRAINING, 0, 10),
        ]
    )
    assert rows == [
        {"year": 2025, "district_code": "500103", "metric": "events_and_trainings", "value": 1},
        {"year": 2025, "district_code": "500103", "metric": "people_trained", "value": 10},
        {"year": 2026, "district_code": "500103", "metric": "enablement_services", "value": 3},
        {"year": 2026, "district_code": "500103", "metric": "events_and_trainings", "value": 2},
        {"year": 2026, "district_code": "500103", "metric": "people_trained", "value": 40},
    ]


def test_activity_report_against_the_targets_of_the_year() -> None:
    report = activity_report(2026, [("500103", "enablement_services", 2500), ("500104", "people_trained", 700)])
    assert len(report["districts"]) == 41
    assert report["totals"]["enablement_services"] == {"unit": "家次", "value": 2500, "target": 5000, "share": 0.5}
    assert report["totals"]["people_trained"]["target"] is None  # cumulative target: judged in 2027
    assert activity_report(2027, [])["totals"]["people_trained"]["target"] == 5000
    assert activity_report(2024, [])["totals"]["people_trained"]["target"] == 1000


def test_stage_moves_and_report() -> None:
    rows = stage_increments(
        [("500103", None, "diagnosis"), ("500103", None, "diagnosis"), ("500103", "diagnosis", "strategy")]
    )
    assert rows == [
        {"district_code": "500103", "stage": "diagnosis", "projects": 1},
        {"district_code": "500103", "stage": "strategy", "projects": 1},
    ]
    report = stage_report({("500103", "diagnosis"): 1, ("500103", "strategy"): 1})
    assert report["total"] == 2
    assert [s["projects"] for s in report["stages"]] == [1, 1, 0, 0, 0, 0, 0, 0]
    assert report["stages"][0]["stage_name"] == "诊断评估"
