"""小灯塔 and benchmark evaluations and the city's designations over HTTP (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from assessment.main import spec
from assessment.models import Evaluation, tables
from assessment.scoring.examples import BELOW_FORTY, answers, scenes
from contracts.api.identity import Role
from testkit.databases import MigratedDbFactory
from testkit.services import service_under_test
from testkit.tokens import bearer

USCC, OTHER = "91350100M000100Y43", "914403001922038216"
EXPERT = bearer(Role.EXPERT, districts=["500103"])
FIVE = ["intelligent_scheduling", "quality_traceability", "predictive_maintenance", "smart_warehousing", "remote_om"]
LIGHTHOUSE: dict[str, Any] = {
    "uscc": USCC,
    "scheme_id": "lighthouse-2024",
    "category": "lighthouse",
    "indicators": ["data_collection", "production_execution", "system_integration"],
    "scenes": FIVE,
    "figures": {
        "upload_rate": "0.93",
        "efficiency_before": "100",
        "efficiency_after": "118",
        "cost_before": "50",
        "cost_after": "45",
        "defect_rate_before": "0.021",
        "defect_rate_after": "0.012",
    },
}


async def test_evaluate_then_designate(migrated_db: MigratedDbFactory, db_kind: str, seed: Any) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await seed(svc, {USCC: "500103", OTHER: "500104"})
        c = svc.client
        # a final digital-level assessment first: the evaluation shows the level
        aid = (
            await c.post(
                "/v1/assessments", json={"uscc": USCC, "answers": answers(BELOW_FORTY, scenes(3, 3, 2))}, headers=EXPERT
            )
        ).json()["assessment_id"]
        await c.post(f"/v1/assessments/{aid}/submission", json={"pledge": True, "pledged_by": "王五"}, headers=EXPERT)
        await c.post(f"/v1/assessments/{aid}/finalisation", json={}, headers=EXPERT)

        good = await c.post("/v1/evaluations", json=LIGHTHOUSE, headers=EXPERT)
        assert good.status_code == 201, good.text
        g = good.json()
        assert (g["passed"], g["level"], g["designation"]) == (True, 1, "lighthouse")
        assert [(x["rule"], x["passed"]) for x in g["checks"]] == [
            ("min_scenes", True),
            ("min_upload_rate", True),
            ("indicator_data_collection", True),
        ]
        assert g["outcomes"] == {
            "efficiency_gain": "18",
            "efficiency_gain_share": "0.18",
            "cost_reduction": "0.1",
            "defect_rate_reduction": "0.009",
        }
        low = await c.post(
            "/v1/evaluations",
            json={**LIGHTHOUSE, "figures": {"upload_rate": "0.85"}, "scenes": FIVE[:4]},
            headers=EXPERT,
        )
        assert (low.json()["passed"], [x["passed"] for x in low.json()["checks"]]) == (False, [False, False, True])

        elsewhere = bearer(Role.EXPERT, districts=["500104"])
        assert (await c.post("/v1/evaluations", json=LIGHTHOUSE, headers=elsewhere)).status_code == 403
        assert (
            await c.post(
                "/v1/designations", json={"evaluation_id": g["evaluation_id"], "batch": "第一批"}, headers=EXPERT
            )
        ).status_code == 403

        refused = await c.post(
            "/v1/designations", json={"evaluation_id": low.json()["evaluation_id"], "batch": "第一批"}
        )
        assert refused.status_code == 409
        assert "4 scenes formed, 5 needed" in refused.json()["message"]
        made = await c.post("/v1/designations", json={"evaluation_id": g["evaluation_id"], "batch": "2026年第一批"})
        assert made.status_code == 201, made.text
        assert (made.json()["kind"], made.json()["category"], made.json()["district_code"]) == (
            "lighthouse",
            "lighthouse",
            "500103",
        )
        twice = await c.post("/v1/designations", json={"evaluation_id": g["evaluation_id"], "batch": "2026年第二批"})
        assert twice.status_code == 409
        again = (await c.post("/v1/evaluations", json=LIGHTHOUSE, headers=EXPERT)).json()
        holder = await c.post(
            "/v1/designations", json={"evaluation_id": again["evaluation_id"], "batch": "2026年第二批"}
        )
        assert (holder.status_code, "holds this designation already" in holder.json()["message"]) == (409, True)

        benchmark = {
            "uscc": OTHER,
            "scheme_id": "benchmark-2024",
            "category": "specialised",
            "indicators": ["rd_design", "quality_management"],
            "replicable_scene": "注塑车间设备联网与质量追溯",
        }
        b = (await c.post("/v1/evaluations", json=benchmark)).json()
        assert (b["passed"], b["level"]) == (True, None)
        assert (
            await c.post("/v1/designations", json={"evaluation_id": b["evaluation_id"], "batch": "2026年第一批"})
        ).status_code == 201

        listed = (
            await c.get("/v1/designations", params={"kind": "benchmark"}, headers=bearer(Role.ENTERPRISE, uscc=USCC))
        ).json()
        assert [(d["uscc"], d["category"]) for d in listed] == [(OTHER, "specialised")]
        assert (await c.get(f"/v1/evaluations/{g['evaluation_id']}")).json()["designation_id"] == made.json()[
            "designation_id"
        ]
        assert [
            e["evaluation_id"]
            for e in (await c.get("/v1/evaluations", params={"passed": "false"}, headers=EXPERT)).json()
        ] == [low.json()["evaluation_id"]]
        assert (await c.get(f"/v1/evaluations/{b['evaluation_id']}", headers=EXPERT)).status_code == 403

        # revoked, the title can be earned again from a new evaluation
        assert (
            await c.post(
                f"/v1/designations/{made.json()['designation_id']}/revocation", json={"reason": "复核"}, headers=EXPERT
            )
        ).status_code == 403
        revoked = await c.post(
            f"/v1/designations/{made.json()['designation_id']}/revocation", json={"reason": "年度复核不达标"}
        )
        assert (revoked.status_code, revoked.json()["revocation_reason"]) == (200, "年度复核不达标")
        assert (
            await c.post(f"/v1/designations/{made.json()['designation_id']}/revocation", json={"reason": "再次"})
        ).status_code == 409
        assert (await c.post("/v1/designations/dg_nope/revocation", json={"reason": "无此称号"})).status_code == 404
        regained = await c.post(
            "/v1/designations", json={"evaluation_id": again["evaluation_id"], "batch": "2027年第一批"}
        )
        assert regained.status_code == 201, regained.text
        listed = {
            d["designation_id"]: d["revoked_at"] is not None
            for d in (await c.get("/v1/designations", params={"kind": "lighthouse"})).json()
        }
        assert listed == {made.json()["designation_id"]: True, regained.json()["designation_id"]: False}

        outbox = tables.outbox
        async with svc.runtime.sessions() as s:
            query = select(outbox.c.event_type, outbox.c.payload).where(
                outbox.c.event_type.like("assessment.designation.%")
            )
            rows = (await s.execute(query.order_by(outbox.c.id))).all()
        events = [
            (r.event_type.rsplit(".", 1)[1], json.loads(r.payload)["kind"], json.loads(r.payload)["uscc"]) for r in rows
        ]
        assert events == [
            ("granted", "lighthouse", USCC),
            ("granted", "benchmark", OTHER),
            ("revoked", "lighthouse", USCC),
            ("granted", "lighthouse", USCC),
        ]


async def test_evidence_that_does_not_fit_is_refused(migrated_db: MigratedDbFactory, seed: Any) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await seed(svc, {USCC: "500103"})
        c = svc.client
        cases = [
            ({**LIGHTHOUSE, "category": "comprehensive"}, "category"),
            ({**LIGHTHOUSE, "scenes": [*FIVE, "metaverse"]}, "scenes.metaverse"),
            ({**LIGHTHOUSE, "figures": {"upload_rate": "1.5"}}, "figures.upload_rate"),
            ({**LIGHTHOUSE, "scheme_id": "miit-2024"}, "scheme_id"),  # a digital-level scheme, not an evaluation
            ({**LIGHTHOUSE, "scheme_version": 4}, "scheme_version"),
        ]
        for body, field in cases:
            r = await c.post("/v1/evaluations", json=body)
            assert (r.status_code, r.json()["errors"][0]["field"]) == (422, field), r.text
        assert await svc.count(Evaluation) == 0
        wrong_kind = await c.post("/v1/assessments", json={"uscc": USCC, "scheme_id": "lighthouse-2024"})
        assert (wrong_kind.status_code, wrong_kind.json()["errors"][0]["field"]) == (422, "scheme_id")
        shipped = (await c.get("/v1/schemes/lighthouse-2024/versions/1")).json()
        disguised = {
            **(await c.get("/v1/schemes/miit-2024/versions/1")).json(),
            "scheme_id": "lighthouse-2024",
            "version": 2,
        }
        clash = await c.post("/v1/schemes", json=disguised)
        assert (clash.status_code, clash.json()["errors"][0]["field"]) == (409, "kind")
        assert (shipped["kind"], shipped["rules"]["min_scenes"], shipped["rules"]["min_figures"]) == (
            "evaluation",
            5,
            {"upload_rate": "0.90"},
        )
